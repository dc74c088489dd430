import pytest
from django.urls import reverse

from annotations.models import Job, ModerationEvent, Role
from tests.factories import DocumentFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_editor_publishes_then_withdraws_the_public_report(client):
    document = DocumentFactory(title="Budget speech")
    editor = member(document.workspace, Role.EDITOR)
    client.force_login(editor)
    url = reverse("report_publication", args=[document.pk])
    client.post(url, {"action": "publish", "slug": "budget-2026"})
    document.refresh_from_db()
    assert document.report_slug == "budget-2026"
    client.logout()
    public = client.get("/reports/budget-2026/")
    assert public.status_code == 200
    assert "Budget speech" in public.content.decode()
    client.force_login(editor)
    client.post(url, {"action": "withdraw"})
    client.logout()
    assert client.get("/reports/budget-2026/").status_code == 404
    assert list(ModerationEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "publish_report",
        "withdraw_report",
    ]


def test_report_slug_must_be_free(client):
    taken = DocumentFactory()
    taken.report_slug = "taken"
    taken.save()
    document = DocumentFactory()
    client.force_login(member(document.workspace, Role.EDITOR))
    response = client.post(
        reverse("report_publication", args=[document.pk]),
        {"action": "publish", "slug": "taken"},
        follow=True,
    )
    assert "Another report already uses this address." in response.content.decode()
    document.refresh_from_db()
    assert document.report_published_at is None


def test_annotator_cannot_publish_and_outsider_gets_404(client):
    document = DocumentFactory()
    url = reverse("report_publication", args=[document.pk])
    client.force_login(member(document.workspace, Role.ANNOTATOR))
    assert client.post(url, {"action": "publish"}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(url, {"action": "publish"}).status_code == 404
    document.refresh_from_db()
    assert document.report_published_at is None


def test_pdf_download_goes_through_a_job_and_offers_the_file(
    client, django_capture_on_commit_callbacks
):
    document = DocumentFactory(title="Budget speech")
    client.force_login(member(document.workspace, Role.REVIEWER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("document_export", args=[document.pk, "pdf"]))
    job = Job.objects.get()
    assert response["Location"] == reverse("job", args=[job.pk])
    assert (job.status, job.result_content_type) == ("succeeded", "application/pdf")
    page = client.get(response["Location"]).content.decode()
    assert reverse("job_download", args=[job.pk]) in page
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.content.startswith(b"%PDF-")
