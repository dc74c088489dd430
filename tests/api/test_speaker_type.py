"""The speaker's type: chosen on import (page and API), changed by editors (API)."""

import pytest
from django.test import Client

from annotations.models import Document, Role
from tests.api.conftest import client_for
from tests.factories import DocumentFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


def test_api_import_records_the_speaker_type_and_defaults_to_person():
    workspace = WorkspaceFactory(slug="desk")
    client = client_for(member(workspace, Role.EDITOR))
    response = client.post(
        "/api/v1/documents/",
        {
            "workspace": "desk",
            "text": "Taxes rose.",
            "speaker": "Ministry",
            "speaker_type": "organization",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["speaker_type"] == "organization"
    response = client.post(
        "/api/v1/documents/", {"workspace": "desk", "text": "Crime fell."}, format="json"
    )
    assert response.json()["speaker_type"] == "person"


@pytest.mark.parametrize("value", ["robot", "", None, "<script>"])
def test_api_import_refuses_an_unknown_speaker_type(value):
    workspace = WorkspaceFactory(slug="desk")
    response = client_for(member(workspace, Role.EDITOR)).post(
        "/api/v1/documents/",
        {"workspace": "desk", "text": "Taxes rose.", "speaker_type": value},
        format="json",
    )
    assert response.status_code == 400
    assert "speaker_type" in response.json()["errors"]
    assert not Document.objects.exists()


def test_editor_changes_the_speaker_type_and_others_may_not():
    document = DocumentFactory(speaker="Ministry")
    workspace = document.workspace
    url = f"/api/v1/documents/{document.pk}/"
    body = {"speaker_type": "organization"}
    annotator = client_for(member(workspace, Role.ANNOTATOR))
    assert annotator.patch(url, body, format="json").status_code == 403
    outsider = client_for(member(WorkspaceFactory(), Role.EDITOR))
    assert outsider.patch(url, body, format="json").status_code == 404
    response = client_for(member(workspace, Role.EDITOR)).patch(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["speaker_type"] == "organization"
    document.refresh_from_db()
    assert document.speaker_type == "organization"
    bad = client_for(member(workspace, Role.EDITOR)).patch(
        url, {"speaker_type": "alien"}, format="json"
    )
    assert bad.status_code == 400 and "speaker_type" in bad.json()["errors"]


def test_import_page_records_the_speaker_type():
    workspace = WorkspaceFactory(slug="desk")
    client = Client()
    client.force_login(member(workspace, Role.EDITOR))
    response = client.post(
        "/w/desk/import/",
        {
            "text": "Taxes rose.",
            "speaker": "Party",
            "speaker_type": "organization",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert Document.objects.get().speaker_type == "organization"
    page = client.get("/w/desk/import/").content.decode()
    assert '<option value="organization">Organization</option>' in page
