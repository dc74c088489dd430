import pytest

from annotations.models import Role
from tests.e2e.conftest import login
from tests.factories import PASSWORD, WorkspaceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_the_content_security_policy(page):
    user = member(WorkspaceFactory(), Role.EDITOR)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, user.username, PASSWORD)
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Fact-checking workbench API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag").count() > 5
    assert [e for e in errors if "Content Security Policy" in e] == []
