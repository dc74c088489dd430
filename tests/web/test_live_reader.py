"""What one event costs a stream: with the reader's roles fresh, an event is filtered
on the event loop without a query and gives what the query path gives; a membership
change naming the reader, a notice to them and a blind desk's annotator take the query
path (their own view needs it), as do roles read too long ago."""

import pytest

from annotations import live
from annotations.models import Annotation, Comment, Event, Membership, Role
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    document = DocumentFactory(workspace=workspace)
    claim = ClaimFactory(document=document, start=0, end=36)
    return workspace, document, claim


def reader_of(user, document):
    reader = live.Reader(user, workspace_id=document.workspace_id, document_id=document.pk)
    reader.refresh()
    return reader


def batch(after=0):
    return live.prepare(list(Event.objects.filter(pk__gt=after)))


def test_a_colleagues_work_reaches_a_reviewer_without_a_query(desk, django_assert_num_queries):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Alice's")
    Comment.post(annotation, editor, "Which table?")
    annotation.hide(editor)
    reader, events = reader_of(bob, document), batch()
    with django_assert_num_queries(0):
        assert reader.quick(events)
        quick = reader.payloads(events)
    assert quick == reader_of(bob, document).read(batch())
    # The hidden annotation's events (and the comment on it) are the editor's alone.
    assert [p["kind"] for p in quick] == []
    editors = reader_of(editor, document)
    with django_assert_num_queries(0):
        assert [p["kind"] for p in editors.payloads(events)] == [
            "annotation.saved",
            "comment.posted",
            "annotation.hidden",
        ]


def test_what_needs_the_readers_own_view_takes_the_query_path(desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Alice's")
    before = Event.objects.latest("pk").pk
    annotation.submit(alice)  # notifies Bob: his counter needs a count
    notified = batch(before)
    assert not reader_of(bob, document).quick(notified)
    assert reader_of(bob, document).read(notified)[0]["unread"] == 1
    workspace.blind = True
    workspace.save()
    # The batch reads the desk as it is now: blind.
    assert not reader_of(member(workspace, Role.ANNOTATOR), document).quick(batch(before))
    stale = reader_of(editor, document)
    stale.fresh_until = 0
    assert not stale.quick(notified)
    last = Event.objects.latest("pk").pk
    Membership.objects.get(user=bob).remove(editor)
    removal = batch(last)
    assert reader_of(editor, document).quick(removal)
    bobs = live.Reader(bob, workspace_id=workspace.pk, document_id=document.pk)
    bobs.roles, bobs.fresh_until = {workspace.pk: Role.REVIEWER}, float("inf")
    assert not bobs.quick(removal)
    assert bobs.read(removal) is None  # his stream ends
