"""Claim numbers and an editor's fixes to claims: delete, merge, split (models)."""

import pytest
from django.db import transaction

from annotations.matching import normalise
from annotations.models import (
    Claim,
    ClaimMatchKey,
    Conflict,
    InvalidInput,
    Role,
    WorkflowError,
)
from tests.concurrency import THREADS, at_once, skip_unless_postgres
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    VerdictFactory,
    member,
)

pytestmark = pytest.mark.django_db

TEXT = "Taxes rose by 4%. Crime fell by 9%. Exports doubled in 2023. Wages stalled."


@pytest.fixture
def desk():
    document = DocumentFactory(text=TEXT, language="en")
    spans = [(0, 17), (18, 35), (36, 60), (61, 75)]
    claims = [ClaimFactory(document=document, start=s, end=e) for s, e in spans]
    editor = member(document.workspace, Role.EDITOR, username="erin")
    return document, claims, editor


def _numbers(document):
    return list(
        Claim.objects.filter(document=document).values_list("number", "start", "end", "text")
    )


def test_claims_are_numbered_in_the_order_they_are_made(desk):
    document, claims, _ = desk
    assert [c.number for c in claims] == [1, 2, 3, 4]


def test_a_selection_made_later_gets_the_next_number_and_nothing_renumbers(desk):
    document, claims, editor = desk
    claim, created = Claim.from_selection(document, 0, 5, editor)
    assert created and claim.number == 5
    assert [c.number for c in Claim.objects.filter(document=document)] == [5, 1, 2, 3, 4]


def test_editor_deletes_an_unworked_claim_and_its_number_is_not_given_again(desk):
    document, claims, editor = desk
    claims[3].delete_unworked(editor)
    assert [n for n, *_ in _numbers(document)] == [1, 2, 3]
    assert not ClaimMatchKey.objects.filter(claim_id=claims[3].pk).exists()
    history = Claim.history.filter(id=claims[3].pk).order_by("history_id")
    assert [(h.history_type, h.history_user) for h in history] == [("+", None), ("-", editor)]
    # Neither the last number nor an inner one comes back: "claim 4" in a report made
    # before the deletion can never name another claim.
    claim, _ = Claim.from_selection(document, 61, 66, editor)
    assert claim.number == 5
    claims[1].delete_unworked(editor)
    claim, _ = Claim.from_selection(document, 18, 23, editor)
    assert claim.number == 6
    document.refresh_from_db()
    assert document.next_claim_number == 7


def test_the_number_of_a_deleted_newest_claim_is_not_given_again(desk):
    document, claims, editor = desk
    newest, _ = Claim.from_selection(document, 0, 5, editor)
    assert newest.number == 5
    newest.delete_unworked(editor)
    assert Claim.from_selection(document, 6, 10, editor)[0].number == 6
    first, second = claims[1].split_at(24, editor)
    assert (first.number, second.number) == (2, 7)
    second.delete_unworked(editor)
    assert Claim.objects.create(document=document, start=36, end=43).number == 8


def test_a_claim_that_comes_with_its_number_moves_the_counter_past_it(desk):
    document, _, _ = desk
    assert Claim.objects.create(document=document, start=0, end=5, number=40).number == 40
    assert Claim.objects.create(document=document, start=6, end=10).number == 41
    # A lower number given again changes nothing.
    Claim.objects.create(document=document, start=11, end=15, number=20)
    document.refresh_from_db()
    assert document.next_claim_number == 42


def test_a_rolled_back_claim_gives_its_number_back(desk):
    document, _, _ = desk
    with pytest.raises(RuntimeError), transaction.atomic():
        Claim.objects.create(document=document, start=0, end=5)
        raise RuntimeError("the request failed after the claim was made")
    assert Claim.objects.create(document=document, start=0, end=5).number == 5


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_claims_made_at_once_get_distinct_numbers_without_a_lock():
    skip_unless_postgres()
    document = DocumentFactory(text=" ".join(f"w{i:02d}" for i in range(THREADS)))

    def make(i):
        return Claim.objects.create(document=document, start=4 * i, end=4 * i + 3).number

    assert sorted(at_once(make)) == list(range(1, THREADS + 1))
    document.refresh_from_db()
    assert document.next_claim_number == THREADS + 1


@pytest.mark.parametrize("work", ["annotation", "hidden annotation", "verdict"])
def test_a_claim_someone_worked_on_cannot_be_deleted(desk, work):
    document, claims, editor = desk
    if work == "verdict":
        VerdictFactory(claim=claims[0])
    else:
        AnnotationFactory(claim=claims[0], hidden=work == "hidden annotation")
    with pytest.raises(Conflict) as refused:
        claims[0].delete_unworked(editor)
    assert refused.value.status_code == 409
    assert refused.value.message.startswith(
        "Claim 1 has annotations or a verdict, so it cannot be deleted"
    )
    assert Claim.objects.filter(pk=claims[0].pk).exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_only_editors_fix_claims(desk, role):
    document, claims, _ = desk
    user = member(document.workspace, role)
    for attempt in (
        lambda: claims[0].delete_unworked(user),
        lambda: claims[0].merge_with(claims[1], user),
        lambda: claims[0].split_at(6, user),
    ):
        with pytest.raises(WorkflowError) as refused:
            attempt()
        assert (refused.value.status_code, refused.value.message) == (
            403,
            "Only editors can delete, merge or split claims.",
        )
    assert len(_numbers(document)) == 4


