"""Identical requests at once: one does the work, the others get its result or a clear
4xx; none gets a 500, nor a 503 that blames a database that is up.

The thread tests send ten requests at once on PostgreSQL; the same rules are checked on
every database by making one request find the row another committed just after it looked.
"""

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.db.models import QuerySet

from annotations.api.annotations import AnnotationViewSet
from annotations.errors import CONFLICT
from annotations.models import Annotation, Claim, ModerationEvent, Verdict
from tests.api.conftest import client_for
from tests.concurrency import THREADS, at_once, skip_unless_postgres

R = "/api/v1"
DUPLICATE = "You already have an annotation on this claim; edit it instead."
NOT_FOUND = {"detail": "Not found.", "code": "not_found", "errors": {}}


def threads_on_postgres(test):
    return pytest.mark.postgres_only(pytest.mark.django_db(transaction=True)(test))


def _client(user):
    """A client that answers 500 and 503 like the server does, instead of raising."""
    client = client_for(user)
    client.raise_request_exception = False
    return client


def _clients(user):
    # Tokens are made before the threads start: each thread only sends its request.
    return [_client(user) for _ in range(THREADS)]


def _revised(desk):
    """The desk's published annotation, edited and approved again: a new version."""
    annotation = desk.approved
    annotation.edit(desk.colleague, summary="New figures came out in March.")
    annotation.approve(desk.reviewer)
    return annotation


