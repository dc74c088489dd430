"""Identical requests at once from the claim panel, the model methods under them, and the
error pages: a conflict is a 409, only a database that cannot be reached is a 503.

The thread tests send ten requests at once on PostgreSQL; the same rules are checked on
every database by making one request find the row another committed just after it looked.
"""

import json

import pytest
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from annotations.errors import CONFLICT, server_error
from annotations.models import (
    Annotation,
    Comment,
    ModerationEvent,
    NotVisible,
    Role,
    Verdict,
)
from tests.concurrency import THREADS, at_once, looked_too_early, skip_unless_postgres
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    member,
    rating,
)

DUPLICATE = "You already have an annotation on this claim; edit it instead."
HTMX = {"HTTP_HX_REQUEST": "true"}


def threads_on_postgres(test):
    return pytest.mark.postgres_only(pytest.mark.django_db(transaction=True)(test))


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def author(claim):
    return member(claim.document.workspace, Role.ANNOTATOR)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _clients(user):
    # Sessions are made before the threads start: each thread only sends its request.
    return [_client(user) for _ in range(THREADS)]


def _save(client, claim):
    return client.post(reverse("claim_annotation", args=[claim.pk]), {"summary": "Mine."}, **HTMX)


def _add_source(client, claim, i=0):
    data = {"new-url": f"https://stats.example.org/t{i}", "new-stance": "refutes"}
    return client.post(reverse("source_add", args=[claim.pk]), data, **HTMX)


def _made_meanwhile(claim, author):
    """My annotation, saved by my other request after this one looked for it."""
    Annotation.objects.create(claim=claim, author=author)
    mine = Annotation.objects.filter(claim=claim, author=author)
    # The view looks for it first; Annotation.start does not (its unique constraint answers).
    return mine, looked_too_early(mine, "first")


# --- a second annotation by the same author, from the panel -----------------------------


def test_panel_save_of_an_annotation_started_meanwhile_is_409_duplicate(claim, author):
    mine, view_looked = _made_meanwhile(claim, author)
    with view_looked:
        response = _save(_client(author), claim)
    assert response.status_code == 409
    assert DUPLICATE in response.content.decode()
    assert mine.count() == 1


def test_panel_first_source_goes_on_the_annotation_started_meanwhile(claim, author):
    mine, view_looked = _made_meanwhile(claim, author)
    with view_looked:
        response = _add_source(_client(author), claim)
    assert response.status_code == 200
    assert "Source added." in response.content.decode()
    (annotation,) = mine
    assert list(annotation.sources.values_list("url", flat=True)) == [
        "https://stats.example.org/t0"
    ]


@threads_on_postgres
def test_ten_panel_saves_of_a_first_annotation_make_one_and_no_server_error(claim, author):
    skip_unless_postgres()
    clients = _clients(author)
    responses = at_once(lambda i: _save(clients[i], claim))
    # 409 when the insert lost the race; 200 when a request came late enough to find the
    # annotation and edit it, as a second save does.
    codes = [r.status_code for r in responses]
    assert set(codes) <= {200, 409} and 200 in codes, codes
    assert all(DUPLICATE in r.content.decode() for r in responses if r.status_code == 409)
    assert Annotation.objects.filter(claim=claim, author=author).count() == 1


@threads_on_postgres
def test_ten_first_sources_from_the_panel_all_go_on_one_annotation(claim, author):
    skip_unless_postgres()
    clients = _clients(author)
    responses = at_once(lambda i: _add_source(clients[i], claim, i))
    assert [r.status_code for r in responses] == [200] * THREADS
    (annotation,) = Annotation.objects.filter(claim=claim, author=author)
    assert annotation.sources.count() == THREADS


# --- the model methods under the races ---------------------------------------------------


def test_deleting_a_draft_deleted_meanwhile_is_not_visible(claim, author):
    draft = AnnotationFactory(claim=claim, author=author)
    Annotation.objects.filter(pk=draft.pk).delete()  # by my other request
    with pytest.raises(NotVisible):
        draft.delete_draft(author)


def test_hiding_a_comment_hidden_meanwhile_logs_nothing_more(claim):
    editor = member(claim.document.workspace, Role.EDITOR)
    comment = CommentFactory(annotation=AnnotationFactory(claim=claim))
    loaded_before = Comment.objects.get(pk=comment.pk)
    comment.hide(editor, "Rude.")
    loaded_before.hide(editor, "Rude.")
    assert loaded_before.hidden
    events = ModerationEvent.objects.filter(comment=comment)
    assert list(events.values_list("action", "note")) == [("hide", "Rude.")]


def _approved(claim):
    workspace = claim.document.workspace
    annotation = AnnotationFactory(claim=claim, status="submitted", rating=rating(workspace))
    annotation.approve(member(workspace, Role.REVIEWER))
    return annotation, member(workspace, Role.EDITOR)


def test_publishing_the_same_version_twice_makes_one_verdict(claim):
    annotation, editor = _approved(claim)
    first, made = Verdict.publish_once(annotation, editor)
    again, made_again = Verdict.publish_once(annotation, editor, note="Once more.")
    assert (made, made_again, again) == (True, False, first)
    assert (first.annotation_version, Verdict.objects.count()) == (annotation.version, 1)


def test_panel_publish_of_the_published_version_says_so(claim):
    annotation, editor = _approved(claim)
    client = _client(editor)
    url = reverse("annotation_publish", args=[annotation.pk])
    assert "Verdict published." in client.post(url, **HTMX).content.decode()
    response = client.post(url, {"note": "Again."}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This version of the annotation is already the published verdict." in page
    assert Verdict.objects.count() == 1


# --- error pages ---------------------------------------------------------------------------


def _answer_to(exception, path="/claims/1/annotation/"):
    request = RequestFactory().post(path)
    try:
        raise exception
    except Exception:
        return server_error(request)


def test_an_integrity_error_is_a_409_conflict_page():
    response = _answer_to(IntegrityError("duplicate key"))
    assert response.status_code == 409
    assert response.content.decode() == CONFLICT


def test_an_integrity_error_in_the_api_is_a_409_conflict_body():
    response = _answer_to(IntegrityError("duplicate key"), path="/api/v1/annotations/")
    assert response.status_code == 409
    assert json.loads(response.content) == {
        "detail": CONFLICT,
        "code": "conflict",
        "errors": {},
    }


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_unreachable_database_is_503(error):
    response = _answer_to(error("connection refused"))
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()


def test_other_database_errors_are_500_not_an_outage():
    assert _answer_to(DataError("value too long")).status_code == 500
