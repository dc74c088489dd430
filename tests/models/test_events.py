"""The events module: one event per change, written with the change, heard after the
commit; the notices made from events; retention; who is on which claim."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from annotations.models import (
    Annotation,
    Comment,
    Event,
    Membership,
    Notification,
    NotVisible,
    Role,
    Verdict,
    events,
)
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace), start=0, end=36)
    return workspace, claim


def kinds():
    return list(Event.objects.values_list("kind", flat=True))


def test_each_step_of_the_workflow_records_one_event(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    erin = member(workspace, Role.EDITOR)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Wrong.")
    annotation.edit(alice, note="Because.")
    annotation.submit(alice)
    Comment.post(annotation, bob, "Which table?")
    annotation.approve(bob, "Good.")
    verdict = Verdict.publish(annotation, erin)
    verdict.retract(erin, "Wrong figures.")
    assert kinds() == [
        "annotation.saved",
        "annotation.saved",
        "annotation.submitted",
        "comment.posted",
        "review.decided",
        "verdict.published",
        "verdict.retracted",
    ]
    published = Event.objects.get(kind="verdict.published")
    assert (published.workspace_id, published.document_id, published.claim_id) == (
        workspace.pk,
        claim.document_id,
        claim.pk,
    )
    assert published.actor == erin
    assert published.data["actor_name"] == erin.username
    assert published.data["number"] == claim.number
    assert published.data["verdict_rating"] == rating(workspace).pk
    decided = Event.objects.get(kind="review.decided")
    assert (decided.data["decision"], decided.data["quote"]) == ("approve", "Good.")


def test_a_rolled_back_change_leaves_no_event_and_tells_no_subscriber(
    desk, django_capture_on_commit_callbacks
):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    heard = []
    events.subscribe(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                Annotation.start(claim, alice, summary="Draft")
                raise RuntimeError("the request failed later")
            assert kinds() == []
            assert callbacks == []
            Annotation.start(claim, alice, summary="Draft")
            assert heard == []  # not before the commit
    finally:
        events._subscribers.remove((heard.append, None, True))
    assert [event.kind for event in heard] == ["annotation.saved"]


def test_notices_come_from_events_with_their_recipients_recorded(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    erin = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=alice)
    annotation.submit(alice)
    submitted = Event.objects.get(kind="annotation.submitted")
    assert submitted.data["notified"] == sorted([bob.pk, erin.pk])
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {
        (bob.pk, "review_requested"),
        (erin.pk, "review_requested"),
    }
    claim.assign(alice, erin)
    assert Notification.objects.filter(recipient=alice, kind="assigned").count() == 1
    assert Event.objects.get(kind="claim.assigned").data["notified"] == [alice.pk]


def test_membership_changes_are_events(desk):
    workspace, _ = desk
    alice = member(workspace, Role.ANNOTATOR)
    erin = member(workspace, Role.EDITOR)
    membership = Membership.objects.get(user=alice)
    membership.change_role(Role.REVIEWER, erin)
    membership.remove(erin)
    assert [(e.kind, e.data["member"], e.data["role"]) for e in Event.objects.all()] == [
        ("member.changed", alice.pk, "reviewer"),
        ("member.changed", alice.pk, None),
    ]


def test_events_older_than_the_retention_window_are_pruned(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    claim.mark_presence(alice, here=True)
    claim.mark_presence(alice, here=False)
    old, recent = Event.objects.all()
    Event.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - events.RETENTION - timedelta(seconds=1)
    )
    assert Event.prune() == 1
    assert list(Event.objects.all()) == [recent]


def test_who_is_on_a_claim_and_who_took_it(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    claim.mark_presence(alice, here=True)
    claim.mark_presence(bob, here=True)
    claim.take(alice)
    on = Event.on_claims(claim.document_id)[claim.pk]
    assert on == {
        "viewing": {alice.pk: alice.username, bob.pk: bob.username},
        "taken_by": (alice.pk, alice.username),
    }
    claim.mark_presence(bob, here=False)
    annotation = AnnotationFactory(claim=claim, author=alice, status="draft")
    annotation.submit(alice)  # submitting lets the claim go
    assert Event.on_claims(claim.document_id)[claim.pk] == {
        "viewing": {alice.pk: alice.username},
        "taken_by": None,
    }
    later = timezone.now() + events.PRESENCE_TIMEOUT + timedelta(seconds=1)
    assert Event.on_claims(claim.document_id, now=later) == {}


def test_a_take_ends_with_its_release_or_its_timeout(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    claim.take(alice)
    later = timezone.now() + events.TAKE_TIMEOUT + timedelta(seconds=1)
    assert Event.on_claims(claim.document_id, now=later) == {}
    claim.release(alice)
    assert Event.on_claims(claim.document_id) == {}


def test_only_members_take_a_claim(desk):
    _, claim = desk
    outsider = member(WorkspaceFactory(), Role.EDITOR)
    with pytest.raises(NotVisible):
        claim.take(outsider)
    assert kinds() == []


def test_an_unknown_kind_is_an_error(desk):
    workspace, _ = desk
    with pytest.raises(ValueError):
        events.emit("claim.teleported", workspace=workspace)
    assert kinds() == []


def test_the_prune_command_says_how_many_it_deleted(desk):
    workspace, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    claim.mark_presence(alice, here=True)
    Event.objects.update(created_at=timezone.now() - events.RETENTION - timedelta(minutes=1))
    claim.mark_presence(alice, here=False)
    out = StringIO()
    call_command("prune_events", stdout=out)
    assert out.getvalue() == "Deleted 1 events older than 24 hours.\n"
    assert kinds() == ["claim.left"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_event_notifies_the_bus_when_it_commits_and_never_if_rolled_back():
    import psycopg
    from django.db import connection

    from annotations.live import CHANNEL

    if connection.vendor != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")
    workspace = WorkspaceFactory()
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(RuntimeError), transaction.atomic():
            events.emit(Event.Kind.MEMBER_CHANGED, workspace=workspace)
            raise RuntimeError("rolled back")
        with transaction.atomic():
            first = events.emit(Event.Kind.MEMBER_CHANGED, workspace=workspace)
            document = DocumentFactory(workspace=workspace)
            second = events.emit(Event.Kind.CLAIM_CREATED, document=document)
        notices = [n.payload for n in listener.notifies(timeout=5, stop_after=2)]
    # The document's id (0 for a desk-wide event) lets each bus wake only its streams.
    assert notices == [f"{first.pk} {workspace.pk} 0", f"{second.pk} {workspace.pk} {document.pk}"]
