"""Search across a workspace's claims, verdicts and annotations, on either database."""

from datetime import date
from pathlib import Path

import pytest

from annotations.models import Annotation, NotVisible, Role
from annotations.permissions import roles_of
from annotations.search import SearchError, parse_query, search, websearch_text
from annotations.services import import_document
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed-document.txt"


def claim_in(workspace, text, **document_fields):
    document = DocumentFactory(workspace=workspace, text=text, **document_fields)
    return ClaimFactory(document=document, start=0, end=len(text))


def found(hits) -> set[tuple[str, int]]:
    return {(hit.kind, hit.pk) for hit in hits}


# --- the query: pure ------------------------------------------------------------------


def test_a_query_is_words_and_quoted_phrases_without_stop_words_or_operators():
    terms = parse_query('Taxes & (rose | !fell):* "war of liberation" the -NATO “in 2023”')
    assert terms == [
        ("taxes",),
        ("rose",),
        ("fell",),
        ("war", "of", "liberation"),
        ("nato",),
        ("in", "2023"),
    ]
    assert websearch_text(terms) == 'taxes rose fell "war of liberation" nato "in 2023"'


def test_a_decimal_number_stays_one_word():
    assert parse_query("grew 5.2% in 2023") == [("grew",), ("5.2",), ("2023",)]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 501,
        "!!! ??? ... ---",
        "& | ! :* ( ) \"\" '' <-> \\",
        '""',
        '"the of"',
        "(((",
        ":*",
        "the of and or not",
        " ".join(f"word{i}" for i in range(21)),
    ],
)
def test_a_query_with_nothing_to_search_for_is_refused_with_a_message(query):
    with pytest.raises(SearchError) as refused:
        parse_query(query)
    assert str(refused.value)
    assert isinstance(refused.value, ValueError)


# --- searching ------------------------------------------------------------------------


@pytest.fixture
def desk():
    """Two documents about taxes, with a verdict on one claim and an annotation on the other."""
    workspace = WorkspaceFactory()
    desk = type("Desk", (), {})()
    desk.workspace = workspace
    desk.editor = member(workspace, Role.EDITOR)
    desk.reviewer = member(workspace, Role.REVIEWER)
    desk.annotator = member(workspace, Role.ANNOTATOR)
    desk.colleague = member(workspace, Role.ANNOTATOR)
    desk.c1 = claim_in(
        workspace,
        "Taxes rose by 3% in 2023.",
        speaker="Jane Minister",
        published=date(2024, 3, 1),
    )
    desk.c2 = claim_in(
        workspace,
        "Taxes rose by 5% in 2024.",
        speaker="Paul Senator",
        published=date(2025, 1, 10),
    )
    desk.verdict = VerdictFactory(
        claim=desk.c2, rating=rating(workspace, "False"), summary="Taxes fell by 1%."
    )
    desk.annotation = AnnotationFactory(
        claim=desk.c1,
        author=desk.colleague,
        rating=rating(workspace, "Mostly true"),
        status=Annotation.Status.SUBMITTED,
        summary="Taxes did rise, by 2.8%.",
        note="See the budget report.",
    )
    return desk


ALL = ["c1", "c2", "verdict", "annotation"]


def expected(desk, *names):
    kinds = {"c1": "claim", "c2": "claim", "verdict": "verdict", "annotation": "annotation"}
    return {(kinds[name], getattr(desk, name).pk) for name in names}


@pytest.mark.django_db
def test_search_finds_claims_verdicts_and_annotations(desk):
    hits = search(desk.annotator, desk.workspace, "taxes")
    assert found(hits) == expected(desk, *ALL)
    by_kind = {hit.kind: hit for hit in hits}
    assert by_kind["verdict"].verdict == desk.verdict
    assert by_kind["verdict"].claim == desk.c2
    assert by_kind["annotation"].annotation == desk.annotation
    assert by_kind["annotation"].document == desk.c1.document


@pytest.mark.django_db
def test_every_word_must_match(desk):
    assert found(search(desk.annotator, desk.workspace, "taxes 2023")) == expected(desk, "c1")
    assert search(desk.annotator, desk.workspace, "taxes zebra") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"document": "c1"}, ["c1", "annotation"]),
        ({"speaker": "jane minister"}, ["c1", "annotation"]),
        ({"rating": "False"}, ["c2", "verdict"]),
        ({"rating": "Mostly true"}, ["annotation"]),
        ({"state": "published"}, ["c2", "verdict"]),
        ({"state": "in_progress"}, ["c1", "annotation"]),
        ({"state": "unchecked"}, []),
        ({"date_from": date(2025, 1, 1)}, ["c2", "verdict"]),
        ({"date_to": "2024-12-31"}, ["c1", "annotation"]),
        ({"date_from": "2024-03-01", "date_to": "2024-03-01"}, ["c1", "annotation"]),
        ({"kinds": ["claim"]}, ["c1", "c2"]),
        ({"kinds": ["verdict", "annotation"]}, ["verdict", "annotation"]),
    ],
)
def test_search_filters(desk, filters, names):
    if "document" in filters:
        filters["document"] = getattr(desk, filters["document"]).document
    if "rating" in filters:
        filters["rating"] = rating(desk.workspace, filters["rating"])
    hits = search(desk.annotator, desk.workspace, "taxes", **filters)
    assert found(hits) == expected(desk, *names)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        {"state": "nonsense"},
        {"date_from": "yesterday"},
        {"rating": "False"},
        {"document": "one"},
        {"kinds": ["comment"]},
        {"limit": "many"},
    ],
)
def test_a_filter_that_cannot_be_applied_is_refused_with_a_message(desk, filters):
    with pytest.raises(SearchError):
        search(desk.annotator, desk.workspace, "taxes", **filters)


