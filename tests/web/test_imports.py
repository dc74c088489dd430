import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Document, Role
from tests.factories import UserFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    return workspace


def _url(workspace):
    return reverse("document_import", args=[workspace.slug])


def test_only_editors_import(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.REVIEWER))
    assert client.get(_url(workspace)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(_url(workspace)).status_code == 404


def test_preview_shows_claims_and_saves_nothing(client, desk):
    response = client.post(
        _url(desk), {"text": "GDP grew 2% in 2023. We must act.", "preview": "1", "language": "en"}
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.text for c in preview["claims"]] == ["GDP grew 2% in 2023.", "We must act."]
    assert Document.objects.count() == 0


def test_preview_of_a_transcript_names_the_speakers(client, desk):
    text = "ANNA: Rents rose by 20%.\nBEN: They fell.\nANNA: <b>No</b>."
    response = client.post(_url(desk), {"text": text, "preview": "1", "language": "en"})
    page = response.content.decode()
    assert "<strong>ANNA:</strong> Rents rose by 20%." in page
    assert "<strong>BEN:</strong> They fell." in page
    assert "<strong>ANNA:</strong> &lt;b&gt;No&lt;/b&gt;." in page


def test_import_pasted_text_redirects_to_the_document(client, desk):
    response = client.post(
        _url(desk),
        {
            "text": "GDP grew 2% in 2023. We must act.",
            "title": "Speech",
            "speaker": "PM",
            "source_url": "https://example.org/speech",
            "import": "1",
        },
    )
    document = Document.objects.get()
    assert response["Location"] == reverse("document", args=[document.pk])
    assert (document.title, document.speaker, document.claims.count()) == ("Speech", "PM", 2)


def test_uploaded_file_preview_puts_its_text_in_the_form(client, desk):
    upload = SimpleUploadedFile("speech.md", b"# Budget\n\nTaxes rose 5%.\n", "text/markdown")
    response = client.post(_url(desk), {"file": upload, "preview": "1"})
    form = response.context["form"]
    assert form.initial["text"] == "# Budget\n\nTaxes rose 5%."
    assert form.initial["title"] == "Budget"
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"), "image"),
        (SimpleUploadedFile("x.txt", "café".encode("latin-1") * 10, "text/plain"), "UTF-8"),
        (SimpleUploadedFile("x.xyz", b"hello", "application/x-unknown"), "xyz"),
        (SimpleUploadedFile("x.txt", b"   ", "text/plain"), "is empty"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, desk, upload, message):
    response = client.post(_url(desk), {"file": upload, "import": "1"})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert Document.objects.count() == 0


def test_nothing_to_import_says_so(client, desk):
    response = client.post(_url(desk), {"text": "  ", "import": "1"})
    assert response.context["form"].non_field_errors() == [
        "Paste some text or choose a file to import."
    ]


def test_text_with_nothing_to_split_is_refused_at_the_field(client, desk):
    response = client.post(_url(desk), {"text": "----\n\n* ", "import": "1"})
    assert response.status_code == 200
    assert "no sentence, heading or list item" in " ".join(response.context["form"].errors["text"])
    assert Document.objects.count() == 0


def test_javascript_source_url_is_refused_at_the_field(client, desk):
    response = client.post(
        _url(desk), {"text": "GDP grew 2%.", "source_url": "javascript:alert(1)", "import": "1"}
    )
    assert response.context["form"].errors["source_url"]
    assert Document.objects.count() == 0


def test_oversized_upload_is_refused(client, desk, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.txt", b"GDP grew 2%. " * 20, "text/plain")
    response = client.post(_url(desk), {"file": upload, "import": "1"})
    assert "the limit is 100" in " ".join(response.context["form"].errors["file"])


def test_html_in_pasted_text_is_shown_as_text_in_the_preview(client, desk):
    response = client.post(
        _url(desk), {"text": "<script>alert(1)</script> rose 5%.", "preview": "1"}
    )
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_docx_upload_is_imported(client, desk):
    import docx

    document = docx.Document()
    document.add_heading("Programme", level=1)
    document.add_paragraph("Unemployment fell to 5% in 2023.")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile(
        "p.docx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    client.post(_url(desk), {"file": upload, "import": "1"})
    stored = Document.objects.get()
    assert stored.title == "Programme"
    assert list(stored.claims.values_list("kind", flat=True)) == ["heading", "sentence"]


BUDGET = b"# Budget\n\nTaxes rose by 5% in 2023. We must act.\n"


def test_an_upload_over_background_import_bytes_becomes_a_job(
    client, desk, settings, django_capture_on_commit_callbacks
):
    from annotations.models import Job

    settings.BACKGROUND_IMPORT_BYTES = len(BUDGET) - 1
    upload = SimpleUploadedFile("budget.md", BUDGET, "text/markdown")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(desk), {"file": upload, "title": "Budget", "speaker": "PM", "import": "1"}
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job", args=[job.pk])
    assert (job.kind, job.workspace, job.input_name) == ("import", desk, "budget.md")
    assert (job.status, job.message) == ("succeeded", "Imported with 3 claims.")
    document = Document.objects.get()
    assert (job.document, document.title, document.speaker) == (document, "Budget", "PM")
    page = client.get(response["Location"]).content.decode()
    assert "The file is large: it is imported in the background." in page
    assert reverse("document", args=[document.pk]) in page


def test_an_upload_at_background_import_bytes_is_imported_in_the_request(client, desk, settings):
    from annotations.models import Job

    settings.BACKGROUND_IMPORT_BYTES = len(BUDGET)
    upload = SimpleUploadedFile("budget.md", BUDGET, "text/markdown")
    response = client.post(_url(desk), {"file": upload, "import": "1"})
    document = Document.objects.get()
    assert response["Location"] == reverse("document", args=[document.pk])
    assert Job.objects.count() == 0


def test_a_large_upload_has_no_preview_and_says_so_at_the_field(client, desk, settings):
    from annotations.models import Job

    settings.BACKGROUND_IMPORT_BYTES = 10
    upload = SimpleUploadedFile("budget.md", BUDGET, "text/markdown")
    response = client.post(_url(desk), {"file": upload, "preview": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Files over 10 bytes are imported in the background, without a preview: "
        "choose the file again and press Import."
    ]
    assert response.context["preview"] is None
    assert (Job.objects.count(), Document.objects.count()) == (0, 0)
