"""The reading view in Chromium for imported documents: headings without Markdown marks,
selections at exact offsets after them, and transcript selections with their speaker."""

import pytest
from playwright.sync_api import expect

from annotations.importers import import_file
from annotations.models import Claim, ClaimKind
from annotations.services import import_document
from tests.e2e.conftest import login
from tests.e2e.test_workbench import SELECT
from tests.factories import PASSWORD, WorkspaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTML = (
    b"<html><body><article><h1>Housing plan</h1><p>Rents rose by 12 per cent.</p>"
    b"<h2>What was promised</h2><p>She promised 12,000 homes by 2025.</p>"
    b"</article></body></html>"
)


def test_imported_headings_show_without_marks_and_selections_keep_exact_offsets(page):
    workspace = WorkspaceFactory()
    document = import_document(workspace, import_file(HTML, "plan.html")).document
    assert "## What was promised" in document.text
    login(page, member(workspace).username, PASSWORD)
    page.goto(f"/documents/{document.pk}/")
    text = page.locator("#document-text")
    expect(text.get_by_role("heading", name="What was promised")).to_be_visible()
    assert "#" not in text.inner_text()
    assert page.evaluate(SELECT, "12,000 homes")
    page.get_by_role("button", name="Add claim").click()
    page.wait_for_url(f"**/documents/{document.pk}/#claim-*")
    claim = Claim.objects.get(kind=ClaimKind.SELECTION)
    start = document.text.index("12,000 homes")
    assert (claim.start, claim.end, claim.text) == (start, start + 12, "12,000 homes")


def test_a_selection_in_a_transcript_turn_is_its_speakers(page):
    workspace = WorkspaceFactory()
    text = (
        "[00:00:05] MODERATOR: Good evening.\n\n"
        "[00:00:12] JANE DOE: Taxes rose by 3 per cent last year.\n\n"
        "MODERATOR: Thank you."
    )
    document = import_document(workspace, text, speaker="Broadcaster").document
    login(page, member(workspace).username, PASSWORD)
    page.goto(f"/documents/{document.pk}/")
    assert page.evaluate(SELECT, "3 per cent")
    page.get_by_role("button", name="Add claim").click()
    page.wait_for_url(f"**/documents/{document.pk}/#claim-*")
    claim = Claim.objects.get(kind=ClaimKind.SELECTION)
    assert (claim.text, claim.speaker, claim.spoken_at) == ("3 per cent", "JANE DOE", 12)
    expect(page.locator("#panel")).to_contain_text("said by JANE DOE at 0:00:12")