@pytest.mark.django_db
def test_a_document_of_another_workspace_filters_everything_out(desk):
    elsewhere = claim_in(WorkspaceFactory(), "Taxes rose again.")
    assert search(desk.editor, desk.workspace, "taxes", document=elsewhere.document) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "taxes & rose",
        "taxes | rose",
        "!taxes",
        "taxes:*",
        "(taxes)",
        "'taxes'",
        '"taxes',
        'taxes "rose by',
        "taxes <-> rose",
        "taxes\x00",
        "taxes -rose",
        "taxes or",
        "\\taxes",
    ],
)
def test_operators_in_a_query_are_ignored_never_a_database_error(desk, query):
    hits = search(desk.annotator, desk.workspace, query)
    assert expected(desk, "c1", "c2") <= found(hits) <= expected(desk, *ALL)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "x" * 501, "&&& ||| !!!", '"" () :*', "the and of"])
def test_a_bad_query_raises_search_error_before_touching_the_database(
    desk, query, django_assert_num_queries
):
    roles_of(desk.annotator)
    with django_assert_num_queries(0), pytest.raises(SearchError):
        search(desk.annotator, desk.workspace, query)


@pytest.mark.django_db
def test_search_is_refused_to_a_non_member(desk):
    with pytest.raises(NotVisible):
        search(UserFactory(), desk.workspace, "taxes")


@pytest.mark.django_db
def test_nothing_from_another_workspace_is_found(desk):
    elsewhere = WorkspaceFactory()
    outsider = claim_in(elsewhere, "Taxes rose by 3% in 2023.")
    VerdictFactory(claim=outsider, summary="Taxes rose.")
    AnnotationFactory(claim=outsider, summary="Taxes.")
    hits = search(desk.editor, desk.workspace, "taxes")
    assert found(hits) == expected(desk, *ALL)


@pytest.mark.django_db
def test_text_outranks_notes_and_matches_are_marked(desk):
    workspace = desk.workspace
    claim = claim_in(workspace, "The resolution was backed by 114 countries.")
    in_note = AnnotationFactory(
        claim=desk.c2,
        author=desk.annotator,
        summary="The vote went the other way.",
        note="The UN resolution had 141 votes in favour.",
    )
    hits = search(desk.annotator, workspace, "resolution")
    assert [(hit.kind, hit.pk) for hit in hits] == [("claim", claim.pk), ("annotation", in_note.pk)]
    assert hits[0].rank > hits[1].rank > 0
    assert "<mark>resolution</mark> was backed by 114 countries" in hits[0].snippet
    assert "<mark>resolution</mark> had 141 votes" in hits[1].snippet


@pytest.mark.django_db
def test_more_occurrences_rank_higher(desk):
    once = claim_in(desk.workspace, "Inflation is low.")
    twice = claim_in(desk.workspace, "Inflation is low, and inflation will stay low.")
    hits = search(desk.annotator, desk.workspace, "inflation")
    assert [hit.pk for hit in hits] == [twice.pk, once.pk]


@pytest.mark.django_db
def test_snippets_escape_the_text_and_mark_only_the_matches(desk):
    claim = claim_in(
        desk.workspace, 'Taxes <script>alert("x")</script> & <b>tariffs</b> rose by 1% in 2022.'
    )
    (hit,) = search(desk.annotator, desk.workspace, "tariffs 2022")
    assert hit.pk == claim.pk
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert "&lt;b&gt;<mark>tariffs</mark>&lt;/b&gt;" in hit.snippet
    assert "<mark>2022</mark>" in hit.snippet
    assert hit.snippet.count("<mark>") == 2


@pytest.mark.django_db
def test_a_quoted_phrase_matches_only_those_words_in_that_order():
    workspace = WorkspaceFactory()
    document = import_document(workspace, SEED.read_text(encoding="utf-8"), title="Demo").document
    user = member(workspace)
    national = document.claims.get(text__contains="supports this war of national liberation")
    plain = document.claims.get(text__contains="supports this war of liberation")
    phrase = {hit.pk for hit in search(user, workspace, '"war of liberation" donbass')}
    assert plain.pk in phrase
    assert national.pk not in phrase
    words = {hit.pk for hit in search(user, workspace, "war liberation donbass")}
    assert {plain.pk, national.pk} <= words
    (hit,) = [h for h in search(user, workspace, '"war of liberation" donbass') if h.pk == plain.pk]
    assert "liberation</mark>" in hit.snippet
    assert "<mark>Donbass</mark>" in hit.snippet


