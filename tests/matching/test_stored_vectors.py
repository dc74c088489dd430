"""Stored word-vector sums (Claim.match_vector, ReferenceFactCheck.match_vector): written
by an import, a save and a reference load, back-filled by a command, and read by the
matcher with the same matches as when it computes them; a large desk's term
frequencies kept in the process."""

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.matching import embedding, engine, find_matches, normalise, similar_claims
from annotations.models import Claim, ReferenceFactCheck, Role
from annotations.permissions import roles_of
from annotations.services import import_document
from tests.factories import VerdictFactory, WorkspaceFactory, member
from tests.matching.common import BACKED, SEED, SUPPORTED, UNRELATED, VOTED, claim_in
from tests.matching.test_checked_before import GUANTANAMO, GUANTANAMO_TWEET, OTHERS, references


def sums_of(model, **filters) -> dict[int, np.ndarray | None]:
    return {
        pk: None if vector is None else embedding.from_stored([vector])[0]
        for pk, vector in model.objects.filter(**filters).values_list("pk", "match_vector")
    }


def close(stored, text) -> bool:
    return stored is not None and np.allclose(stored, embedding.sums([text])[0], atol=1e-2)


def test_a_stored_sum_reads_back_as_the_sum_and_adds_like_the_texts_joined():
    texts = ["the vaccine causes autism", "obama was born in kenya", ""]
    blobs = embedding.stored(texts)
    assert [len(b) for b in blobs] == [embedding.STORED_BYTES] * 3
    np.testing.assert_allclose(embedding.from_stored(blobs), embedding.sums(texts), atol=1e-2)
    joined = embedding.cosines_with_stored(
        "vaccines cause autism", [blobs[0], None], ["in children", "the vaccine causes autism"]
    )
    fresh = embedding.cosines(
        "vaccines cause autism", ["the vaccine causes autism in children", texts[0]]
    )
    np.testing.assert_allclose(joined, fresh, atol=1e-4)


@pytest.mark.django_db
def test_an_import_stores_each_claims_sum_of_its_folded_text():
    workspace = WorkspaceFactory()
    document = import_document(workspace, SEED.read_text(encoding="utf-8")[:3000]).document
    claims = list(document.claims.all())
    stored = sums_of(Claim, document=document)
    assert len(claims) > 5
    assert all(close(stored[c.pk], c.match_text) for c in claims)


@pytest.mark.django_db
def test_a_changed_claim_text_refreshes_its_sum():
    claim = claim_in(WorkspaceFactory(), BACKED)
    assert close(sums_of(Claim, pk=claim.pk)[claim.pk], normalise(BACKED))
    claim = Claim.objects.get(pk=claim.pk)
    claim.text = UNRELATED
    claim.save()
    assert close(sums_of(Claim, pk=claim.pk)[claim.pk], normalise(UNRELATED))


@pytest.mark.django_db
def test_loaded_reference_fact_checks_store_the_sum_of_their_claim_and_title():
    workspace = WorkspaceFactory()
    loaded = references(workspace, GUANTANAMO, *OTHERS)
    stored = sums_of(ReferenceFactCheck, workspace=workspace)
    assert len(stored) == len(loaded)
    assert all(close(stored[r.pk], normalise(f"{r.claim} {r.title}")) for r in loaded.values())


