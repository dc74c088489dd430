"""The live streams on a real ASGI server: what reaches which reader, reconnects, and a
removed member's stream ending."""

import pytest
from django.db import connection

from annotations.models import Annotation, Comment, Event, Membership, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.live_client import Stream


@pytest.fixture
def desk(transactional_db):
    workspace = WorkspaceFactory()
    document = DocumentFactory(workspace=workspace)
    claim = ClaimFactory(document=document, start=0, end=36)
    return workspace, document, claim


def path(document):
    return f"/live/documents/{document.pk}/"


def test_a_colleagues_comment_and_review_reach_a_readers_stream(asgi_server, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    annotation = AnnotationFactory(claim=claim, author=alice, rating=rating(workspace))
    stream = Stream(asgi_server.url, path(document), bob)
    try:
        annotation.submit(alice)
        submitted = stream.next_change()
        assert submitted["kind"] == "annotation.submitted"
        assert submitted["claim"] == claim.pk
        assert submitted["number"] == claim.number
        assert submitted["state"] == "in_progress"
        assert submitted["actor"] == alice.username
        assert submitted["rating"] == {"label": "False", "colour": rating(workspace).colour}
        # Bob was notified: his counter moves with the event.
        assert submitted["unread"] == 1
        Comment.post(annotation, alice, "Figures <b>checked</b> twice")
        commented = stream.next_change()
        assert commented["kind"] == "comment.posted"
        assert commented["quote"] == "Figures <b>checked</b> twice"
        annotation.refresh_from_db()
        annotation.approve(bob, "Fine.")
        decided = stream.next_change()
        assert (decided["kind"], decided["decision"], decided["state"]) == (
            "review.decided",
            "approve",
            "approved",
        )
        assert decided["mine"] is True
    finally:
        stream.close()


def test_a_stream_carries_only_its_documents_events(asgi_server, desk):
    workspace, document, claim = desk
    other_claim = ClaimFactory(document=DocumentFactory(workspace=workspace), start=0, end=36)
    alice = member(workspace, Role.ANNOTATOR)
    stream = Stream(asgi_server.url, path(document), alice)
    try:
        Annotation.start(other_claim, alice, summary="elsewhere")
        Annotation.start(claim, alice, summary="here")
        assert stream.next_change()["claim"] == claim.pk
    finally:
        stream.close()


def test_blind_annotator_gets_nothing_of_colleagues_work_before_submitting(asgi_server, desk):
    workspace, document, claim = desk
    workspace.blind = True
    workspace.save()
    alice = member(workspace, Role.ANNOTATOR)
    carol = member(workspace, Role.ANNOTATOR)
    editor = member(workspace, Role.EDITOR)
    theirs = Annotation.start(claim, carol, rating=rating(workspace), summary="Carol's")
    stream = Stream(asgi_server.url, path(document), alice)
    try:
        theirs.edit(carol, summary="Carol's, again")
        theirs.submit(carol)
        Comment.post(theirs, editor, "Carol, look again")
        # A claim created by the editor is no colleague's work: the first thing Alice gets.
        created, _ = type(claim).from_selection(document, 37, 50, editor)
        first = stream.next_change()
        assert (first["kind"], first["claim"]) == ("claim.created", created.pk)
        assert first["state"] == "unchecked"
        mine = Annotation.start(claim, alice, rating=rating(workspace), summary="Mine")
        saved = stream.next_change()
        assert (saved["kind"], saved["author"]) == ("annotation.saved", alice.pk)
        # Her own draft: the claim is in progress for her, from her work alone.
        assert saved["state"] == "in_progress"
        mine.submit(alice)
        assert stream.next_change()["kind"] == "annotation.submitted"
        theirs.refresh_from_db()
        theirs.edit(carol, summary="Carol's, seen now")
        seen = stream.next_change()
        assert (seen["kind"], seen["author"]) == ("annotation.saved", carol.pk)
    finally:
        stream.close()


def test_hidden_work_reaches_editors_only(asgi_server, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=alice)
    bobs = Stream(asgi_server.url, path(document), bob)
    editors = Stream(asgi_server.url, path(document), editor)
    try:
        annotation.hide(editor)
        assert editors.next_change()["kind"] == "annotation.hidden"
        Comment.post(annotation, editor, "Why it is hidden")
        assert editors.next_change()["quote"] == "Why it is hidden"
        # Bob sees neither; the next thing he gets is the editor's new claim.
        marker, _ = type(claim).from_selection(document, 37, 50, editor)
        assert editors.next_change()["claim"] == marker.pk
        assert bobs.next_change()["claim"] == marker.pk
    finally:
        bobs.close()
        editors.close()


def test_a_removed_members_stream_closes(asgi_server, desk):
    workspace, document, _ = desk
    alice = member(workspace, Role.ANNOTATOR)
    editor = member(workspace, Role.EDITOR)
    stream = Stream(asgi_server.url, path(document), alice)
    try:
        Membership.objects.get(user=alice).remove(editor)
        assert stream.next() == ("closed", {})
        assert stream.next() == (None, None)
    finally:
        stream.close()


def test_a_reconnect_catches_up_from_its_last_event_id(asgi_server, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="One")
    before = Event.objects.latest("pk").pk
    annotation.edit(alice, summary="Two")
    annotation.submit(alice)
    stream = Stream(asgi_server.url, path(document), alice, last_event_id=before)
    try:
        kinds = [data["kind"] for _, data in stream.backlog]
        assert kinds == ["annotation.saved", "annotation.submitted"]
        assert all(data["id"] > before for _, data in stream.backlog)
    finally:
        stream.close()


def test_a_stream_needs_a_login_and_membership(asgi_server, desk):
    workspace, document, _ = desk
    outsider = member(WorkspaceFactory(), Role.EDITOR)
    anonymous = Stream(asgi_server.url, path(document))
    assert anonymous.status == 401
    anonymous.close()
    stranger = Stream(asgi_server.url, path(document), outsider)
    assert stranger.status == 404
    stranger.close()
    alice = member(workspace, Role.ANNOTATOR)
    bad = Stream(asgi_server.url, path(document) + "?after=x", alice)
    assert bad.status == 400
    bad.close()


@pytest.mark.postgres_only
def test_open_streams_hold_no_database_connection(asgi_server, desk):
    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL's connections")
    workspace, document, claim = desk
    readers = [member(workspace, Role.REVIEWER) for _ in range(8)]

    def connections_now():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    before = connections_now()
    streams = [Stream(asgi_server.url, path(document), reader) for reader in readers]
    try:
        Annotation.start(claim, readers[0], summary="Seen by all")
        for stream in streams:
            assert stream.next_change()["kind"] == "annotation.saved"
        # The bus's one listening connection, whatever the number of streams (and at
        # most a couple of worker connections still closing as they are counted).
        assert connections_now() - before < len(streams) // 2
    finally:
        for stream in streams:
            stream.close()
