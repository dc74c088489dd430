"""A moderated annotation as its author meets it in Chromium: gone from their panel but
for a notice with the editor's note (hidden items vanish for everyone but editors), and a
click made in a panel opened before the hiding answers with a short message in the
panel, never an error page."""

import pytest
from playwright.sync_api import expect

from annotations.models import HIDDEN_BY_EDITOR, Annotation, Role
from tests.e2e import test_workbench
from tests.e2e.test_workbench import _open_claim, _speech
from tests.factories import AnnotationFactory, member, rating

# The logged-in page per user of the workbench tests.
as_user = test_workbench.as_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_author_is_told_of_the_hiding_and_a_late_click_gets_a_message(as_user):
    document = _speech()
    claim = document.claims.order_by("start")[1]
    bob = member(document.workspace, Role.REVIEWER, username="bob")
    erin = member(document.workspace, Role.EDITOR, username="erin")
    annotation = AnnotationFactory(
        claim=claim,
        author=bob,
        status=Annotation.Status.SUBMITTED,
        rating=rating(document.workspace, "False"),
        summary="Bob's check.",
    )
    page = as_user(bob)
    page.goto(f"/documents/{document.pk}/")
    _open_claim(page, claim)
    expect(page.locator("#annotation-form")).to_be_visible()

    annotation.hide(erin, "Plagiarised.")
    page.locator("#panel").get_by_role("radio", name="True", exact=True).check()
    message = page.locator("#panel .panel-message.error").first
    expect(message).to_have_text(HIDDEN_BY_EDITOR)
    expect(page.locator("#panel .panel-body")).to_have_count(1)
    expect(page.locator("#panel")).not_to_contain_text("Page not found")
    expect(page.locator("#panel")).to_contain_text("erin hid it on")
    expect(page.locator("#panel")).to_contain_text("“Plagiarised.”")
    expect(page.locator("#annotation-form")).to_have_count(0)
    annotation.refresh_from_db()
    assert annotation.rating.label == "False"

    # Opened afresh, the panel says it was hidden and shows none of it; the header
    # counts the notice.
    page.reload()
    _open_claim(page, claim)
    notice = page.locator(f'[data-hidden-annotation="{annotation.pk}"]')
    expect(notice).to_contain_text("Hidden by an editor.")
    expect(page.locator("#panel")).not_to_contain_text("Bob's check.")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("Your annotation was hidden")
