"""A batch import's job page lists what became of each document."""

import pytest
from django.urls import reverse

from annotations import jobs
from annotations.models import Job, Role
from tests.api.conftest import client_for
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db


def test_the_job_page_lists_each_document_of_a_batch(client):
    workspace = WorkspaceFactory(slug="desk")
    editor = member(workspace, Role.EDITOR)
    documents = [
        {"text": "Crime fell by 12% in 2023.", "title": "Statement"},
        {"text": "   ", "title": "<b>Blank</b>"},
    ]
    response = client_for(editor).post(
        "/api/v1/documents/batch/", {"workspace": "desk", "documents": documents}, format="json"
    )
    job = Job.objects.get(pk=response.json()["id"])
    jobs.run(job.pk)
    job.refresh_from_db()
    imported = job.results[0]["document"]
    client.force_login(editor)
    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert f'<a href="/documents/{imported}/">imported, 1 claim</a>' in page
    assert "&lt;b&gt;Blank&lt;/b&gt;:" in page
    assert "The text contains no text to import." in page
