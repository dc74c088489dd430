"""Live documents through the API: starting one, appending chunks (retries, gaps, bad
input), closing, and who may: editors, and a desk's ingest token for its own desk only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotations.models import Claim, Document, IngestToken
from annotations.services.live import start_live_document

pytestmark = pytest.mark.django_db

R = "/api/v1"
CHUNK = "MODERATOR: Good evening. Senator, taxes rose by 3% last year."


def _live(desk):
    return start_live_document(desk.workspace, title="Debate", created_by=desk.editor)


def _ingest_client(workspace, editor) -> APIClient:
    _, key = IngestToken.issue(workspace, "Transcriber", editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_an_editor_starts_a_live_document_with_a_first_text(desk):
    response = desk.client("editor").post(
        f"{R}/documents/",
        {"workspace": "desk", "title": "Debate", "live": True, "text": CHUNK + " "},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["live"], body["claims"], body["created"], body["closed_at"]) == (
        True,
        2,
        True,
        None,
    )
    document = Document.objects.get(pk=body["id"])
    assert document.chunks.get().sequence == 0
    assert document.text_sha256.startswith("live:")


def test_a_live_document_needs_a_title_and_takes_no_file(desk):
    client = desk.client("editor")
    untitled = client.post(f"{R}/documents/", {"workspace": "desk", "live": True}, format="json")
    assert untitled.status_code == 400
    assert untitled.json()["detail"] == "title: A live document needs a title."
    with_file = client.post(
        f"{R}/documents/",
        {
            "workspace": "desk",
            "live": "true",
            "title": "Debate",
            "file": SimpleUploadedFile("a.txt", b"Hello."),
        },
        format="multipart",
    )
    assert with_file.status_code == 400
    assert with_file.json()["detail"] == (
        "file: A live document starts from text (or none), not from a file."
    )


def test_an_append_answers_with_the_new_claims_and_a_retry_answers_the_same(desk):
    document = _live(desk)
    client = desk.client("editor")
    url = f"{R}/documents/{document.pk}/append/"
    first = client.post(url, {"sequence": 1, "text": CHUNK}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert [(c["number"], c["text"], c["speaker"]) for c in body["claims"]] == [
        (1, "Good evening.", "MODERATOR")
    ]
    assert (body["sequence"], body["start"], body["end"], body["held"], body["live"]) == (
        1,
        0,
        len(CHUNK),
        25,
        True,
    )
    again = client.post(url, {"sequence": 1, "text": CHUNK}, format="json")
    assert (again.status_code, again.json(), again["Chunk-Replayed"]) == (201, body, "true")
    assert Claim.objects.filter(document=document).count() == 1


def test_a_gap_and_other_text_under_a_used_number_are_409(desk):
    document = _live(desk)
    client = desk.client("editor")
    url = f"{R}/documents/{document.pk}/append/"
    client.post(url, {"sequence": 1, "text": CHUNK}, format="json")
    gap = client.post(url, {"sequence": 3, "text": "More."}, format="json")
    assert (gap.status_code, gap.json()["code"]) == (409, "conflict")
    assert gap.json()["detail"] == (
        "Chunk 3 is out of order: the document has chunks up to 1, so the next one is 2. "
        "Send the missing chunks first."
    )
    other = client.post(url, {"sequence": 1, "text": "Else."}, format="json")
    assert other.status_code == 409
    assert other.json()["detail"] == (
        "Chunk 1 was appended already with other text; the next chunk is 2."
    )


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"text": "Hello."}, 400, "sequence: This field is required."),
        (
            {"sequence": 0, "text": "Hello."},
            400,
            "sequence: Ensure this value is greater than or equal to 1.",
        ),
        ({"sequence": "x", "text": "Hello."}, 400, "sequence: A valid integer is required."),
        ({"sequence": 1}, 400, "Send either the text or a file, not both."),
        ({"sequence": 1, "text": ""}, 400, "text: This field may not be blank."),
        (
            {"sequence": 1, "text": "A\x00B"},
            400,
            "text: Null characters are not allowed.",
        ),
        (
            {"sequence": 1, "text": "<script>alert(1)</script>"},
            400,
            "The chunk contains HTML markup (<script>). A transcript chunk is plain text: "
            "send the spoken words only.",
        ),
    ],
)  # fmt: skip
def test_bad_chunks_are_400_and_nothing_is_appended(desk, body, status, detail):
    document = _live(desk)
    response = desk.client("editor").post(
        f"{R}/documents/{document.pk}/append/", body, format="json"
    )
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    document.refresh_from_db()
    assert (document.text, document.last_sequence) == ("", 0)


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
            "The chunk is a PNG image, not a text document.",
        ),
        (
            b"Taxes rose by 3% last year, said the \x00 senator.",
            "The chunk contains NUL bytes, so it is binary data, not text.",
        ),
        (
            "Le président a dit: les impôts ont baissé.".encode("latin-1"),
            "The chunk is not UTF-8 text (byte 5 cannot be read; it may be in an older "
            "encoding such as Windows-1252). Save it as UTF-8 and upload it again.",
        ),
    ],
)
def test_a_chunk_file_must_be_utf8_text(desk, data, detail):
    document = _live(desk)
    response = desk.client("editor").post(
        f"{R}/documents/{document.pk}/append/",
        {"sequence": "1", "file": SimpleUploadedFile("chunk.txt", data)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert response.json()["errors"] == {"file": [response.json()["detail"]]}


def test_a_huge_chunk_is_400(desk, settings):
    settings.MAX_CHUNK_CHARS = 50
    document = _live(desk)
    response = desk.client("editor").post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": "x" * 51}, format="json"
    )
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "The chunk has 51 characters; the limit is 50. Send it as several chunks.",
    )


def test_closing_makes_appends_409(desk):
    document = _live(desk)
    client = desk.client("editor")
    client.post(f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": CHUNK})
    closed = client.post(f"{R}/documents/{document.pk}/close/")
    assert closed.status_code == 200
    assert [c["text"] for c in closed.json()["claims"]] == ["Senator, taxes rose by 3% last year."]
    assert closed.json()["live"] is False
    refused = client.post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 2, "text": "More."}, format="json"
    )
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "This live document was closed: its text can no longer change.",
    )
    assert client.post(f"{R}/documents/{document.pk}/close/").json() == {
        "document": document.pk,
        "live": False,
        "claims": [],
    }


def test_appending_to_an_imported_document_is_409(desk):
    response = desk.client("editor").post(
        f"{R}/documents/{desk.document.pk}/append/", {"sequence": 1, "text": "More."}
    )
    assert (response.status_code, response.json()["detail"]) == (
        409,
        "This document is not live: only live documents take chunks.",
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("annotator", 403), ("reviewer", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_only_editors_append_and_close(desk, role, status):
    document = _live(desk)
    client = desk.client(role)
    appended = client.post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": CHUNK}, format="json"
    )
    closed = client.post(f"{R}/documents/{document.pk}/close/")
    assert (appended.status_code, closed.status_code) == (status, status)
    if status == 403:
        assert appended.json()["detail"] == (
            "Only editors, and the desk's ingest tokens, can append to live documents."
        )
    document.refresh_from_db()
    assert (document.text, document.live) == ("", True)


def test_an_ingest_token_appends_and_closes_its_desks_documents_only(desk):
    document = _live(desk)
    client = _ingest_client(desk.workspace, desk.editor)
    appended = client.post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": CHUNK}, format="json"
    )
    assert appended.status_code == 201
    assert document.chunks.get().sent_by_token == "Transcriber"
    elsewhere = start_live_document(desk.other_workspace, title="Other", created_by=desk.outsider)
    foreign = client.post(
        f"{R}/documents/{elsewhere.pk}/append/", {"sequence": 1, "text": CHUNK}, format="json"
    )
    assert foreign.status_code == 404
    # Nothing else: not even reading the document it appends to.
    assert client.get(f"{R}/documents/{document.pk}/").status_code == 404
    assert client.get(f"{R}/documents/").json()["results"] == []
    assert client.post(f"{R}/documents/{document.pk}/close/").status_code == 200


def test_a_revoked_or_wrong_ingest_token_is_401(desk):
    document = _live(desk)
    token, key = IngestToken.issue(desk.workspace, "Transcriber", desk.editor)
    token.delete()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": CHUNK}, format="json"
    )
    assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")


def test_editors_manage_ingest_tokens_and_see_the_key_once(desk):
    client = desk.client("editor")
    url = f"{R}/workspaces/desk/ingest-tokens/"
    created = client.post(url, {"name": "Transcriber"}, format="json")
    assert created.status_code == 201
    key = created.json()["token"]
    assert key.startswith("fci_") and created["Cache-Control"] == "no-store"
    token = IngestToken.objects.get()
    assert token.digest != key and key not in token.digest
    listed = client.get(url).json()
    assert listed == [
        {
            "id": token.pk,
            "name": "Transcriber",
            "hint": key[:8],
            "created_by": "eddie",
            "created_at": listed[0]["created_at"],
            "last_used_at": None,
        }
    ]
    twice = client.post(url, {"name": "Transcriber"}, format="json")
    assert (twice.status_code, twice.json()["detail"]) == (
        400,
        "The desk has a token with this name.",
    )
    assert client.delete(f"{url}{token.pk}/").status_code == 204
    assert not IngestToken.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("annotator", 403), ("outsider", 404)])
def test_only_editors_see_ingest_tokens(desk, role, status):
    IngestToken.issue(desk.workspace, "Transcriber", desk.editor)
    client = desk.client(role)
    assert client.get(f"{R}/workspaces/desk/ingest-tokens/").status_code == status
    made = client.post(f"{R}/workspaces/desk/ingest-tokens/", {"name": "Mine"}, format="json")
    assert made.status_code == status
    assert IngestToken.objects.count() == 1


def _sentences(n, offset=0):
    return " ".join(
        f"Exports to country {offset + i} rose by {i + 3}% in {2000 + i}." for i in range(n)
    )


def test_an_append_takes_a_fixed_number_of_queries_however_long_the_chunk_and_document(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = _live(desk)
    client = desk.client("editor")
    url = f"{R}/documents/{document.pk}/append/"
    counts = []
    for sequence, n in ((1, 3), (2, 30), (3, 60)):
        chunk = "SMITH: " + _sentences(n, offset=sequence * 100) + " \n"
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"sequence": sequence, "text": chunk}, format="json")
        assert (response.status_code, len(response.json()["claims"])) == (201, n)
        counts.append(len(queries))
    # Per append, however many claims: the token with its user, the document, the
    # roles; a savepoint; the document locked; the claims already made of held words;
    # the claims' ids and numbers; their rows (PostgreSQL: a temporary table filled by
    # COPY, one INSERT … SELECT, DROP; SQLite: one INSERT) and match keys (one COPY, or
    # one INSERT, uncounted on PostgreSQL); the document's text and state; the published
    # verdicts' count and newest (and, at the first append, the verdicts themselves: then
    # they are kept in the process), the new claims and their terms' frequencies
    # (matching); the frequencies of their terms among the desk's reference fact-checks,
    # which say there are none; the events in one INSERT; the chunk; the release.
    expected = 19 if connection.vendor == "postgresql" else 18
    assert counts == [expected + 1, expected, expected]


def test_a_superuser_revokes_an_ingest_token_in_the_admin(desk):
    from django.test import Client

    from tests.factories import UserFactory

    document = _live(desk)
    token, key = IngestToken.issue(desk.workspace, "Transcriber", desk.editor)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = admin.get("/admin/annotations/ingesttoken/").content.decode()
    assert "Transcriber" in listing and token.hint in listing and key not in listing
    response = admin.post(f"/admin/annotations/ingesttoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    service = APIClient()
    service.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = service.post(
        f"{R}/documents/{document.pk}/append/", {"sequence": 1, "text": CHUNK}, format="json"
    )
    assert refused.status_code == 401


def test_other_staff_see_no_ingest_tokens_in_the_admin(desk):
    from django.contrib.auth.models import Permission
    from django.test import Client

    from tests.factories import UserFactory

    IngestToken.issue(desk.workspace, "Transcriber", desk.editor)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_ingesttoken"))
    client = Client()
    client.force_login(staff)
    listing = client.get("/admin/annotations/ingesttoken/").content.decode()
    assert "Transcriber" not in listing
    assert "0 ingest tokens" in listing
