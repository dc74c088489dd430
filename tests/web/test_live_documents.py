"""Live documents in the pages: starting one from the import page, appending a chunk and
closing it from the document page, and a desk's ingest tokens in its settings."""

import pytest
from django.test import Client

from annotations.models import Claim, IngestToken, Role
from annotations.services.live import append_chunk, start_live_document
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db

CHUNK = "MODERATOR: Good evening. Senator, taxes rose by 3% last year."


@pytest.fixture
def desk():
    workspace = WorkspaceFactory(slug="desk")
    return workspace, member(workspace, Role.EDITOR, username="erin")


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def live(desk):
    workspace, editor = desk
    return start_live_document(workspace, title="Debate", created_by=editor)


def test_an_editor_starts_a_live_document_from_the_import_page(desk):
    workspace, editor = desk
    client = _as(editor)
    page = client.get("/w/desk/import/")
    assert b"Start a live document" in page.content
    response = client.post(
        "/w/desk/live/", {"title": "Debate, 7 December", "language": "en", "text": ""}
    )
    document = workspace.documents.get()
    assert (response.status_code, response["Location"]) == (302, f"/documents/{document.pk}/")
    assert (document.title, document.live, document.text) == ("Debate, 7 December", True, "")
    shown = client.get(f"/documents/{document.pk}/")
    assert b"Transcript still arriving" in shown.content
    assert b'name="sequence" value="1"' in shown.content


def test_a_live_document_without_a_title_is_400(desk):
    _, editor = desk
    response = _as(editor).post("/w/desk/live/", {"title": "", "language": "en"})
    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_an_editor_appends_a_chunk_and_a_form_sent_twice_appends_once(desk, live):
    _, editor = desk
    client = _as(editor)
    for _ in range(2):
        response = client.post(
            f"/documents/{live.pk}/append/", {"sequence": 1, "text": CHUNK}, follow=True
        )
        assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Chunk 1 was appended before: 1 new claim."
    ]
    assert list(Claim.objects.filter(document=live).values_list("text", flat=True)) == [
        "Good evening."
    ]
    assert "Senator, taxes rose by 3% last year." in response.content.decode()
    assert b'name="sequence" value="2"' in response.content


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"sequence": 1, "text": "   "}, 400, "The chunk is empty: send the transcript&#x27;s"),
        ({"sequence": 1, "text": "A\x00B"}, 400, "Null characters are not allowed."),
        (
            {"sequence": 1, "text": "<script>alert(1)</script>"},
            400,
            "The chunk contains HTML markup (&lt;script&gt;). A transcript chunk is plain "
            "text: send the spoken words only.",
        ),
        (
            {"sequence": 2, "text": "Taxes rose."},
            409,
            "Chunk 2 is out of order: the document has chunks up to 0, so the next one is 1. "
            "Send the missing chunks first.",
        ),
        ({"text": "Taxes rose."}, 400, "(Hidden field sequence) This field is required."),
    ],
)
def test_a_refused_chunk_is_shown_again_with_the_reason(desk, live, data, status, message):
    _, editor = desk
    response = _as(editor).post(f"/documents/{live.pk}/append/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    live.refresh_from_db()
    assert live.text == ""
    if "Taxes" in data["text"]:
        assert "Taxes rose.</textarea>" in response.content.decode()  # nothing lost


@pytest.mark.parametrize(("role", "status"), [(Role.ANNOTATOR, 403), (Role.REVIEWER, 403)])
def test_only_editors_append_and_close_from_the_page(desk, live, role, status):
    workspace, _ = desk
    client = _as(member(workspace, role))
    appended = client.post(f"/documents/{live.pk}/append/", {"sequence": 1, "text": CHUNK})
    closed = client.post(f"/documents/{live.pk}/close/")
    assert (appended.status_code, closed.status_code) == (status, status)
    page = client.get(f"/documents/{live.pk}/")
    assert b"Transcript still arriving" in page.content
    assert b"document_append" not in page.content and b"/append/" not in page.content
    live.refresh_from_db()
    assert (live.text, live.live) == ("", True)


def test_a_non_member_gets_404(desk, live):
    stranger = member(WorkspaceFactory(), Role.EDITOR)
    client = _as(stranger)
    response = client.post(f"/documents/{live.pk}/append/", {"sequence": 1, "text": CHUNK})
    assert response.status_code == 404
    assert client.post(f"/documents/{live.pk}/close/").status_code == 404


def test_closing_from_the_page_stores_the_held_sentence_and_freezes_the_text(desk, live):
    _, editor = desk
    append_chunk(live, CHUNK, sequence=1, by=editor)
    client = _as(editor)
    response = client.post(f"/documents/{live.pk}/close/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The live document is closed: its text will not change any more."
    ]
    assert b"Transcript still arriving" not in response.content
    assert b"A live transcript, closed" in response.content
    assert Claim.objects.filter(document=live).count() == 2
    refused = client.post(f"/documents/{live.pk}/append/", {"sequence": 2, "text": "More."})
    assert refused.status_code == 409
    assert "This live document was closed: its text can no longer change." in (
        refused.content.decode()
    )


def test_editors_make_and_revoke_ingest_tokens_in_the_settings(desk):
    workspace, editor = desk
    client = _as(editor)
    made = client.post("/w/desk/settings/", {"form": "ingest_add", "name": "Transcriber"})
    assert made.status_code == 200
    token = IngestToken.objects.get()
    key = made.context["new_ingest"]["key"]
    assert key.startswith("fci_") and IngestToken.authenticate(key) == token
    assert key in made.content.decode()
    again = client.get("/w/desk/settings/")
    assert key not in again.content.decode() and token.hint in again.content.decode()
    twice = client.post("/w/desk/settings/", {"form": "ingest_add", "name": "Transcriber"})
    assert twice.status_code == 400
    assert "The desk has a token with this name." in twice.content.decode()
    unnamed = client.post("/w/desk/settings/", {"form": "ingest_add", "name": " "})
    assert (unnamed.status_code, unnamed.context["ingest_error"]) == (
        400,
        "Give the token a name.",
    )
    revoked = client.post("/w/desk/settings/", {"form": "ingest_revoke", "token": token.pk})
    assert revoked.status_code == 302
    assert not IngestToken.objects.exists()
    bad = client.post("/w/desk/settings/", {"form": "ingest_revoke", "token": "x"})
    assert bad.status_code == 400
