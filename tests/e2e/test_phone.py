"""On a 390 px phone: the claim panel is a sheet over the text (focus goes into it and
back), and no page scrolls sideways."""

import pytest
from playwright.sync_api import expect

from annotations.models import ClaimKind, Role
from tests.factories import ClaimFactory, DocumentFactory, VerdictFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TEXT = "A long speech.\n\n" + "Unemployment fell to 5% last year. " * 150 + "\n\nWe must act now."
OVERFLOW = "() => document.scrollingElement.scrollWidth"


def _document():
    document = DocumentFactory(text=TEXT, title="A budget speech with a rather long title")
    start = TEXT.index("We must act now.")
    last = ClaimFactory(document=document, start=start, end=start + 16, kind=ClaimKind.SENTENCE)
    ClaimFactory(document=document, start=16, end=50, kind=ClaimKind.SENTENCE)
    return document, last


def test_panel_opens_as_a_sheet_over_the_text_and_closes_back_to_the_claim(open_as):
    document, last = _document()
    page = open_as(member(document.workspace, Role.EDITOR), **PHONE)
    page.goto(f"/documents/{document.pk}/")
    panel = page.locator("#panel")
    expect(panel).to_be_hidden()
    assert page.evaluate(OVERFLOW) <= 390
    badge = page.locator(f'a.claim-badge[data-claim="{last.pk}"]')
    badge.click()
    expect(panel.locator("#panel-title")).to_be_focused()
    box = panel.bounding_box()
    # A sheet at the bottom of the screen, not 26,000 px down after the text.
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844 + 1
    assert (box["x"], box["width"]) == (0, 390)
    assert page.evaluate("getComputedStyle(document.getElementById('panel')).position") == "fixed"
    expect(panel.get_by_role("heading", name=f"Claim {last.number}")).to_be_in_viewport()
    # The claim itself sits above the sheet, in view.
    mark = page.locator(f"mark#claim-{last.pk}").bounding_box()
    assert mark["y"] >= 0 and mark["y"] + mark["height"] <= box["y"]
    panel.get_by_role("button", name="Close the claim panel").click()
    expect(panel).to_be_hidden()
    expect(badge).to_be_focused()
    badge.press("Enter")
    expect(panel.locator("#panel-title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(badge).to_be_focused()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/review/",
        "/documents/{document}/",
        "/w/{slug}/",
        "/w/{slug}/import/",
        "/w/{slug}/search/?q=budget",
        "/w/{slug}/settings/",
    ],
)
def test_pages_do_not_scroll_sideways_on_a_phone(open_as, path):
    document, _ = _document()
    page = open_as(member(document.workspace, Role.EDITOR), **PHONE)
    page.goto(path.format(document=document.pk, slug=document.workspace.slug))
    expect(page.locator("header.site")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 390
    header = page.locator("header.site").bounding_box()
    assert header["x"] + header["width"] <= 390


def test_public_report_fits_a_phone(open_as):
    document, last = _document()
    VerdictFactory(claim=last)
    document.publish_report(member(document.workspace, Role.EDITOR), slug="speech")
    page = open_as(None, **PHONE)
    page.goto("/reports/speech/")
    expect(page.locator("svg.chart")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 390
