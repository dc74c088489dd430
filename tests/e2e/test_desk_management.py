"""In the browser: creating a workspace, then archiving and deleting documents, each
asking in the page first."""

import pytest
from playwright.sync_api import expect

from annotations.models import Document, Membership, Role, Workspace
from tests.factories import AnnotationFactory, ClaimFactory, DocumentFactory, UserFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_creates_a_workspace_and_becomes_its_editor(open_as, settings):
    settings.WORKSPACE_CREATION = "any"
    user = UserFactory()
    page = open_as(user)
    page.goto("/")
    page.get_by_role("link", name="New workspace").click()
    page.get_by_label("Name").fill("Metro desk")
    page.get_by_label("Address").fill("metro")
    page.get_by_role("button", name="Create workspace").click()
    page.wait_for_url("**/w/metro/settings/")
    expect(page.locator(".messages")).to_have_text("Created Metro desk. You are its editor.")
    workspace = Workspace.objects.get(slug="metro")
    assert Membership.objects.get(workspace=workspace, user=user).role == Role.EDITOR


def test_an_editor_archives_a_worked_document_and_deletes_an_untouched_one(open_as):
    worked = DocumentFactory(title="Worked speech", text="Taxes rose by 3%.")
    workspace = worked.workspace
    AnnotationFactory(
        claim=ClaimFactory(document=worked, start=0, end=17), author=member(workspace)
    )
    untouched = DocumentFactory(workspace=workspace, title="Fresh speech", text="Jobs fell.")
    editor = member(workspace, Role.EDITOR)
    page = open_as(editor)
    page.goto(f"/w/{workspace.slug}/")

    page.get_by_role("button", name="Archive Worked speech").click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    expect(dialog).to_contain_text("its verdicts and report stay")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Document.objects.get(pk=worked.pk).archived_at is None
    page.get_by_role("button", name="Archive Worked speech").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text("Archived “Worked speech”")
    expect(page.get_by_role("link", name="Worked speech")).to_have_count(0)

    page.get_by_role("button", name="Delete Fresh speech").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_have_text("Deleted “Fresh speech”.")
    assert not Document.objects.filter(pk=untouched.pk).exists()

    page.get_by_role("link", name="Archived documents").click()
    expect(page.get_by_role("link", name="Worked speech")).to_be_visible()
    page.get_by_role("button", name="Restore Worked speech").click()
    expect(page.locator(".messages")).to_have_text("“Worked speech” is back in the list.")
    assert Document.objects.get(pk=worked.pk).archived_at is None
