"""Deleting a document nobody has worked on, archiving one that has work, and what of an
archived document stays visible where."""

import pytest
from django.urls import reverse

from annotations.models import Claim, Document
from tests.api.conftest import client_for
from tests.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db

R = "/api/v1"


def _untouched(desk):
    document = DocumentFactory(workspace=desk.workspace, text="Nobody has read this yet.")
    ClaimFactory(document=document, start=0, end=25)
    return document


def test_an_editor_deletes_a_document_nobody_has_worked_on(desk):
    document = _untouched(desk)
    response = desk.client("editor").delete(f"{R}/documents/{document.pk}/")
    assert response.status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Claim.objects.filter(document_id=document.pk).exists()


def test_a_document_with_work_is_not_deleted_but_can_be_archived(desk):
    client = desk.client("editor")
    response = client.delete(f"{R}/documents/{desk.document.pk}/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "People have worked on this document, so it cannot be deleted; archive it instead "
        "(its verdicts and public report stay)."
    )
    assert Document.objects.filter(pk=desk.document.pk).exists()
    archived = client.post(f"{R}/documents/{desk.document.pk}/archive/")
    assert archived.status_code == 200
    assert archived.json()["archived_at"] is not None


def test_a_draft_alone_counts_as_work(desk):
    document = _untouched(desk)
    from tests.factories import AnnotationFactory

    AnnotationFactory(claim=document.claims.get(), author=desk.annotator)
    response = desk.client("editor").delete(f"{R}/documents/{document.pk}/")
    assert response.status_code == 409


def test_an_archived_document_leaves_the_lists_and_keeps_its_verdicts_and_report(desk, client):
    desk.document.publish_report(desk.editor, slug="the-report")
    editor = desk.client("editor")
    editor.post(f"{R}/documents/{desk.document.pk}/archive/")
    other = DocumentFactory(workspace=desk.workspace, text="Another one.")

    for role in ("annotator", "editor"):
        api = desk.client(role)
        listed = [d["id"] for d in api.get(f"{R}/documents/").json()["results"]]
        assert listed == [other.pk]
        archived = [d["id"] for d in api.get(f"{R}/documents/?archived=true").json()["results"]]
        assert archived == [desk.document.pk]
        current = [d["id"] for d in api.get(f"{R}/documents/?archived=false").json()["results"]]
        assert current == [other.pk]
        # Its page, claims and verdicts stay readable.
        assert api.get(f"{R}/documents/{desk.document.pk}/").json()["archived_at"] is not None
        verdicts = [v["id"] for v in api.get(f"{R}/verdicts/").json()["results"]]
        assert verdicts == [desk.verdict.pk]
        claims = api.get(f"{R}/claims/?document={desk.document.pk}").json()["results"]
        assert len(claims) == 3
    report = client.get(reverse("report", args=["the-report"]))
    assert report.status_code == 200
    assert desk.claim.document.text[:34] in report.content.decode()


def test_unarchiving_brings_it_back(desk):
    editor = desk.client("editor")
    editor.post(f"{R}/documents/{desk.document.pk}/archive/")
    response = editor.post(f"{R}/documents/{desk.document.pk}/unarchive/")
    assert response.status_code == 200
    assert response.json()["archived_at"] is None
    listed = [d["id"] for d in editor.get(f"{R}/documents/").json()["results"]]
    assert listed == [desk.document.pk]


@pytest.mark.parametrize("role", ["annotator", "reviewer"])
def test_only_editors_delete_or_archive(desk, role):
    document = _untouched(desk)
    client = desk.client(role)
    deleted = client.delete(f"{R}/documents/{document.pk}/")
    assert deleted.status_code == 403
    assert deleted.json()["detail"] == "Only editors can delete documents."
    archived = client.post(f"{R}/documents/{desk.document.pk}/archive/")
    assert archived.status_code == 403
    assert archived.json()["detail"] == "Only editors can archive documents."
    desk.document.refresh_from_db()
    assert desk.document.archived_at is None
    assert Document.objects.filter(pk=document.pk).exists()


def test_outsiders_get_404_and_anonymous_401(desk):
    document = _untouched(desk)
    assert desk.client("outsider").delete(f"{R}/documents/{document.pk}/").status_code == 404
    assert desk.client("outsider").post(f"{R}/documents/{document.pk}/archive/").status_code == 404
    assert desk.client("anonymous").delete(f"{R}/documents/{document.pk}/").status_code == 401
    assert Document.objects.filter(pk=document.pk, archived_at__isnull=True).exists()


def test_a_bad_archived_filter_is_a_400(desk):
    response = desk.client("editor").get(f"{R}/documents/?archived=perhaps")
    assert response.status_code == 400
    assert "archived" in response.json()["errors"]


@pytest.mark.parametrize("n", [1, 15])
def test_the_archived_list_takes_a_fixed_number_of_queries(desk, n, django_assert_num_queries):
    for i in range(n):
        DocumentFactory(workspace=desk.workspace, text=f"Archived number {i}.").archive(desk.editor)
    client = client_for(desk.editor)
    # Queries: token with user, memberships, documents with workspace and creator.
    with django_assert_num_queries(3):
        response = client.get(f"{R}/documents/?archived=true")
    assert len(response.json()["results"]) == n
