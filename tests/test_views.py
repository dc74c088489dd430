import pytest
from django.urls import reverse

from annotations.models import Role
from tests.factories import PASSWORD, ClaimFactory, DocumentFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_home_redirects_anonymous_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_login_with_password_then_home_lists_workspaces_and_documents(client):
    document = DocumentFactory(title="Budget speech")
    user = member(document.workspace, Role.EDITOR)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert document.workspace.name in page
    assert "Budget speech" in page


def test_login_with_wrong_password_says_so(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_home_query_count_does_not_grow_with_documents(client, django_assert_num_queries):
    document = DocumentFactory()
    user = member(document.workspace)
    client.force_login(user)
    for _ in range(20):
        DocumentFactory(workspace=document.workspace)
    # session, user, memberships (roles), workspaces, documents with claim counts,
    # unread notifications
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    assert response.content.decode().count('href="/documents/') == 21


def test_home_shows_no_foreign_workspaces(client):
    mine = DocumentFactory(title="Mine")
    DocumentFactory(title="Theirs")
    client.force_login(member(mine.workspace))
    page = client.get(reverse("home")).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page


def test_non_member_gets_404_for_workspace_and_document(client):
    document = DocumentFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("workspace", args=[document.workspace.slug])).status_code == 404
    assert client.get(reverse("document", args=[document.pk])).status_code == 404


def test_member_reads_document_with_its_claims(client):
    claim = ClaimFactory()
    client.force_login(member(claim.document.workspace))
    response = client.get(reverse("document", args=[claim.document.pk]))
    assert response.status_code == 200
    assert claim.text in response.content.decode()


def test_document_text_with_script_shows_as_text(client):
    document = DocumentFactory(title="<script>alert(1)</script>", text="<b>bold</b> claim.")
    client.force_login(member(document.workspace))
    page = client.get(reverse("document", args=[document.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