@pytest.mark.django_db
def test_the_backfill_command_fills_missing_sums_only_and_then_writes_nothing(capsys):
    workspace = WorkspaceFactory()
    user = member(workspace, Role.ANNOTATOR)
    claims = [claim_in(workspace, text) for text in (BACKED, SUPPORTED, VOTED, UNRELATED)]
    VerdictFactory(claim=claims[1])
    loaded = references(workspace, GUANTANAMO, *OTHERS)
    before = [m.claim.pk for m in similar_claims(claims[0], user, threshold=1e-9)]
    tweet = [
        (m.kind, m.pk, round(m.score, 4)) for m in find_matches(workspace, GUANTANAMO_TWEET, user)
    ]
    # A database of before: no sums; one claim's stays, which the command leaves alone.
    kept = Claim.objects.filter(pk=claims[3].pk).values_list("match_vector", flat=True).get()
    Claim.objects.exclude(pk=claims[3].pk).update(match_vector=None)
    ReferenceFactCheck.objects.update(match_vector=None)
    assert [m.claim.pk for m in similar_claims(claims[0], user, threshold=1e-9)] == before
    call_command("backfill_match_vectors", "--chunk", "2")
    assert capsys.readouterr().out == (
        f"Stored the word-vector sums of 3 claims and {len(loaded)} reference fact-checks.\n"
    )
    stored = sums_of(Claim, pk__in=[c.pk for c in claims])
    assert all(close(stored[c.pk], normalise(c.text)) for c in claims)
    assert bytes(
        Claim.objects.values_list("match_vector", flat=True).get(pk=claims[3].pk)
    ) == bytes(kept)
    assert [m.claim.pk for m in similar_claims(claims[0], user, threshold=1e-9)] == before
    again = [
        (m.kind, m.pk, round(m.score, 4)) for m in find_matches(workspace, GUANTANAMO_TWEET, user)
    ]
    assert again == tweet
    with CaptureQueriesContext(connection) as queries:
        call_command("backfill_match_vectors")
    assert [q["sql"] for q in queries if q["sql"].startswith("UPDATE")] == []
    assert capsys.readouterr().out == (
        "Stored the word-vector sums of 0 claims and 0 reference fact-checks.\n"
    )


@pytest.mark.django_db
def test_the_backfill_command_refuses_a_chunk_below_one(capsys):
    with pytest.raises(SystemExit):
        call_command("backfill_match_vectors", "--chunk", "0")
    assert "--chunk must be at least 1." in capsys.readouterr().err


@pytest.fixture
def large_desk_at_three(monkeypatch):
    """A desk of three texts counts as large; frequencies kept are forgotten after."""
    monkeypatch.setattr(engine.scoring, "N_CAP", 3)
    engine.forget_frequencies()
    yield
    engine.forget_frequencies()


@pytest.mark.django_db
def test_a_large_desks_term_frequencies_are_kept_and_a_small_desks_are_not(
    large_desk_at_three, django_assert_num_queries, monkeypatch
):
    workspace = WorkspaceFactory()
    user = member(workspace, Role.ANNOTATOR)
    small = WorkspaceFactory()
    small_user = member(small, Role.ANNOTATOR)
    for text in (BACKED, VOTED, UNRELATED):
        claim_in(workspace, text)
    claim_in(small, BACKED)
    found = [m.pk for m in find_matches(workspace, SUPPORTED, user, threshold=1e-9)]
    # Kept: no frequency query; the candidates with their texts; the claims shown with
    # their documents (none has a verdict: none read).
    with django_assert_num_queries(2):
        assert [m.pk for m in find_matches(workspace, SUPPORTED, user, threshold=1e-9)] == found
    # A new term of the same desk: one frequency query, for it alone.
    with CaptureQueriesContext(connection) as queries:
        find_matches(workspace, f"{SUPPORTED} Assembly", user, threshold=1e-9)
    assert len(queries) == 3
    # Once DF_KEPT_SECONDS have passed, the desk is counted again, and a claim added
    # meanwhile is found.
    added = claim_in(workspace, "114 countries supported it.")
    monkeypatch.setattr(engine, "DF_KEPT_SECONDS", 0.0)
    with CaptureQueriesContext(connection) as queries:
        again = [m.pk for m in find_matches(workspace, SUPPORTED, user, threshold=1e-9)]
    assert len(queries) == 3 and added.pk in again
    # A desk below N_CAP is counted at every lookup.
    find_matches(small, SUPPORTED, small_user, threshold=1e-9)
    with django_assert_num_queries(3):
        find_matches(small, SUPPORTED, small_user, threshold=1e-9)


@pytest.mark.django_db
def test_matches_without_a_published_verdict_read_no_verdicts(django_assert_num_queries):
    workspace = WorkspaceFactory()
    user = member(workspace, Role.ANNOTATOR)
    claim = claim_in(workspace, BACKED)
    twin = claim_in(workspace, SUPPORTED)
    claim = Claim.objects.select_related("document__workspace").get(pk=claim.pk)
    roles_of(user)
    # The terms' frequencies; the candidates with their texts; the claims shown with
    # their documents.
    with django_assert_num_queries(3):
        [match] = similar_claims(claim, user)
    assert match.claim == twin and match.verdict is None
    verdict = VerdictFactory(claim=twin)
    with django_assert_num_queries(4):
        [match] = similar_claims(claim, user)
    assert match.verdict == verdict
