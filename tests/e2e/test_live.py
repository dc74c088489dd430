"""The live desk in the browser, several people at once on a real ASGI server: work
appears without reloading, blind desks stay blind, a removed member's page stops, a
dropped stream catches up, and presence and "I'm on it" show and go."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Claim, ClaimKind, Comment, Membership, Role
from tests.factories import ClaimFactory, DocumentFactory, WorkspaceFactory, member, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Unemployment fell to 5% last year. We must act now. Taxes rose by 3.5%."


@pytest.fixture
def site(asgi_server):
    return asgi_server


@pytest.fixture
def claim():
    document = DocumentFactory(text=TEXT, workspace=WorkspaceFactory())
    return ClaimFactory(document=document, start=0, end=34, kind=ClaimKind.SENTENCE)


def _open(page, claim, with_panel=False):
    query = f"?claim={claim.number}" if with_panel else ""
    page.goto(f"/documents/{claim.document_id}/{query}")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")


def _mark(page, claim):
    return page.locator(f'mark[data-claim="{claim.pk}"]').first


def test_a_colleagues_save_appears_without_reloading(open_as, claim):
    workspace = claim.document.workspace
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    bobs = open_as(bob)
    _open(bobs, claim)
    expect(_mark(bobs, claim)).to_have_attribute("data-state", "unchecked")
    alices = open_as(alice)
    _open(alices, claim, with_panel=True)
    alices.locator("#panel").get_by_role("radio", name="False", exact=True).check()
    expect(alices.locator("#panel #mine-h")).to_contain_text("version 1")
    expect(_mark(bobs, claim)).to_have_attribute("data-state", "in_progress")
    feed = bobs.locator("#live-feed li").first
    expect(feed).to_have_text(f"{alice.username} saved work on claim {claim.number}")
    annotation = Annotation.objects.get(claim=claim, author=alice)
    Comment.post(annotation, alice, "The <b>ONS</b> table")
    expect(bobs.locator("#live-feed li").first).to_contain_text(
        f"commented on claim {claim.number} The <b>ONS</b> table"
    )
    # Bob was not notified of Alice's draft; her submission asks for his review.
    annotation.edit(alice, summary="Lower than said.")
    annotation.submit(alice)
    expect(bobs.locator("#notification-link .counter")).to_have_text("1")
    assert bobs.locator("#live-feed b").count() == 0  # a quote is text, never markup


def test_a_new_claim_is_marked_in_a_colleagues_text(open_as, claim):
    workspace = claim.document.workspace
    bob = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    bobs = open_as(bob)
    _open(bobs, claim)
    created, _ = Claim.from_selection(claim.document, 35, 51, editor)
    expect(bobs.locator(f'a.claim-badge[data-claim="{created.pk}"]')).to_be_visible()


def test_a_blind_annotators_page_gets_nothing_of_colleagues_work(open_as, claim):
    workspace = claim.document.workspace
    workspace.blind = True
    workspace.save()
    alice = member(workspace, Role.ANNOTATOR)
    carol = member(workspace, Role.ANNOTATOR)
    editor = member(workspace, Role.EDITOR)
    alices = open_as(alice)
    _open(alices, claim)
    theirs = Annotation.start(claim, carol, rating=rating(workspace), summary="Carol's")
    theirs.submit(carol)
    Comment.post(theirs, editor, "Carol, check the date")
    created, _ = Claim.from_selection(claim.document, 35, 51, editor)
    expect(alices.locator(f'a.claim-badge[data-claim="{created.pk}"]')).to_be_visible()
    # The editor's new claim came after Carol's work: had any of it reached the page,
    # it would be in the feed before it.
    expect(alices.locator("#live-feed li")).to_have_count(1)
    expect(alices.locator("#live-feed li")).to_have_text(
        f"{editor.username} added claim {created.number}"
    )
    expect(_mark(alices, claim)).to_have_attribute("data-state", "unchecked")


def test_a_removed_members_page_stops_following(open_as, claim):
    workspace = claim.document.workspace
    alice = member(workspace, Role.ANNOTATOR)
    editor = member(workspace, Role.EDITOR)
    alices = open_as(alice)
    _open(alices, claim)
    Membership.objects.get(user=alice).remove(editor)
    expect(alices.locator("#live")).to_have_attribute("data-state", "closed")
    expect(alices.locator("#live-status")).to_have_text(
        "Live updates stopped: you are no longer a member of this desk."
    )
    Annotation.start(claim, editor, summary="After she left")
    alices.reload()
    assert alices.title() != claim.document.title  # the page itself is gone too


def test_a_dropped_stream_catches_up_when_it_reconnects(open_as, claim, asgi_server):
    workspace = claim.document.workspace
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    bobs = open_as(bob)
    _open(bobs, claim)
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Draft")
    expect(bobs.locator("#live-feed li")).to_have_count(1)
    asgi_server.stop()
    expect(bobs.locator("#live")).to_have_attribute("data-state", "reconnecting")
    annotation.submit(alice)
    Comment.post(annotation, alice, "Sent while you were away")
    asgi_server.start()
    expect(bobs.locator("#live")).to_have_attribute("data-state", "live")
    expect(bobs.locator("#live-feed li")).to_have_count(3)
    expect(bobs.locator("#live-feed li").first).to_contain_text("Sent while you were away")
    expect(bobs.locator("#live-feed li").nth(1)).to_have_text(
        f"{alice.username} submitted claim {claim.number}"
    )


def test_presence_and_taking_a_claim_show_and_go(open_as, claim):
    workspace = claim.document.workspace
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    bobs = open_as(bob)
    _open(bobs, claim, with_panel=True)
    bar = bobs.locator("#panel .presence-who")
    expect(bar).to_have_text("Nobody else is here.")
    alices = open_as(alice)
    _open(alices, claim, with_panel=True)
    expect(bar).to_have_text(f"Also here: {alice.username}.")
    expect(alices.locator("#panel .presence-who")).to_have_text(f"Also here: {bob.username}.")
    alices.get_by_role("button", name="I'm on it").click()
    expect(bar).to_have_text(f"Also here: {alice.username}. {alice.username} is on it.")
    badge = bobs.locator(f'a.claim-badge[data-claim="{claim.pk}"]')
    expect(badge).to_have_attribute("data-taken", alice.username)
    expect(alices.get_by_role("button", name="Let it go")).to_be_visible()
    # Not a lock: Bob may still write on the claim.
    assert Annotation.start(claim, bob, summary="Mine too").pk
    alices.close()
    expect(bar).to_have_text("Nobody else is here.")
    expect(badge).not_to_have_attribute("data-taken", alice.username)


def test_the_review_queue_follows_submissions(open_as, claim):
    workspace = claim.document.workspace
    alice = member(workspace, Role.ANNOTATOR)
    bob = member(workspace, Role.REVIEWER)
    bobs = open_as(bob)
    bobs.goto("/review/")
    expect(bobs.locator("#live")).to_have_attribute("data-state", "live")
    expect(bobs.locator("table.list tbody")).to_have_text("Nothing waits for your review.")
    annotation = Annotation.start(claim, alice, rating=rating(workspace), summary="Too low.")
    annotation.submit(alice)
    row = bobs.locator("table.list tbody tr")
    expect(row).to_contain_text("Too low.")
    expect(row).to_contain_text(alice.username)
    expect(bobs.locator("#notification-link .counter")).to_have_text("1")
