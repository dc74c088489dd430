"""Edits never overwrite each other: strong ETags, If-Match, 428 and 412."""

import threading

import pytest
from django.db import connection, connections

from annotations.models import Annotation
from tests.api.conftest import client_for
from tests.factories import AnnotationFactory, SourceFactory, rating

R = "/api/v1"


@pytest.mark.django_db
class TestPreconditions:
    def test_get_returns_a_strong_etag_made_from_the_version(self, desk):
        response = desk.client("annotator").get(f"{R}/annotations/{desk.draft.pk}/")
        assert response["ETag"] == f'"annotation-{desk.draft.pk}-v1"'
        assert response.json()["version"] == 1

    def test_claim_get_returns_an_etag_that_changes_with_the_claim(self, desk):
        client = desk.client("annotator")
        before = client.get(f"{R}/claims/{desk.claim.pk}/")["ETag"]
        assert before.startswith('"claim-') and not before.startswith("W/")
        client.patch(f"{R}/claims/{desk.claim.pk}/", {"restatement": "x"}, format="json")
        assert client.get(f"{R}/claims/{desk.claim.pk}/")["ETag"] != before

    def test_claim_patch_with_a_stale_etag_gets_412(self, desk):
        client = desk.client("annotator")
        etag = client.get(f"{R}/claims/{desk.claim.pk}/")["ETag"]
        client.patch(f"{R}/claims/{desk.claim.pk}/", {"restatement": "one"}, format="json")
        response = client.patch(
            f"{R}/claims/{desk.claim.pk}/",
            {"restatement": "two"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        assert response.status_code == 412
        desk.claim.refresh_from_db()
        assert desk.claim.restatement == "one"

    @pytest.mark.parametrize("method", ["patch", "put", "delete"])
    def test_write_without_if_match_or_version_gets_428(self, desk, method):
        body = {"rating": rating(desk.workspace).pk, "summary": "S.", "note": "N."}
        response = getattr(desk.client("annotator"), method)(
            f"{R}/annotations/{desk.draft.pk}/", body, format="json"
        )
        assert response.status_code == 428
        assert response.json()["code"] == "precondition_required"
        assert Annotation.objects.get(pk=desk.draft.pk).version == 1

    def test_if_match_star_is_not_enough(self, desk):
        response = desk.client("annotator").patch(
            f"{R}/annotations/{desk.draft.pk}/", {"summary": "S."}, format="json", HTTP_IF_MATCH="*"
        )
        assert response.status_code == 428

    def test_weak_etag_does_not_match(self, desk):
        response = desk.client("annotator").patch(
            f"{R}/annotations/{desk.draft.pk}/",
            {"summary": "S."},
            format="json",
            HTTP_IF_MATCH=f"W/{desk.draft.etag}",
        )
        assert response.status_code == 412

    def test_patch_with_current_etag_succeeds_and_returns_the_next_etag(self, desk):
        response = desk.client("annotator").patch(
            f"{R}/annotations/{desk.draft.pk}/",
            {"summary": "New."},
            format="json",
            HTTP_IF_MATCH=desk.draft.etag,
        )
        assert response.status_code == 200
        assert response["ETag"] == f'"annotation-{desk.draft.pk}-v2"'
        assert response.json()["summary"] == "New."

    def test_version_in_body_works_without_if_match(self, desk):
        response = desk.client("annotator").patch(
            f"{R}/annotations/{desk.draft.pk}/", {"summary": "New.", "version": 1}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["version"] == 2

    def test_stale_etag_gets_412_with_the_current_annotation(self, desk):
        client = desk.client("annotator")
        stale = desk.draft.etag
        client.patch(
            f"{R}/annotations/{desk.draft.pk}/",
            {"summary": "First."},
            format="json",
            HTTP_IF_MATCH=stale,
        )
        response = client.patch(
            f"{R}/annotations/{desk.draft.pk}/",
            {"summary": "Second."},
            format="json",
            HTTP_IF_MATCH=stale,
        )
        assert response.status_code == 412
        body = response.json()
        assert body["code"] == "version_conflict"
        assert body["current"]["summary"] == "First."
        assert body["current"]["version"] == 2
        assert response["ETag"] == f'"annotation-{desk.draft.pk}-v2"'
        assert Annotation.objects.get(pk=desk.draft.pk).summary == "First."

    def test_stale_version_in_body_gets_412(self, desk):
        response = desk.client("annotator").put(
            f"{R}/annotations/{desk.draft.pk}/",
            {"rating": rating(desk.workspace).pk, "summary": "S.", "note": "N.", "version": 9},
            format="json",
        )
        assert response.status_code == 412

    def test_delete_with_stale_etag_keeps_the_draft(self, desk):
        response = desk.client("annotator").delete(
            f"{R}/annotations/{desk.draft.pk}/", HTTP_IF_MATCH=f'"annotation-{desk.draft.pk}-v7"'
        )
        assert response.status_code == 412
        assert Annotation.objects.filter(pk=desk.draft.pk).exists()

    def test_source_edits_bump_the_annotation_version(self, desk):
        client = desk.client("annotator")
        response = client.post(
            f"{R}/annotations/{desk.draft.pk}/sources/",
            {"url": "https://example.org/new"},
            format="json",
            HTTP_IF_MATCH=desk.draft.etag,
        )
        assert response.status_code == 201
        assert Annotation.objects.get(pk=desk.draft.pk).version == 2
        response = client.post(
            f"{R}/annotations/{desk.draft.pk}/sources/",
            {"url": "https://example.org/other"},
            format="json",
            HTTP_IF_MATCH=desk.draft.etag,  # version 1: stale now
        )
        assert response.status_code == 412
        assert desk.draft.sources.count() == 2  # the factory's and the first one

    def test_approval_of_a_stale_version_gets_412(self, desk):
        etag = desk.submitted.etag
        desk.submitted.edit(desk.reviewer, summary="Changed meanwhile.")
        response = desk.client("editor").post(
            f"{R}/annotations/{desk.submitted.pk}/approve/", {}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 412
        assert Annotation.objects.get(pk=desk.submitted.pk).status == "submitted"


def _patch_concurrently(annotation, token_user, etag, summaries):
    """Send one PATCH per summary at once, all with the same ETag; return the codes."""
    barrier = threading.Barrier(len(summaries))
    results = {}

    def send(summary):
        client = client_for(token_user)
        try:
            barrier.wait(timeout=10)
            response = client.patch(
                f"{R}/annotations/{annotation.pk}/",
                {"summary": summary},
                format="json",
                HTTP_IF_MATCH=etag,
            )
            results[summary] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(s,)) for s in summaries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_with_one_etag_let_exactly_one_through(desk):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency: PostgreSQL only (SQLite serialises writes)")
    annotation = AnnotationFactory(claim=desk.spare_claim, author=desk.annotator)
    SourceFactory(annotation=annotation)
    client_for(desk.annotator)  # create the token before the threads start
    winners = []
    for round_ in range(3):
        annotation.refresh_from_db()
        etag = annotation.etag
        summaries = [f"round {round_} writer {i}" for i in range(8)]
        results = _patch_concurrently(annotation, desk.annotator, etag, summaries)
        assert sorted(results.values()) == [200] + [412] * 7, results
        winner = next(s for s, code in results.items() if code == 200)
        winners.append(winner)
        annotation.refresh_from_db()
        assert annotation.summary == winner
        assert annotation.version == round_ + 2
    history = list(annotation.history.order_by("history_date", "history_id"))
    assert [h.summary for h in history[1:]] == winners
    assert [h.version for h in history] == [1, 2, 3, 4]
