"""Finding one's way in a long document, in Chromium: the outline of headings (desktop and
phone), find in document with its count and keys, and filters applied without a reload."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import ClaimKind
from tests.factories import ClaimFactory, DocumentFactory, VerdictFactory, member, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "# The budget\n\n"
    + "Unemployment fell to 5% last year. Taxes rose by 3.5% (in 2023).\n\n" * 30
    + "## Housing <plans>\n\n"
    + "Rents rose by 12 per cent. We must act now.\n\n" * 30
    + "# Closing\n\nThank you."
)


@pytest.fixture
def desk():
    document = DocumentFactory(text=TEXT, title="Budget speech")
    claims = {}
    for phrase, kind, at in [
        ("The budget", ClaimKind.HEADING, TEXT.index("The budget")),
        ("Unemployment fell to 5% last year.", ClaimKind.SENTENCE, 0),
        ("Housing <plans>", ClaimKind.HEADING, TEXT.index("Housing")),
        ("Rents rose by 12 per cent.", ClaimKind.SENTENCE, 0),
        ("Closing", ClaimKind.HEADING, TEXT.index("Closing")),
        ("Thank you.", ClaimKind.SENTENCE, 0),
    ]:
        start = TEXT.index(phrase, at)
        claims[phrase] = ClaimFactory(
            document=document, start=start, end=start + len(phrase), kind=kind
        )
    return document, claims


def _in_view(page, selector) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_outline_lists_headings_and_takes_the_reader_to_one(open_as, desk, width):
    document, claims = desk
    page = open_as(member(document.workspace), width=width)
    page.goto(f"/documents/{document.pk}/")
    outline = page.get_by_role("complementary", name="Outline")
    outline.get_by_text("Outline").click()
    links = outline.get_by_role("link")
    expect(links).to_have_text(["The budget", "Housing <plans>", "Closing"])
    anchor = f"at-{claims['Housing <plans>'].start}"
    assert not _in_view(page, f"#{anchor}")
    links.nth(1).click()
    page.wait_for_url(f"**#{anchor}")
    assert _in_view(page, f"#{anchor}")
    expect(page.locator(f"#{anchor}")).to_contain_text("Housing <plans>")
    # Nothing runs off the side of a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _highlighted(page) -> tuple[int, str]:
    return tuple(
        page.evaluate(
            """() => [CSS.highlights.get("find-match").size,
                  [...CSS.highlights.get("find-current")].map((r) => r.toString()).join()]"""
        )
    )


def test_find_highlights_matches_and_steps_with_enter_and_buttons(open_as, desk):
    document, _ = desk
    page = open_as(member(document.workspace))
    page.goto(f"/documents/{document.pk}/")
    count = page.locator("#find-count")
    page.keyboard.press("/")
    find = page.get_by_role("searchbox", name="Find in document")
    expect(find).to_be_focused()
    find.fill("ROSE BY")
    expect(count).to_have_text("1 of 60")
    assert _highlighted(page) == (60, "rose by")
    find.press("Enter")
    expect(count).to_have_text("2 of 60")
    find.press("Shift+Enter")
    find.press("Shift+Enter")
    expect(count).to_have_text("60 of 60")
    page.get_by_role("button", name="Next match").click()
    expect(count).to_have_text("1 of 60")
    # The current match is on screen.
    assert page.evaluate(
        """() => { const r = [...CSS.highlights.get("find-current")][0].getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight; }"""
    )
    # Characters a pattern would read as syntax are matched as they are written.
    find.fill("3.5% (in")
    expect(count).to_have_text("1 of 30")
    find.fill("3x5")
    expect(count).to_have_text("No matches")
    find.fill("<plans>")
    expect(count).to_have_text("1 of 1")
    assert _highlighted(page) == (1, "<plans>")
    # Claim numbers are not document text: "1" matches only "12 per cent" and the like.
    find.fill("act now. Rents")
    expect(count).to_have_text("No matches")
    find.fill("")
    expect(count).to_have_text("")
    assert _highlighted(page) == (0, "")


def test_filters_apply_without_a_reload_and_the_url_and_back_button_follow(open_as, desk):
    document, claims = desk
    workspace = document.workspace
    VerdictFactory(claim=claims["Thank you."], rating=rating(workspace, "True"))
    page = open_as(member(workspace))
    page.goto(f"/documents/{document.pk}/")
    marks = page.locator("#document-text mark.claim:not(.claim-cont)")
    expect(marks).to_have_count(6)
    page.evaluate("window.notReloaded = true")
    page.get_by_label("State").select_option("published")
    page.wait_for_url(re.compile(r"\?.*state=published"))
    expect(marks).to_have_count(1)
    expect(page.locator("#filter-status")).to_have_text("Clear filters Showing 1 of 6 claims.")
    assert page.evaluate("window.notReloaded === true")
    # Headings keep their shape; find works on the new text.
    expect(page.locator("#document-text h2")).to_have_count(2)
    find = page.get_by_role("searchbox", name="Find in document")
    find.fill("thank")
    expect(page.locator("#find-count")).to_have_text("1 of 1")
    # The published claim still opens from the swapped text.
    page.locator("#document-text a.claim-badge").click()
    expect(page.locator("#panel")).to_contain_text("Thank you.")
    page.get_by_label("Check-worthy only").check()
    page.wait_for_url(re.compile(r"worthy=on"))
    # Back: the previous filter, whole.
    page.go_back()
    page.wait_for_url(re.compile(r"state=published(?!.*worthy=on)"))
    expect(marks).to_have_count(1)
    expect(page.get_by_label("Check-worthy only")).not_to_be_checked()
    page.go_back()
    page.wait_for_url(f"**/documents/{document.pk}/")
    expect(marks).to_have_count(6)
