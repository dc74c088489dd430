"""Long work is a background job in the API too: the PDF export answers 202 with the job,
whose page gives its progress and then the file; only its creator, while a member, reads it."""

import pytest
from django.utils.text import slugify

from annotations import jobs
from annotations.models import Job, Membership
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db
R = "/api/v1"


def _pdf_export(desk, django_capture_on_commit_callbacks, user=None):
    """Ask for the PDF; the job runs once the request's transaction commits, as the
    immediate task backend runs it."""
    client = client_for(user or desk.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{R}/documents/{desk.document.pk}/export/pdf/")
    return response, Job.objects.get()


def test_pdf_export_answers_202_with_the_job_and_its_location(
    desk, django_capture_on_commit_callbacks
):
    response, job = _pdf_export(desk, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    body = response.json()
    created_at = body.pop("created_at")
    assert created_at.endswith("Z")
    assert body == {
        "id": job.pk,
        "url": f"/api/v1/jobs/{job.pk}/",
        "kind": "export",
        "status": "queued",
        "progress": 0,
        "message": "",
        "error": "",
        "document": desk.document.pk,
        "download": None,
        "results": [],
        "started_at": None,
        "finished_at": None,
    }
    assert (job.kind, job.created_by, job.params) == (
        "export",
        desk.editor,
        {"format": "pdf", "approved": False},
    )


def test_the_job_reports_success_and_its_download_gives_the_pdf(
    desk, django_capture_on_commit_callbacks
):
    response, job = _pdf_export(desk, django_capture_on_commit_callbacks)
    client = client_for(desk.editor)
    done = client.get(response["Location"])
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["progress"], body["message"], body["error"]) == (
        "succeeded",
        100,
        "Ready to download.",
        "",
    )
    assert body["download"] == f"/api/v1/jobs/{job.pk}/download/"
    assert body["finished_at"] is not None
    download = client.get(body["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="{slugify(desk.document.title)}-{desk.document.pk}.pdf"'
    )
    assert download["Cache-Control"] == "private, no-store"
    assert download.content.startswith(b"%PDF-")


def test_include_approved_is_passed_to_the_job(desk):
    client = client_for(desk.reviewer)
    response = client.get(f"{R}/documents/{desk.document.pk}/export/pdf/?include_approved=1")
    assert response.status_code == 202
    assert Job.objects.get().params == {"format": "pdf", "approved": True}


def _queued_export(desk, user):
    return Job.objects.create(
        kind=Job.Kind.EXPORT,
        workspace=desk.workspace,
        created_by=user,
        document=desk.document,
        params={"format": "pdf", "approved": False},
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("annotator", 200),
        ("reviewer", 404),
        ("editor", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_creator_reads_a_job(desk, role, expected):
    job = _queued_export(desk, desk.annotator)
    client = desk.client(role)
    for url in (f"{R}/jobs/{job.pk}/", f"{R}/jobs/{job.pk}/download/"):
        response = client.get(url)
        if expected == 200 and url.endswith("/download/"):
            assert response.status_code == 409
        else:
            assert response.status_code == expected, (url, role)
    if expected == 404:
        assert client.get(f"{R}/jobs/{job.pk}/").json() == {
            "detail": "No such job.",
            "code": "not_found",
            "errors": {},
        }


def test_a_creator_removed_from_the_workspace_no_longer_reads_the_job(
    desk, django_capture_on_commit_callbacks
):
    response, job = _pdf_export(desk, django_capture_on_commit_callbacks, desk.annotator)
    client = client_for(desk.annotator)
    assert client.get(response["Location"]).status_code == 200
    Membership.objects.filter(user=desk.annotator, workspace=desk.workspace).delete()
    client = client_for(desk.annotator)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(f"{R}/jobs/{job.pk}/download/").status_code == 404


def test_download_before_the_job_is_done_is_409_and_after_a_failure_404(desk):
    job = _queued_export(desk, desk.editor)
    client = client_for(desk.editor)
    response = client.get(f"{R}/jobs/{job.pk}/download/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The job is queued; its file is ready once it has succeeded.",
        "code": "not_ready",
        "errors": {},
    }
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="RuntimeError: boom")
    assert client.get(f"{R}/jobs/{job.pk}/").json()["error"] == "RuntimeError: boom"
    response = client.get(f"{R}/jobs/{job.pk}/download/")
    assert response.status_code == 404
    assert response.json()["detail"] == "This job has no file to download."


def test_unknown_job_is_404(desk):
    client = client_for(desk.editor)
    assert client.get(f"{R}/jobs/999999/").status_code == 404
    assert client.get(f"{R}/jobs/99999999999999999999999/").status_code == 404


def test_a_job_run_by_a_worker_later_is_read_as_it_progresses(desk):
    """With the database queue nothing runs in the request: the client polls."""
    client = client_for(desk.editor)
    response = client.get(f"{R}/documents/{desk.document.pk}/export/pdf/")
    assert response.status_code == 202
    job = Job.objects.get()
    assert client.get(response["Location"]).json()["status"] == "queued"
    jobs.run(job.pk)
    body = client.get(response["Location"]).json()
    assert (body["status"], body["download"]) == ("succeeded", f"/api/v1/jobs/{job.pk}/download/")


def test_schema_describes_the_job_endpoints_and_the_202_of_the_pdf_export():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    job = schema["paths"]["/api/v1/jobs/{id}/"]["get"]
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Job"
    }
    assert {"401", "404"} <= set(job["responses"])
    download = schema["paths"]["/api/v1/jobs/{id}/download/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    assert "409" in download["responses"]
    export = schema["paths"]["/api/v1/documents/{id}/export/{format}/"]["get"]
    assert export["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Job"
    }
    assert "application/pdf" not in export["responses"]["200"]["content"]


# --- large uploads -------------------------------------------------------------------------

BUDGET = b"# Budget\n\nTaxes rose by 5% in 2023. We must act.\n"


def _upload(client, data=BUDGET, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("budget.md", data, "text/markdown")
    return client.post(
        f"{R}/documents/", {"workspace": "desk", "file": upload, **fields}, format="multipart"
    )


def test_an_upload_over_background_import_bytes_answers_202_and_the_job_makes_the_document(
    desk, settings, django_capture_on_commit_callbacks
):
    from annotations.models import Document

    settings.BACKGROUND_IMPORT_BYTES = len(BUDGET) - 1
    client = client_for(desk.editor)
    before = Document.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, title="Budget", speaker="PM", published="2024-03-01")
    job = Job.objects.get()
    assert response.status_code == 202
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert (response.json()["kind"], response.json()["status"]) == ("import", "queued")
    assert (job.input_name, job.created_by, job.params["content_type"]) == (
        "budget.md",
        desk.editor,
        "text/markdown",
    )
    body = client.get(response["Location"]).json()
    document = Document.objects.exclude(pk=desk.document.pk).get()
    assert Document.objects.count() == before + 1
    assert (body["status"], body["message"], body["document"], body["download"]) == (
        "succeeded",
        "Imported with 3 claims.",
        document.pk,
        None,
    )
    assert (document.title, document.speaker, str(document.published)) == (
        "Budget",
        "PM",
        "2024-03-01",
    )
    assert document.workspace == desk.workspace
    assert client.get(f"{R}/jobs/{job.pk}/download/").status_code == 404


def test_an_upload_at_background_import_bytes_is_imported_in_the_request(desk, settings):
    settings.BACKGROUND_IMPORT_BYTES = len(BUDGET)
    response = _upload(client_for(desk.editor))
    assert response.status_code == 201
    assert (response.json()["claims"], response.json()["created"]) == (3, True)
    assert Job.objects.count() == 0


def test_a_large_upload_by_a_non_editor_is_refused_before_any_job(desk, settings):
    settings.BACKGROUND_IMPORT_BYTES = 10
    response = _upload(client_for(desk.reviewer))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only editors can import documents."
    assert Job.objects.count() == 0


def test_pasted_text_is_imported_in_the_request_whatever_its_size(desk, settings):
    settings.BACKGROUND_IMPORT_BYTES = 10
    response = client_for(desk.editor).post(
        f"{R}/documents/",
        {"workspace": "desk", "text": BUDGET.decode(), "markdown": True},
        format="json",
    )
    assert response.status_code == 201
    assert Job.objects.count() == 0


def test_schema_gives_the_import_its_202():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/documents/"]["post"]
    assert create["responses"]["202"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Job"
    }
