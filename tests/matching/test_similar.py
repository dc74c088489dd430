"""Similar claims: reworded twins found, workspaces kept apart, queries bounded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.matching import mark_threshold, show_threshold, similar_claims
from annotations.models import (
    Claim,
    Document,
    InvalidInput,
    NotVisible,
    Role,
)
from annotations.permissions import roles_of
from tests.factories import (
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.matching.common import (
    BACKED,
    DONBASS_NATIONAL,
    DONBASS_PLAIN,
    SUPPORTED,
    UNRELATED,
    claim_containing,
    claim_in,
)

# --- similar claims ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_two_donbass_sentences_of_the_demo_document_find_each_other(demo):
    _, document, annotator = demo
    national = claim_containing(document, DONBASS_NATIONAL)
    plain = claim_containing(document, DONBASS_PLAIN)
    assert national.match_text and plain.match_text
    [best, *_] = similar_claims(national, annotator)
    assert best.claim == plain
    assert best.score >= mark_threshold()
    assert {"Donbass", "liberation", "territory"} <= set(best.shared)
    [best, *_] = similar_claims(plain, annotator)
    assert best.claim == national
    assert best.score >= mark_threshold()


@pytest.mark.django_db
def test_a_lightly_reworded_claim_finds_its_twin_and_not_an_unrelated_claim():
    workspace = WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    supported = claim_in(workspace, SUPPORTED)
    claim_in(workspace, UNRELATED)
    found = similar_claims(backed, user)
    assert [match.claim for match in found] == [supported]
    assert show_threshold() <= found[0].score < 1
    assert found[0].shared == ["114", "countries", "resolution"]
    assert found[0].numbers == ["114"]
    assert str(found[0].highlighted) == (
        "<mark>114</mark> <mark>countries</mark> supported the <mark>resolution</mark>."
    )


@pytest.mark.django_db
def test_numbers_written_in_words_match_digits_exactly():
    workspace = WorkspaceFactory()
    user = member(workspace)
    words = claim_in(workspace, "One hundred and fourteen countries backed the resolution.")
    digits = claim_in(workspace, BACKED)
    [best] = similar_claims(words, user)
    assert best.claim == digits
    assert best.numbers == ["114"]
    assert best.score >= mark_threshold()


@pytest.mark.django_db
def test_a_claim_is_never_its_own_match_nor_matched_across_workspaces():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    claim_in(elsewhere, BACKED)
    claim_in(elsewhere, SUPPORTED)
    assert similar_claims(backed, user) == []


@pytest.mark.django_db
def test_a_member_of_both_workspaces_still_gets_only_the_claims_own_workspace():
    workspace, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    user = member(workspace, Role.EDITOR)
    elsewhere.memberships.create(user=user, role=Role.EDITOR)
    backed = claim_in(workspace, BACKED)
    twin = claim_in(workspace, SUPPORTED)
    claim_in(elsewhere, BACKED)
    assert [m.claim for m in similar_claims(backed, user)] == [twin]


@pytest.mark.django_db
def test_similar_claims_are_refused_to_a_non_member():
    claim = claim_in(WorkspaceFactory(), BACKED)
    with pytest.raises(NotVisible):
        similar_claims(claim, UserFactory())


@pytest.mark.django_db
def test_similar_claims_carry_their_current_published_verdict():
    workspace = WorkspaceFactory()
    user = member(workspace)
    backed = claim_in(workspace, BACKED)
    supported = claim_in(workspace, SUPPORTED)
    again = claim_in(workspace, "114 countries have backed the resolution.")
    verdict = VerdictFactory(claim=supported, rating=rating(workspace, "Mostly false"))
    retracted = VerdictFactory(
        claim=again,
        retracted_at=timezone.now(),
        retraction_note="Wrong claim.",
    )
    found = [m.claim for m in similar_claims(backed, user)]
    assert set(found) == {supported, again}
    by_pk = {c.pk: c for c in found}
    assert by_pk[supported.pk].published_verdict == verdict
    assert by_pk[supported.pk].published_verdict.rating.label == "Mostly false"
    assert by_pk[again.pk].published_verdict is None
    assert retracted.pk


@pytest.mark.django_db
def test_similar_claims_reject_a_threshold_outside_the_unit_interval():
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, BACKED)
    with pytest.raises(InvalidInput):
        similar_claims(claim, user, threshold=1.5)


def _fill_twins(workspace, count):
    """`count` claims that all read like BACKED, each with a published verdict."""
    for i in range(count):
        twin = claim_in(workspace, f"114 countries backed the resolution in session {i}.")
        VerdictFactory(claim=twin)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 40])
def test_similar_claims_queries_do_not_grow_with_the_claims(count, django_assert_num_queries):
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, BACKED)
    _fill_twins(workspace, count)
    claim = Claim.objects.select_related("document__workspace").get(pk=claim.pk)
    roles_of(user)
    # The terms' frequencies; the candidates with their texts (and their verdicts'
    # summaries); the claims shown with their documents; their verdicts (and ratings).
    with django_assert_num_queries(4):
        found = similar_claims(claim, user, limit=50)
        assert all(m.verdict.rating.label for m in found)
        assert all(m.claim.document.title for m in found)
    assert len(found) == count


@pytest.mark.django_db
def test_a_claim_lookup_reads_no_documents_text():
    workspace = WorkspaceFactory()
    user = member(workspace)
    claim = claim_in(workspace, BACKED)
    twin = claim_in(workspace, SUPPORTED, title="Session report")
    claim = Claim.objects.select_related("document__workspace").get(pk=claim.pk)
    with CaptureQueriesContext(connection) as queries:
        [found] = similar_claims(claim, user)
    assert found.claim == twin
    assert found.claim.document.title == "Session report"
    document_table = Document._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if document_table in q["sql"]]
    assert reads
    assert not any(f'"{document_table}"."text"' in sql for sql in reads)


@pytest.mark.django_db
def test_a_claim_lookup_does_not_look_up_a_term_counted_at_the_cap(monkeypatch):
    from annotations.matching import scoring

    monkeypatch.setattr(scoring, "DF_CAP", 3)
    workspace = WorkspaceFactory()
    user = member(workspace)
    walrus, *others = [
        claim_in(workspace, f"Walruses {word} migrate.") for word in ("zebra", "yak", "xenon")
    ]
    walrus = Claim.objects.select_related("document__workspace").get(pk=walrus.pk)
    # "walrus" and "migrate" are in 3 claims, as many as are counted: in at least 3 others
    # for all the lookup knows, too common to read; "zebra" is in no other claim.
    assert similar_claims(walrus, user, threshold=1e-9) == []
    claim_in(workspace, "A zebra herd.")
    [match] = similar_claims(walrus, user, threshold=1e-9)
    assert match.claim.text == "A zebra herd."
