"""An editor fixes claims from the panel in Chromium: split, merge back, delete; the
numbers follow the stored-number rule and every step leaves a history row."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from annotations.models import Claim, Role
from tests.e2e import test_workbench
from tests.e2e.test_workbench import _open_claim, _speech
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The logged-in page per user of the workbench tests.
as_user = test_workbench.as_user


def _press_and_confirm(page, button):
    """Click a button that asks first (data-confirm): accept a native confirm, or press
    the in-page dialog's confirming button, whichever the page shows."""
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        button.click()
        try:
            dialog = page.locator("dialog[open]")
            dialog.wait_for(timeout=1500)
        except PlaywrightTimeoutError:
            return
        dialog.get_by_role("button").filter(has_not_text="Cancel").last.click()


def test_editor_splits_merges_and_deletes_a_claim_with_history(as_user):
    document = _speech()
    claim = Claim.objects.get(document=document, text="Unemployment fell to 5% last year.")
    editor = member(document.workspace, Role.EDITOR, username="erin")
    page = as_user(editor)
    page.goto(f"/documents/{document.pk}/")
    _open_claim(page, claim)
    panel = page.locator("#panel")
    panel.get_by_text("Fix this claim").click()
    panel.get_by_label("Split at character").fill(str(claim.start + 24))
    _press_and_confirm(page, panel.get_by_role("button", name="Split claim 2"))
    expect(page.locator("#panel h2")).to_contain_text("Claim 2")
    second = Claim.objects.get(document=document, number=4)
    assert second.text == "last year."
    claim.refresh_from_db()
    assert claim.text == "Unemployment fell to 5%"

    panel.get_by_text("Fix this claim").click()
    _press_and_confirm(page, panel.get_by_role("button", name="Merge with claim 4 (after)"))
    expect(page.locator("#panel h2")).to_contain_text("Claim 2")
    claim.refresh_from_db()
    assert (claim.text, claim.number) == ("Unemployment fell to 5% last year.", 2)
    assert not Claim.objects.filter(pk=second.pk).exists()

    panel.get_by_text("Fix this claim").click()
    _press_and_confirm(page, panel.get_by_role("button", name="Delete claim 2"))
    expect(page.locator(f'a.claim-badge[data-claim="{claim.pk}"]')).to_have_count(0)
    assert sorted(Claim.objects.filter(document=document).values_list("number", flat=True)) == [
        1,
        3,
    ]
    history = list(
        Claim.history.filter(id__in=[claim.pk, second.pk])
        .order_by("history_id")
        .values_list("id", "history_type", "history_user__username")
    )
    assert history == [
        (claim.pk, "+", None),
        (claim.pk, "~", "erin"),
        (second.pk, "+", "erin"),
        (second.pk, "-", "erin"),
        (claim.pk, "~", "erin"),
        (claim.pk, "-", "erin"),
    ]
