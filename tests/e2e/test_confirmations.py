"""Irreversible acts ask first, in the page: publishing a verdict, publishing and
withdrawing the report, and anything marked data-confirm."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.models import ClaimKind, Document, Role, Verdict
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    SourceFactory,
    VerdictFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Unemployment fell to 5% last year. We must act now. Taxes rose."


def _desk():
    document = DocumentFactory(text=TEXT, title="Budget speech")
    claims = [
        ClaimFactory(document=document, start=s, end=e, kind=ClaimKind.SENTENCE)
        for s, e in ((0, 34), (35, 51), (52, 63))
    ]
    editor = member(document.workspace, Role.EDITOR)
    return document, claims, editor


def _approved(claim, summary):
    annotation = AnnotationFactory(
        claim=claim, author=member(claim.document.workspace), status="approved", summary=summary
    )
    SourceFactory(annotation=annotation)
    return annotation


def test_publishing_a_verdict_shows_a_preview_and_cancel_publishes_nothing(open_as):
    document, claims, editor = _desk()
    _approved(claims[0], "It rose to 7%.")
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.locator(f'a.claim-badge[data-claim="{claims[0].pk}"]').click()
    page.locator("#panel").get_by_role("button", name="Publish verdict").click()
    dialog = page.get_by_role("dialog", name="Publish this verdict?")
    expect(dialog).to_contain_text("Rating: False")
    expect(dialog).to_contain_text("Summary: It rose to 7%.")
    expect(dialog).to_contain_text("Sources: 1")
    expect(dialog).to_contain_text("A published verdict is never deleted")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#panel").get_by_role("button", name="Publish verdict")).to_be_focused()
    assert not Verdict.objects.exists()
    page.keyboard.press("Enter")
    dialog.get_by_role("button", name="Publish").click()
    expect(page.locator("#panel .panel-message")).to_have_text("Verdict published.")
    assert Verdict.objects.get().summary == "It rose to 7%."
    badge = page.get_by_role("link", name="Claim 1 published, rated False", exact=True)
    expect(badge).to_be_visible()
    expect(badge.locator(".claim-rating")).to_have_text("False")


def test_report_is_published_from_a_dialog_with_its_contents_as_a_checkbox(open_as):
    document, claims, editor = _desk()
    VerdictFactory(claim=claims[0])
    _approved(claims[1], "Approved, not published.")
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.get_by_text("Export and publish").click()
    page.get_by_role("button", name="Publish the report…").click()
    dialog = page.get_by_role("dialog", name="Publish the report?")
    expect(dialog).to_contain_text("1 published verdict")
    expect(dialog).to_contain_text("1 claim with approved work not yet published")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    document.refresh_from_db()
    assert document.report_published_at is None
    page.get_by_role("button", name="Publish the report…").click()
    dialog.get_by_label("Public address /reports/").fill("budget-2026")
    dialog.get_by_label("Also show approved work without a published verdict").check()
    dialog.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**/documents/{document.pk}/")
    expect(page.locator(".messages")).to_contain_text("/reports/budget-2026/")
    document = Document.objects.get(pk=document.pk)
    assert (document.report_slug, document.report_include_approved) == ("budget-2026", True)
    page.goto("/reports/budget-2026/")
    expect(page.get_by_text("Approved, not published.")).to_be_visible()


def test_withdrawing_the_report_asks_first(open_as):
    document, _, editor = _desk()
    document.publish_report(editor, slug="budget")
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.get_by_text("Export and publish").click()
    page.get_by_role("button", name="Withdraw…").click()
    dialog = page.get_by_role("dialog", name="Withdraw the public report?")
    expect(dialog).to_contain_text("/reports/budget/ stops being public at once")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert Document.objects.get(pk=document.pk).report_published_at is not None
    page.get_by_role("button", name="Withdraw…").click()
    dialog.get_by_role("button", name="Withdraw").click()
    expect(page.locator(".messages")).to_have_text("The public report is withdrawn.")
    assert Document.objects.get(pk=document.pk).report_published_at is None


def test_downloads_take_approved_work_from_a_checkbox(open_as):
    document, claims, editor = _desk()
    _approved(claims[1], "Approved, not published.")
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.get_by_text("Export and publish").click()
    page.get_by_label("with approved work not yet published").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Markdown").click()
    path = download.value.path()
    assert "Approved, not published." in Path(path).read_text(encoding="utf-8")
    assert download.value.url.endswith("/export/md/?include_approved=1")


GENERIC = """() => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/nowhere/";
  form.innerHTML =
    '<button type="submit" name="act" value="go" data-confirm="Delete claim 3?">Go</button>';
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    window.sent = new FormData(form).get("act");
  });
  document.querySelector("main").append(form);
  const link = document.createElement("a");
  link.href = "#gone";
  link.textContent = "Merge";
  link.dataset.confirm = "Merge claims 3 and 4?";
  document.querySelector("main").append(link);
}"""


def test_any_data_confirm_element_asks_in_the_page(open_as):
    document, _, editor = _desk()
    page = open_as(editor)
    page.goto(f"/documents/{document.pk}/")
    page.evaluate(GENERIC)
    page.get_by_role("button", name="Go").click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_contain_text("Delete claim 3?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate("window.sent") is None
    page.get_by_role("button", name="Go").click()
    dialog.get_by_role("button", name="Confirm").click()
    page.wait_for_function("window.sent === 'go'")
    page.get_by_role("link", name="Merge").click()
    expect(dialog).to_contain_text("Merge claims 3 and 4?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not page.url.endswith("#gone")
    page.get_by_role("link", name="Merge").click()
    dialog.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**#gone")


def test_deleting_a_draft_asks_and_then_posts_the_clicked_buttons_action(open_as):
    document, claims, _ = _desk()
    author = member(document.workspace)
    AnnotationFactory(claim=claims[0], author=author, status="draft", summary="Draft.")
    page = open_as(author)
    page.goto(f"/documents/{document.pk}/")
    page.locator(f'a.claim-badge[data-claim="{claims[0].pk}"]').click()
    panel = page.locator("#panel")
    panel.get_by_role("button", name="Delete draft").click()
    dialog = page.get_by_role("dialog", name="Delete this draft?")
    expect(dialog).to_contain_text("this cannot be undone")
    dialog.get_by_role("button", name="Delete draft").click()
    expect(panel.locator(".panel-message")).to_have_text("Draft deleted.")
    assert not claims[0].annotations.exists()
