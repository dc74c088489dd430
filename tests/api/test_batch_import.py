"""POST /api/v1/documents/batch/: many documents, from JSON or a ZIP of files, as one
background job with a result per item; a ZIP bomb is refused before any job starts."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Document, Job
from tests.api.conftest import client_for
from tests.zip_bombs import ARCHIVE_BOMB_MESSAGE, docx_bomb, zip_bomb

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents/batch/"


def _run(client, body, capture, fmt="json"):
    """Post the batch; the job runs once the request commits (the immediate backend)."""
    with capture(execute=True):
        response = client.post(URL, body, format=fmt)
    return response


def _word(text: str) -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_json_batch_imports_the_good_items_and_reports_the_bad(
    desk, django_capture_on_commit_callbacks
):
    documents = [
        {"text": "Crime fell by 12% in 2023. We will act.", "title": "Statement"},
        {"title": "No text"},
        {"text": "Taxes rose by 3%.", "source_url": "javascript:alert(1)", "title": "Bad URL"},
        {"text": "# Budget\n\n- Spending rose by 4%.", "markdown": True, "speaker": "Minister"},
        {"text": "  \n ", "title": "Blank"},
        "not an object",
        {"text": "Crime fell by 12% in 2023. We will act.", "title": "Again"},
    ]
    client = client_for(desk.editor)
    response = _run(
        client, {"workspace": "desk", "documents": documents}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    job = Job.objects.get()
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    body = client.get(response["Location"]).json()
    assert (body["kind"], body["status"], body["message"]) == (
        "batch",
        "succeeded",
        "Imported 2 of 7 documents (1 already there, 4 failed).",
    )
    results = body["results"]
    assert [(r["index"], r["status"], r["code"]) for r in results] == [
        (0, "imported", ""),
        (1, "failed", "required"),
        (2, "failed", "invalid"),
        (3, "imported", ""),
        (4, "failed", "empty"),
        (5, "failed", "invalid"),
        (6, "exists", ""),
    ]
    assert results[1]["errors"] == {"text": ["This field is required."]}
    assert list(results[2]["errors"]) == ["source_url"]
    assert results[4]["detail"] == (
        "The text contains no text to import. Check that you chose the right file."
    )
    assert results[4]["name"] == "Blank"
    first = Document.objects.get(pk=results[0]["document"])
    assert (first.title, first.created_by) == ("Statement", desk.editor)
    assert results[0]["claims"] == first.claims.count() == 2
    assert results[6]["document"] == first.pk  # the same text: the document already there
    budget = Document.objects.get(pk=results[3]["document"])
    assert budget.speaker == "Minister" and budget.text.startswith("# Budget")
    assert Document.objects.filter(workspace=desk.workspace).count() == 3  # desk's + 2


def test_a_zip_of_files_is_imported_file_by_file(desk, django_capture_on_commit_callbacks):
    archive = _zip(
        {
            "speeches/one.txt": b"Unemployment fell to 4% last year.",
            "speeches/two.docx": _word("Exports grew by 7% in May."),
            "speeches/page.html": b"<html><body><p>Wages rose 2% in 2024.</p></body></html>",
            "speeches/broken.pdf": b"%PDF-1.4 not really",
            "speeches/bomb.docx": docx_bomb(),
            "__MACOSX/._one.txt": b"resource fork",
            "speeches/.DS_Store": b"\x00\x00",
        }
    )
    client = client_for(desk.editor)
    upload = SimpleUploadedFile("speeches.zip", archive, content_type="application/zip")
    response = _run(
        client,
        {"workspace": "desk", "file": upload},
        django_capture_on_commit_callbacks,
        fmt="multipart",
    )
    assert response.status_code == 202
    body = client.get(response["Location"]).json()
    assert body["status"] == "succeeded"
    assert body["message"] == "Imported 3 of 5 documents (0 already there, 2 failed)."
    assert [(r["name"], r["status"], r["code"]) for r in body["results"]] == [
        ("speeches/one.txt", "imported", ""),
        ("speeches/two.docx", "imported", ""),
        ("speeches/page.html", "imported", ""),
        ("speeches/broken.pdf", "failed", "damaged"),
        ("speeches/bomb.docx", "failed", "damaged"),
    ]
    texts = [Document.objects.get(pk=r["document"]).text for r in body["results"][:3]]
    assert texts == [
        "Unemployment fell to 4% last year.",
        "Exports grew by 7% in May.",
        "Wages rose 2% in 2024.",
    ]


@pytest.mark.parametrize("lying", [False, True], ids=["honest", "lying"])
def test_a_zip_bomb_is_refused_and_no_job_starts(desk, lying):
    data = zip_bomb(20 * 2**20, lying=lying)
    assert len(data) < 100_000
    upload = SimpleUploadedFile("batch.zip", data, content_type="application/zip")
    response = client_for(desk.editor).post(
        URL, {"workspace": "desk", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    message = ARCHIVE_BOMB_MESSAGE.format(name='"batch.zip"')
    assert response.json() == {"detail": message, "code": "damaged", "errors": {"file": [message]}}
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "files, message",
    [
        (b"not a zip at all", '"x.zip" is not a ZIP archive, or it is damaged.'),
        (_zip({"folder/": b""}), '"x.zip" holds no files to import.'),
    ],
)
def test_what_is_no_archive_of_files_is_refused(desk, files, message):
    upload = SimpleUploadedFile("x.zip", files, content_type="application/zip")
    response = client_for(desk.editor).post(
        URL, {"workspace": "desk", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert not Job.objects.exists()


def test_more_than_a_thousand_files_or_documents_are_refused(desk):
    client = client_for(desk.editor)
    archive = _zip({f"{i}.txt": b"Prices rose." for i in range(1001)})
    upload = SimpleUploadedFile("many.zip", archive, content_type="application/zip")
    response = client.post(URL, {"workspace": "desk", "file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        '"many.zip" holds 1,001 files; the limit is 1,000 a batch. Split it into several archives.'
    )
    documents = [{"text": "Prices rose."}] * 1001
    response = client.post(URL, {"workspace": "desk", "documents": documents}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "documents": [
            "The array has 1,001 documents; the limit is 1,000 a batch. "
            "Send the rest in further batches."
        ]
    }
    for documents in ({"text": "x"}, [], "text"):
        response = client.post(URL, {"workspace": "desk", "documents": documents}, format="json")
        assert response.json()["errors"] == {
            "documents": ["Send a non-empty JSON array of documents."]
        }
    response = client.post(URL, {"workspace": "desk"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Send either `documents` (a JSON array) or `file` (a ZIP archive), not both."
    )
    assert not Job.objects.exists()


@pytest.mark.parametrize("role, status", [("annotator", 403), ("reviewer", 403), ("outsider", 404)])
def test_only_editors_of_the_desk_import_batches(desk, role, status):
    documents = [{"text": "Prices rose by 4%."}]
    response = desk.client(role).post(
        URL, {"workspace": "desk", "documents": documents}, format="json"
    )
    assert response.status_code == status
    assert not Job.objects.exists()


def test_an_editor_removed_before_the_job_runs_imports_nothing(desk):
    from annotations import jobs

    response = client_for(desk.editor).post(
        URL, {"workspace": "desk", "documents": [{"text": "Prices rose by 4%."}]}, format="json"
    )
    job = Job.objects.get(pk=response.json()["id"])
    desk.workspace.memberships.filter(user=desk.editor).delete()
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "You are no longer a member of this desk.")
    assert Document.objects.filter(workspace=desk.workspace).count() == 1


def test_a_batch_request_costs_the_same_queries_at_1_document_as_at_40(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(desk.editor)
    client.get("/api/v1/workspaces/")
    counts = []
    for n in (1, 40):
        documents = [{"text": f"Prices rose by {i}%.", "title": f"T{i}"} for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                URL, {"workspace": "desk", "documents": documents}, format="json"
            )
        assert response.status_code == 202
        counts.append(len(queries))
    assert counts[0] == counts[1]
