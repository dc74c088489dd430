"""Editing in the panel: typing survives the panel's re-render, and approved work is
revised only on purpose, after an in-page confirmation."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Claim, ClaimKind, Role, Verdict
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    VerdictFactory,
    member,
    rating,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Unemployment fell to 5% last year. We must act now."


def _claim():
    document = DocumentFactory(text=TEXT)
    return ClaimFactory(document=document, start=0, end=34, kind=ClaimKind.SENTENCE)


def _open(page, claim):
    page.goto(f"/documents/{claim.document_id}/")
    page.locator(f'a.claim-badge[data-claim="{claim.pk}"]').click()
    expect(page.locator(f'#panel .panel-body[data-claim="{claim.pk}"]')).to_be_visible()


def test_text_typed_while_a_rating_saves_is_kept_and_saved(open_as):
    claim = _claim()
    user = member(claim.document.workspace)
    page = open_as(user)
    _open(page, claim)
    panel = page.locator("#panel")
    held = []
    # Hold the rating's save in flight while the user types: the answer lands mid-word.
    page.route("**/annotation/", lambda route: held.append(route))
    panel.get_by_role("radio", name="False", exact=True).check()
    summary = panel.get_by_label("Summary")
    summary.click()
    summary.press_sequentially("It rose")
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/annotation/")
    summary.press_sequentially(" to 7%.", delay=40)
    expect(panel.locator("#mine-h")).to_contain_text("version 1")
    expect(panel.get_by_label("Summary")).to_have_value("It rose to 7%.")
    expect(panel.get_by_label("Summary")).to_be_focused()
    panel.get_by_role("button", name="Save draft").click()
    expect(panel.locator("#mine-h")).to_contain_text("version 2")
    annotation = Annotation.objects.get(claim=claim, author=user)
    assert (annotation.summary, annotation.rating.label) == ("It rose to 7%.", "False")


def test_unsaved_summary_survives_adding_a_source(open_as):
    claim = _claim()
    user = member(claim.document.workspace)
    page = open_as(user)
    _open(page, claim)
    panel = page.locator("#panel")
    panel.get_by_label("Summary").fill("Not yet saved.")
    panel.get_by_text("Add a source").click()
    panel.locator(".add-source").get_by_label("URL", exact=True).fill("https://example.org/lfs")
    panel.get_by_role("button", name="Add source").click()
    expect(panel.locator(".panel-message")).to_have_text("Source added.")
    expect(panel.get_by_label("Summary")).to_have_value("Not yet saved.")
    assert Annotation.objects.get(claim=claim, author=user).summary == ""


def _approved_with_verdict():
    claim = _claim()
    workspace = claim.document.workspace
    author = member(workspace)
    annotation = AnnotationFactory(
        claim=claim, author=author, status="approved", summary="It rose.", version=2
    )
    VerdictFactory(claim=claim, rating=annotation.rating, summary="It rose.")
    return annotation


def test_approved_work_is_read_only_and_a_rating_key_asks_before_revising(open_as):
    annotation = _approved_with_verdict()
    page = open_as(annotation.author)
    _open(page, annotation.claim)
    panel = page.locator("#panel")
    expect(panel.get_by_role("radio", name="True", exact=True)).to_be_disabled()
    page.keyboard.press("1")
    dialog = page.get_by_role("dialog", name="Revise approved work?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("it becomes “Submitted” again")
    expect(dialog).to_contain_text("The published verdict stays public as it is")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    annotation.refresh_from_db()
    assert (annotation.status, annotation.version) == ("approved", 2)


def test_revise_after_confirming_sends_work_back_to_review_and_keeps_the_verdict(open_as):
    annotation = _approved_with_verdict()
    page = open_as(annotation.author)
    _open(page, annotation.claim)
    panel = page.locator("#panel")
    panel.get_by_role("button", name="Revise…").click()
    page.get_by_role("dialog", name="Revise approved work?").get_by_role(
        "button", name="Revise"
    ).click()
    true = panel.get_by_role("radio", name="True", exact=True)
    expect(true).to_be_enabled()
    true.check()
    expect(panel.locator(".panel-message")).to_have_text("Saved.")
    expect(panel.locator("#mine-h")).to_contain_text("Submitted")
    annotation.refresh_from_db()
    assert (annotation.status, annotation.rating, annotation.version) == (
        "submitted",
        rating(annotation.claim.document.workspace, "True"),
        3,
    )
    verdict = Verdict.objects.get(claim=annotation.claim)
    assert (verdict.is_current, verdict.retracted_at, verdict.summary) == (True, None, "It rose.")
    assert Claim.objects.get(pk=annotation.claim_id).verdicts.count() == 1


def test_focus_returns_to_the_rating_after_the_panel_is_redrawn(open_as):
    claim = _claim()
    page = open_as(member(claim.document.workspace, Role.ANNOTATOR))
    _open(page, claim)
    # The badge's name is its own text, kept up to date with the claim's state.
    expect(page.get_by_role("link", name="Claim 1 unchecked", exact=True)).to_be_visible()
    panel = page.locator("#panel")
    panel.get_by_role("radio", name="Half true", exact=True).check()
    expect(panel.locator(".panel-message")).to_have_text("Saved.")
    expect(panel.get_by_role("radio", name="Half true", exact=True)).to_be_focused()
    expect(page.get_by_role("link", name="Claim 1 in progress", exact=True)).to_be_visible()


def test_when_the_focused_button_is_gone_focus_goes_to_the_outcome(open_as):
    claim = _claim()
    page = open_as(member(claim.document.workspace))
    _open(page, claim)
    panel = page.locator("#panel")
    panel.get_by_role("radio", name="True", exact=True).check()
    expect(panel.locator(".panel-message")).to_have_text("Saved.")
    panel.get_by_label("Summary").fill("It fell.")
    panel.get_by_role("button", name="Submit for review").focus()
    page.keyboard.press("Enter")
    expect(panel.locator(".panel-message")).to_have_text("Submitted for review.")
    expect(panel.get_by_role("button", name="Submit for review")).to_have_count(0)
    expect(panel.locator(".panel-message")).to_be_focused()


def test_review_first_for_the_reviewer_and_requested_changes_first_for_the_author(open_as):
    claim = _claim()
    workspace = claim.document.workspace
    annotation = AnnotationFactory(
        claim=claim, author=member(workspace), status="submitted", summary="It rose."
    )
    reviewer = open_as(member(workspace, Role.REVIEWER))
    _open(reviewer, claim)
    panel = reviewer.locator("#panel")
    others = panel.get_by_role("heading", name="Colleagues' annotations").bounding_box()
    mine = panel.get_by_role("heading", name="My annotation").bounding_box()
    assert others["y"] < mine["y"]
    panel.get_by_label("Review comment").fill("Name the quarter.")
    panel.get_by_role("button", name="Request changes").click()
    expect(panel.locator(".panel-message")).to_have_text("Changes requested.")

    author = open_as(annotation.author)
    _open(author, claim)
    apanel = author.locator("#panel")
    request = apanel.locator(".requested-changes")
    expect(request).to_contain_text("Name the quarter.")
    summary = apanel.get_by_label("Summary").bounding_box()
    assert request.bounding_box()["y"] < summary["y"]
