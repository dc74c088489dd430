import pytest

from annotations.models import Role
from tests.e2e.conftest import login
from tests.factories import PASSWORD, DocumentFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_logs_in_and_sees_workspace_and_document(page):
    document = DocumentFactory(title="Budget speech 2026")
    editor = member(document.workspace, Role.EDITOR)
    login(page, editor.username, PASSWORD)
    assert page.get_by_role("heading", name="Your workspaces").is_visible()
    page.get_by_role("link", name="Budget speech 2026").click()
    page.wait_for_url(f"**/documents/{document.pk}/")
    assert page.get_by_role("heading", name="Budget speech 2026").is_visible()


def test_wrong_password_shows_an_error(page):
    document = DocumentFactory()
    user = member(document.workspace)
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert "Please enter a correct username and password" in page.get_by_role("alert").inner_text()
