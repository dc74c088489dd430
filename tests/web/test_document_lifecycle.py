"""The workspace page: editors delete or archive documents; archived ones have their own
list; their page and public report stay."""

import pytest
from django.urls import reverse

from annotations.models import Document, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    workspace = WorkspaceFactory(slug="desk")
    editor = member(workspace, Role.EDITOR)
    annotator = member(workspace, Role.ANNOTATOR)
    worked = DocumentFactory(workspace=workspace, title="Worked speech", text="Taxes rose.")
    claim = ClaimFactory(document=worked, start=0, end=11)
    AnnotationFactory(claim=claim, author=annotator, status="submitted")
    untouched = DocumentFactory(workspace=workspace, title="Fresh speech", text="Jobs fell.")
    return workspace, editor, annotator, worked, untouched


def test_editors_see_delete_for_untouched_and_archive_for_worked_documents(client, desk):
    workspace, editor, _annotator, worked, untouched = desk
    client.force_login(editor)
    page = client.get(reverse("workspace", args=["desk"])).content.decode()
    assert reverse("document_archive", args=[worked.pk]) in page
    assert reverse("document_delete", args=[worked.pk]) not in page
    assert reverse("document_delete", args=[untouched.pk]) in page


def test_annotators_get_no_buttons_and_403(client, desk):
    _workspace, _editor, annotator, worked, untouched = desk
    client.force_login(annotator)
    page = client.get(reverse("workspace", args=["desk"])).content.decode()
    assert reverse("document_archive", args=[worked.pk]) not in page
    response = client.post(reverse("document_delete", args=[untouched.pk]))
    assert response.status_code == 403
    assert "Only editors can delete documents." in response.content.decode()
    assert Document.objects.filter(pk=untouched.pk).exists()


def test_archiving_moves_a_document_to_the_archived_list(client, desk):
    _workspace, editor, annotator, worked, untouched = desk
    client.force_login(editor)
    response = client.post(reverse("document_archive", args=[worked.pk]))
    assert response["Location"] == reverse("workspace", args=["desk"])
    worked_link = f'href="{reverse("document", args=[worked.pk])}"'
    fresh_link = f'href="{reverse("document", args=[untouched.pk])}"'
    for user in (editor, annotator):
        client.force_login(user)
        current = client.get(reverse("workspace", args=["desk"])).content.decode()
        assert worked_link not in current and fresh_link in current
        archived = client.get(reverse("workspace", args=["desk"]) + "?archived=1")
        assert worked_link in archived.content.decode()
        assert fresh_link not in archived.content.decode()
        home = client.get(reverse("home")).content.decode()
        assert worked_link not in home and fresh_link in home
        # Its own page stays.
        assert client.get(reverse("document", args=[worked.pk])).status_code == 200


def test_deleting_a_worked_document_is_refused_with_the_reason(client, desk):
    _workspace, editor, _annotator, worked, _untouched = desk
    client.force_login(editor)
    response = client.post(reverse("document_delete", args=[worked.pk]), follow=True)
    assert "archive it instead" in response.content.decode()
    assert Document.objects.filter(pk=worked.pk).exists()


def test_deleting_an_untouched_document(client, desk):
    _workspace, editor, _annotator, _worked, untouched = desk
    client.force_login(editor)
    response = client.post(reverse("document_delete", args=[untouched.pk]), follow=True)
    assert "Deleted “Fresh speech”." in response.content.decode()
    assert not Document.objects.filter(pk=untouched.pk).exists()


def test_restoring_an_archived_document(client, desk):
    _workspace, editor, _annotator, worked, _untouched = desk
    worked.archive(editor)
    client.force_login(editor)
    response = client.post(reverse("document_unarchive", args=[worked.pk]))
    assert response["Location"] == reverse("workspace", args=["desk"]) + "?archived=1"
    worked.refresh_from_db()
    assert worked.archived_at is None


def test_outsiders_get_404(client, desk):
    _workspace, _editor, _annotator, worked, _untouched = desk
    client.force_login(member(WorkspaceFactory(), Role.EDITOR))
    assert client.post(reverse("document_archive", args=[worked.pk])).status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_the_archived_list_takes_a_fixed_number_of_queries(
    client, desk, n, django_assert_num_queries
):
    workspace, editor, *_ = desk
    for i in range(n):
        DocumentFactory(workspace=workspace, text=f"Archived number {i}.").archive(editor)
    client.force_login(editor)
    url = reverse("workspace", args=["desk"]) + "?archived=1"
    # session, user, workspace, roles, documents with counts, ratings, rating distribution,
    # unread notifications
    with django_assert_num_queries(8):
        client.get(url)