def test_outsiders_are_told_nothing(desk):
    document, claims, _ = desk
    with pytest.raises(WorkflowError) as refused:
        claims[0].delete_unworked(member(DocumentFactory().workspace, Role.EDITOR))
    assert refused.value.status_code == 404


def test_merging_neighbours_keeps_the_lower_number_and_records_history(desk):
    document, claims, editor = desk
    kept = claims[2].merge_with(claims[1], editor)
    assert kept.pk == claims[1].pk
    assert _numbers(document) == [
        (1, 0, 17, "Taxes rose by 4%."),
        (2, 18, 60, "Crime fell by 9%. Exports doubled in 2023."),
        (4, 61, 75, "Wages stalled."),
    ]
    assert kept.match_text == normalise("Crime fell by 9%. Exports doubled in 2023.")
    assert Claim.history.filter(id=claims[1].pk).latest("history_id").history_user == editor
    assert Claim.history.filter(id=claims[2].pk).latest("history_id").history_type == "-"
    keys = set(ClaimMatchKey.objects.filter(claim=kept).values_list("key", flat=True))
    assert keys and not ClaimMatchKey.objects.filter(claim_id=claims[2].pk).exists()


def test_merging_keeps_the_lower_number_even_when_it_is_the_later_claim(desk):
    document, claims, editor = desk
    late, _ = Claim.from_selection(document, 0, 5, editor)  # "Taxes", number 5
    # Reading order: late (0-5), claims[0] (0-17): neighbours.
    kept = late.merge_with(claims[0], editor)
    assert (kept.pk, kept.number, kept.start, kept.end) == (claims[0].pk, 1, 0, 17)
    assert kept.kind == "selection"  # a selection and a sentence: a selection


def test_claims_that_are_not_neighbours_are_not_merged(desk):
    document, claims, editor = desk
    with pytest.raises(InvalidInput) as refused:
        claims[0].merge_with(claims[2], editor)
    assert refused.value.message == (
        "Claims 1 and 3 are not next to each other; only neighbouring claims can be merged."
    )
    with pytest.raises(InvalidInput):
        claims[0].merge_with(claims[0], editor)
    other = ClaimFactory(document=DocumentFactory(workspace=document.workspace), start=0, end=5)
    with pytest.raises(InvalidInput) as refused:
        claims[0].merge_with(other, editor)
    assert refused.value.message == "Only claims of the same document can be merged."
    assert len(_numbers(document)) == 4


def test_a_claim_with_work_is_not_merged(desk):
    document, claims, editor = desk
    AnnotationFactory(claim=claims[1])
    with pytest.raises(Conflict) as refused:
        claims[0].merge_with(claims[1], editor)
    assert "Claim 2 has annotations or a verdict, so it cannot be merged" in refused.value.message
    assert len(_numbers(document)) == 4


def test_splitting_keeps_the_number_for_the_first_part_and_numbers_the_second_last(desk):
    document, claims, editor = desk
    first, second = claims[2].split_at(52, editor)  # "Exports doubled " | "in 2023."
    assert (first.pk, first.number) == (claims[2].pk, 3)
    assert _numbers(document) == [
        (1, 0, 17, "Taxes rose by 4%."),
        (2, 18, 35, "Crime fell by 9%."),
        (3, 36, 51, "Exports doubled"),
        (5, 52, 60, "in 2023."),
        (4, 61, 75, "Wages stalled."),
    ]
    assert second.created_by == editor and second.kind == claims[2].kind
    assert Claim.history.filter(id=second.pk).get().history_user == editor
    assert Claim.history.filter(id=first.pk).latest("history_id").history_type == "~"
    assert ClaimMatchKey.objects.filter(claim=second).exists()


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (36, "Split inside the claim: at an offset between 37 and 59."),
        (60, "Split inside the claim: at an offset between 37 and 59."),
        (0, "Split inside the claim: at an offset between 37 and 59."),
        (10**9, "Split inside the claim: at an offset between 37 and 59."),
        ("44", "Split inside the claim: at an offset between 37 and 59."),
    ],
)
def test_splitting_outside_the_claim_is_refused(desk, offset, message):
    document, claims, editor = desk
    with pytest.raises(InvalidInput) as refused:
        claims[2].split_at(offset, editor)
    assert (refused.value.message, refused.value.field) == (message, "offset")
    assert len(_numbers(document)) == 4


def test_a_split_leaving_a_part_without_words_is_refused():
    document = DocumentFactory(text="Taxes rose.   Crime fell.")
    # A span with trailing spaces (a splitter's claim never has them; an old one might).
    claim = ClaimFactory(document=document, start=0, end=14)
    editor = member(document.workspace, Role.EDITOR)
    with pytest.raises(InvalidInput) as refused:
        claim.split_at(12, editor)
    assert refused.value.message == "Both parts of a split claim must contain words."
    assert Claim.objects.filter(document=document).count() == 1


def test_a_claim_with_work_is_not_split(desk):
    document, claims, editor = desk
    VerdictFactory(claim=claims[2])
    with pytest.raises(Conflict):
        claims[2].split_at(52, editor)
    assert len(_numbers(document)) == 4


def test_a_split_onto_an_existing_span_is_a_conflict(desk):
    document, claims, editor = desk
    Claim.from_selection(document, 52, 60, editor)  # "in 2023." exists already
    with pytest.raises(Conflict) as refused:
        claims[2].split_at(52, editor)
    assert refused.value.message == "Another claim already covers exactly this span."
    claims[2].refresh_from_db()
    assert (claims[2].start, claims[2].end) == (36, 60)
