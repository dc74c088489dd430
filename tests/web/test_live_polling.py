"""The live events as JSON (the page polls them when a WSGI server serves it) and the
presence posts: the same viewer rule as the streams, and bad input refused."""

import pytest

from annotations.models import Annotation, Comment, Event, Role
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    workspace = WorkspaceFactory(blind=True)
    document = DocumentFactory(workspace=workspace)
    claim = ClaimFactory(document=document, start=0, end=36)
    return workspace, document, claim


def events_of(client, document, after=0):
    response = client.get(f"/live/documents/{document.pk}/events/?after={after}")
    assert response.status_code == 200
    return response.json()


def test_polling_gives_a_blind_annotator_only_what_the_page_would_show(client, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    carol = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    theirs = Annotation.start(claim, carol, rating=rating(workspace), summary="Carol's")
    theirs.submit(carol)
    Comment.post(theirs, bob, "Carol: zqsecret")
    client.force_login(alice)
    answer = events_of(client, document)
    assert answer == {"events": [], "last": Event.objects.latest("pk").pk}
    assert "zqsecret" not in str(answer)
    client.force_login(bob)
    assert [e["kind"] for e in events_of(client, document)["events"]] == [
        "annotation.saved",
        "annotation.submitted",
        "comment.posted",
    ]


def test_polling_starts_from_the_newest_event_without_after(client, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    claim.mark_presence(alice, here=True)
    client.force_login(alice)
    response = client.get(f"/live/documents/{document.pk}/events/")
    assert response.json() == {"events": [], "last": Event.objects.latest("pk").pk}


def test_hidden_comments_reach_editors_only(client, desk):
    workspace, document, claim = desk
    workspace.blind = False
    workspace.save()
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Mine")
    comment = Comment.post(annotation, bob, "rude words")
    comment.hide(editor)
    client.force_login(alice)
    quotes = [e.get("quote") for e in events_of(client, document)["events"]]
    assert "rude words" not in quotes
    client.force_login(editor)
    quotes = [e.get("quote") for e in events_of(client, document)["events"]]
    assert "rude words" in quotes


def test_polling_refuses_outsiders_anonymous_and_bad_ids(client, desk):
    workspace, document, _ = desk
    url = f"/live/documents/{document.pk}/events/"
    assert client.get(url).status_code == 302
    client.force_login(member(WorkspaceFactory(), Role.EDITOR))
    assert client.get(url + "?after=0").status_code == 404
    client.force_login(member(workspace, Role.ANNOTATOR))
    for bad in ("x", "-1", "1" * 30, "%00"):
        response = client.get(url + "?after=" + bad)
        assert response.status_code == 400
        assert response.content.decode().startswith("after: ")


def test_presence_and_taking_are_posted_and_checked(client, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    client.force_login(alice)
    url = f"/claims/{claim.pk}/presence/"
    assert client.post(url, {"here": "1"}).status_code == 204
    assert client.post(url, {"take": "1"}).status_code == 204
    assert Event.on_claims(document.pk) == {
        claim.pk: {"viewing": {alice.pk: alice.username}, "taken_by": (alice.pk, alice.username)}
    }
    assert client.post(url, {"take": "0", "here": "0"}).status_code == 204
    assert Event.on_claims(document.pk) == {}
    response = client.post(url, {})
    assert (response.status_code, response.content) == (400, b"Say here=1/0 or take=1/0.")
    response = client.post(url, {"take": "yes"})
    assert response.status_code == 400
    assert response.content.decode() == "take: Give a whole number from 0 to 1."
    assert client.get(url).status_code == 405
    client.force_login(member(WorkspaceFactory(), Role.EDITOR))
    assert client.post(url, {"here": "1"}).status_code == 404


def test_the_document_page_shows_who_is_on_which_claim(client, desk):
    workspace, document, claim = desk
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    claim.take(alice)
    claim.mark_presence(alice, here=True)
    client.force_login(bob)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    expected = f'"{claim.pk}": {{"viewing": ["{alice.username}"], "taken_by": "{alice.username}"}}'
    assert expected in page
