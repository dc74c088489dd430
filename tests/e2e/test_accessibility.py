"""axe-core (bundled by axe-playwright-python, no npm) finds no serious or critical
violation on the pages a desk works in, nor on the public report."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from annotations.models import ClaimKind, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    VerdictFactory,
    member,
    rating,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "The budget\n\nUnemployment fell to 5% last year. Taxes rose by 3.5% in 2023.\n\n"
    "We must act now."
)
BLOCKING = {"serious", "critical"}


def _blocking(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def desk():
    document = DocumentFactory(text=TEXT, title="Budget speech")
    workspace = document.workspace
    claims = []
    for phrase, kind in [
        ("The budget", ClaimKind.HEADING),
        ("Unemployment fell to 5% last year.", ClaimKind.SENTENCE),
        ("Taxes rose by 3.5% in 2023.", ClaimKind.SENTENCE),
        ("We must act now.", ClaimKind.SENTENCE),
    ]:
        start = TEXT.index(phrase)
        claims.append(
            ClaimFactory(document=document, start=start, end=start + len(phrase), kind=kind)
        )
    author = member(workspace)
    mostly = AnnotationFactory(
        claim=claims[1], author=author, status="approved", rating=rating(workspace, "Mostly true")
    )
    SourceFactory(annotation=mostly)
    VerdictFactory(claim=claims[1], rating=mostly.rating)
    AnnotationFactory(claim=claims[2], author=author, status="submitted", summary="Checking.")
    editor = member(workspace, Role.EDITOR)
    document.publish_report(editor, slug="budget", include_approved=True)
    return document, claims, editor


@pytest.mark.parametrize(
    "path",
    [
        "/documents/{document}/",
        "/review/",
        "/w/{slug}/import/",
        "/w/{slug}/",
        "/w/{slug}/search/?q=unemployment",
        "/reports/budget/",
    ],
)
def test_page_has_no_serious_violation(open_as, desk, path):
    document, _, editor = desk
    page = open_as(editor)
    page.goto(path.format(document=document.pk, slug=document.workspace.slug))
    expect(page.locator("main")).to_have_count(1)
    assert _blocking(page) == []


@pytest.mark.parametrize("index", [1, 2], ids=["published", "under-review"])
def test_document_page_with_the_panel_open_has_no_serious_violation(open_as, desk, index):
    document, claims, editor = desk
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.locator(f'a.claim-badge[data-claim="{claims[index].pk}"]').click()
    expect(page.locator(f'#panel .panel-body[data-claim="{claims[index].pk}"]')).to_be_visible()
    assert _blocking(page) == []


def test_author_panel_with_approved_work_has_no_serious_violation(open_as, desk):
    document, claims, _ = desk
    author = claims[1].annotations.get().author
    page = open_as(author)
    page.goto(f"/documents/{document.pk}/?claim={claims[1].number}")
    expect(page.get_by_role("button", name="Revise…")).to_be_visible()
    assert _blocking(page) == []


def test_phone_document_page_with_the_sheet_open_has_no_serious_violation(open_as, desk):
    document, claims, editor = desk
    page = open_as(editor, width=390, height=844)
    page.goto(f"/documents/{document.pk}/")
    page.locator(f'a.claim-badge[data-claim="{claims[1].pk}"]').click()
    expect(page.locator("#panel-title")).to_be_focused()
    assert _blocking(page) == []


def test_document_page_with_outline_open_find_and_filter_has_no_serious_violation(open_as, desk):
    document, claims, editor = desk
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.get_by_role("complementary", name="Outline").get_by_text("Outline").click()
    page.get_by_role("searchbox", name="Find in document").fill("rose")
    expect(page.locator("#find-count")).to_have_text("1 of 1")
    page.get_by_label("State").select_option("published")
    expect(page.locator("#filter-status")).to_contain_text("Showing 1 of 4 claims.")
    assert _blocking(page) == []


def test_the_check_itself_catches_white_on_mostly_true(open_as):
    """The harness is live: the 2.6:1 rating text the workbench used to show is caught."""
    page = open_as()
    page.set_content(
        '<html lang="en"><head><title>Probe</title></head><body><main>'
        '<span style="background: #6cb33f; color: #ffffff">Mostly true</span></main></body></html>'
    )
    assert [line.split(" ")[0] for line in _blocking(page)] == ["color-contrast"]