# --- who sees what ----------------------------------------------------------------------


@pytest.mark.django_db
def test_blind_work_is_not_found_by_an_annotator_until_they_submit_their_own(desk):
    desk.workspace.blind = True
    desk.workspace.save()
    kinds = {hit.kind for hit in search(desk.annotator, desk.workspace, "budget report")}
    assert "annotation" not in kinds
    own = Annotation.start(desk.c1, desk.annotator, rating=rating(desk.workspace), summary="Yes.")
    assert search(desk.annotator, desk.workspace, "budget report") == []
    own.submit(desk.annotator)
    hits = search(desk.annotator, desk.workspace, "budget report")
    assert found(hits) == expected(desk, "annotation")
    assert found(search(desk.reviewer, desk.workspace, "budget report")) == expected(
        desk, "annotation"
    )


@pytest.mark.django_db
def test_hidden_annotations_are_found_by_editors_only(desk):
    desk.annotation.hide(desk.editor, "Off topic.")
    for user in (desk.annotator, desk.reviewer):
        assert search(user, desk.workspace, "budget report") == []
    assert found(search(desk.editor, desk.workspace, "budget report")) == expected(
        desk, "annotation"
    )


# --- kept current on write ------------------------------------------------------------


@pytest.mark.django_db
def test_an_edited_annotation_is_found_by_its_new_words_only(desk):
    desk.annotation.edit(desk.colleague, summary="Customs duties doubled.")
    assert search(desk.editor, desk.workspace, "customs duties", kinds=["annotation"])
    hits = search(desk.editor, desk.workspace, "taxes", kinds=["annotation"])
    assert hits == []


@pytest.mark.django_db
def test_a_restated_claim_is_found_by_its_restatement(desk):
    desk.c1.update_details(desk.annotator, restatement="The levy increased in 2023.")
    hits = search(desk.annotator, desk.workspace, "levy", kinds=["claim"])
    assert found(hits) == expected(desk, "c1")
    assert "<mark>levy</mark>" in hits[0].snippet


@pytest.mark.django_db
def test_a_retraction_note_is_searchable(desk):
    desk.verdict.retract(desk.editor, "The ministry corrected its figures.")
    hits = search(desk.annotator, desk.workspace, "ministry corrected", kinds=["verdict"])
    assert found(hits) == expected(desk, "verdict")


# --- queries ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 30])
def test_search_queries_do_not_grow_with_the_hits(desk, extra, django_assert_num_queries):
    for i in range(extra):
        claim = claim_in(desk.workspace, f"Taxes rose by {i}% in district {i}.")
        VerdictFactory(claim=claim, summary=f"Taxes rose by {i + 1}%.")
        AnnotationFactory(claim=claim, summary="Taxes rose less.", status="submitted")
    roles_of(desk.annotator)
    # One query per kind: claims, verdicts, annotations (each with claim and document).
    with django_assert_num_queries(3):
        hits = search(desk.annotator, desk.workspace, "taxes", limit=200)
        for hit in hits:
            assert hit.document.title
            assert hit.snippet
    assert len(hits) == 4 + 3 * extra


@pytest.mark.django_db
def test_a_typo_finds_its_word_when_nothing_has_the_word_as_typed():
    from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member

    workspace = WorkspaceFactory()
    user = member(workspace)
    text = "The Soviet Union collapsed in 1991."
    claim = ClaimFactory(
        document=DocumentFactory(workspace=workspace, text=text), start=0, end=len(text)
    )
    other = "Bread prices rose sharply."
    ClaimFactory(document=DocumentFactory(workspace=workspace, text=other), start=0, end=len(other))
    hits = search(user, workspace, "Sovjet")
    assert [(h.kind, h.pk) for h in hits] == [("claim", claim.pk)]
    assert str(hits[0].snippet) == "The <mark>Soviet</mark> Union collapsed in 1991."
    assert search(user, workspace, "Soviet")[0].pk == claim.pk
    assert search(user, workspace, "Zebrafish") == []


@pytest.mark.django_db
def test_an_archived_documents_claims_and_annotations_leave_search_its_verdicts_stay(desk):
    # c1 carries the annotation, c2 the verdict; both documents are archived.
    for claim in (desk.c1, desk.c2):
        claim.document.archive(desk.editor)
    for user in (desk.annotator, desk.editor):
        assert found(search(user, desk.workspace, "taxes")) == expected(desk, "verdict")
    # Asked for by name, the archived document is searched as before.
    hits = search(desk.editor, desk.workspace, "taxes", document=desk.c1.document)
    assert found(hits) == expected(desk, "c1", "annotation")
    desk.c1.document.unarchive(desk.editor)
    assert found(search(desk.annotator, desk.workspace, "taxes")) == expected(
        desk, "c1", "verdict", "annotation"
    )


@pytest.mark.django_db
def test_search_queries_stay_three_with_archived_documents(desk, django_assert_num_queries):
    desk.c2.document.archive(desk.editor)
    roles_of(desk.annotator)
    with django_assert_num_queries(3):
        hits = search(desk.annotator, desk.workspace, "taxes")
    assert found(hits) == expected(desk, "c1", "verdict", "annotation")
