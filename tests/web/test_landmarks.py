"""Exactly one `main` landmark on every page, error pages and the public report too."""

import pytest

from annotations.models import Role
from tests.factories import member
from tests.web.workbench import _speech

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/review/", 200),
        ("/flags/", 200),
        ("/assigned/", 200),
        ("/notifications/", 200),
        ("/documents/{document}/", 200),
        ("/documents/{document}/?claim={claim}", 200),
        ("/w/{slug}/", 200),
        ("/w/{slug}/import/", 200),
        ("/w/{slug}/search/?q=budget", 200),
        ("/w/{slug}/settings/", 200),
        ("/reports/speech/", 200),
        ("/documents/999999/", 404),
    ],
)
def test_every_page_has_one_main_landmark(client, path, status):
    document, claims = _speech()
    editor = member(document.workspace, Role.EDITOR)
    document.publish_report(editor, slug="speech")
    client.force_login(editor)
    claim = claims["We must act now."]
    url = path.format(document=document.pk, claim=claim.number, slug=document.workspace.slug)
    response = client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert page.count("<main") == 1
    assert 'role="main"' not in page


def test_login_page_has_one_main_landmark(client):
    page = client.get("/login/").content.decode()
    assert page.count("<main") == 1