# --- deleting a draft -------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_of_a_draft_deleted_meanwhile_is_404(desk, monkeypatch):
    real = AnnotationViewSet.get_object

    def read_then_lose_the_race(view):
        annotation = real(view)
        Annotation.objects.filter(pk=annotation.pk).delete()  # another request's DELETE
        return annotation

    monkeypatch.setattr(AnnotationViewSet, "get_object", read_then_lose_the_race)
    response = _client(desk.annotator).delete(
        f"{R}/annotations/{desk.draft.pk}/", HTTP_IF_MATCH=desk.draft.etag
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@threads_on_postgres
def test_ten_deletes_of_one_draft_with_one_etag_delete_it_once_the_rest_are_404(desk):
    skip_unless_postgres()
    clients, url, etag = (
        _clients(desk.annotator),
        f"{R}/annotations/{desk.draft.pk}/",
        desk.draft.etag,
    )
    responses = at_once(lambda i: clients[i].delete(url, HTTP_IF_MATCH=etag))
    assert sorted(r.status_code for r in responses) == [204] + [404] * (THREADS - 1)
    assert all(r.json() == NOT_FOUND for r in responses if r.status_code == 404)
    assert not Annotation.objects.filter(pk=desk.draft.pk).exists()


# --- creating a claim from a selection ----------------------------------------------------


@pytest.mark.django_db
def test_claim_made_meanwhile_on_the_same_span_is_the_answer(desk):
    span = {"document": desk.document.pk, "start": 0, "end": 12}
    made_meanwhile = Claim.objects.create(document=desk.document, start=0, end=12)
    same_span = Claim.objects.filter(document=desk.document, start=0, end=12)
    real = QuerySet.get_or_create

    def raced(self, *args, **kwargs):
        # Another request inserted the span between this one's look and its insert.
        QuerySet.get_or_create = real
        raise IntegrityError("duplicate key value violates unique constraint")

    client = _client(desk.annotator)
    with mock.patch.object(QuerySet, "get_or_create", raced):
        response = client.post(f"{R}/claims/", span, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == made_meanwhile.pk
    assert same_span.count() == 1


@threads_on_postgres
def test_ten_creates_of_one_span_make_one_claim_and_all_answer_with_it(desk):
    skip_unless_postgres()
    clients = _clients(desk.annotator)
    span = {"document": desk.document.pk, "start": 0, "end": 12}
    responses = at_once(lambda i: clients[i].post(f"{R}/claims/", span, format="json"))
    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    (claim,) = Claim.objects.filter(document=desk.document, start=0, end=12)
    assert {r.json()["id"] for r in responses} == {claim.pk}


# --- a second annotation by the same author ------------------------------------------------


@pytest.mark.django_db
def test_annotation_started_meanwhile_by_the_same_author_is_409_duplicate(desk):
    body = {"claim": desk.spare_claim.pk, "summary": "Mine."}
    Annotation.objects.create(claim=desk.spare_claim, author=desk.annotator)
    mine = Annotation.objects.filter(claim=desk.spare_claim, author=desk.annotator)
    # The start does not look for it first: the unique constraint refuses the second.
    response = _client(desk.annotator).post(f"{R}/annotations/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": DUPLICATE, "code": "duplicate", "errors": {}}
    assert mine.count() == 1


@threads_on_postgres
def test_ten_first_annotations_by_one_author_make_one_the_rest_are_409(desk):
    skip_unless_postgres()
    clients = _clients(desk.annotator)
    body = {"claim": desk.spare_claim.pk, "summary": "Mine."}
    responses = at_once(lambda i: clients[i].post(f"{R}/annotations/", body, format="json"))
    assert sorted(r.status_code for r in responses) == [201] + [409] * (THREADS - 1)
    assert all(r.json()["detail"] == DUPLICATE for r in responses if r.status_code == 409)
    assert Annotation.objects.filter(claim=desk.spare_claim, author=desk.annotator).count() == 1


@pytest.mark.django_db
def test_an_integrity_error_is_a_409_conflict_not_an_outage(desk):
    body = {"claim": desk.spare_claim.pk, "summary": "Mine."}
    with mock.patch.object(Annotation, "start", side_effect=IntegrityError("unique")):
        response = _client(desk.annotator).post(f"{R}/annotations/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": CONFLICT,
        "code": "conflict",
        "errors": {},
    }


@pytest.mark.django_db
def test_an_unreachable_database_is_503(desk):
    body = {"claim": desk.spare_claim.pk, "summary": "Mine."}
    with mock.patch.object(Annotation, "start", side_effect=OperationalError("gone")):
        response = _client(desk.annotator).post(f"{R}/annotations/", body, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


# --- hiding a comment ---------------------------------------------------------------------


@threads_on_postgres
def test_ten_hides_of_one_comment_log_one_moderation_event(desk):
    skip_unless_postgres()
    clients, url = _clients(desk.editor), f"{R}/comments/{desk.comment.pk}/hide/"
    responses = at_once(lambda i: clients[i].post(url, {"note": "Rude."}, format="json"))
    assert [r.status_code for r in responses] == [200] * THREADS
    assert all(r.json()["hidden"] for r in responses)
    events = ModerationEvent.objects.filter(comment=desk.comment)
    assert list(events.values_list("action", "note")) == [("hide", "Rude.")]


# --- publishing a verdict -----------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_the_same_version_again_answers_with_the_verdict_it_made(desk):
    annotation = _revised(desk)
    client, body = _client(desk.editor), {"annotation": annotation.pk, "note": "New figures."}
    first = client.post(f"{R}/verdicts/", body, format="json")
    again = client.post(f"{R}/verdicts/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["annotation_version"] == annotation.version
    assert Verdict.objects.filter(claim=desk.claim).count() == 2  # the fixture's and this
    corrections = ModerationEvent.objects.filter(action=ModerationEvent.Action.CORRECT)
    assert corrections.count() == 1


@pytest.mark.django_db
def test_publishing_again_a_version_whose_verdict_was_retracted_is_409(desk):
    client = _client(desk.editor)
    desk.verdict.retract(desk.editor, "Misquoted.")
    body = {"annotation": desk.approved.pk, "note": "Once more."}
    response = client.post(f"{R}/verdicts/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This version of the annotation was published before and that verdict was "
        "retracted; its author has to revise it before it is published again.",
        "code": "duplicate",
        "errors": {},
    }
    assert Verdict.objects.filter(claim=desk.claim).count() == 1


@threads_on_postgres
def test_ten_identical_corrections_at_once_publish_one_verdict(desk):
    skip_unless_postgres()
    annotation = _revised(desk)
    clients = _clients(desk.editor)
    body = {"annotation": annotation.pk, "note": "New figures."}
    responses = at_once(lambda i: clients[i].post(f"{R}/verdicts/", body, format="json"))
    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    (correction,) = Verdict.objects.filter(claim=desk.claim, is_current=True)
    assert {r.json()["id"] for r in responses} == {correction.pk}
    assert Verdict.objects.filter(claim=desk.claim).count() == 2
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.CORRECT).count() == 1
