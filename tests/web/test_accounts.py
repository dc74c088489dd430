import re

import pytest
from django.core import mail
from django.urls import reverse

from annotations.models import Membership, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = member(WorkspaceFactory(), Role.ANNOTATOR, email="ann@example.org")
    response = client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    new = "a brand new passphrase 42"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_notifications_are_emailed_to_members_who_want_them(django_capture_on_commit_callbacks):
    workspace = WorkspaceFactory()
    author = member(workspace, email="author@example.org")
    quiet = member(workspace, Role.REVIEWER, email="quiet@example.org")
    keen = member(workspace, Role.EDITOR, email="keen@example.org")
    Membership.objects.filter(user=keen).update(email_notifications=True)
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace)), author=author
    )
    with django_capture_on_commit_callbacks(execute=True):
        annotation.submit(author)
    assert [m.to for m in mail.outbox] == [["keen@example.org"]]
    assert mail.outbox[0].subject.startswith("Review requested: ")
    assert quiet.notifications.count() == 1


def test_preferences_page_turns_email_on_per_desk(client):
    workspace = WorkspaceFactory()
    user = member(workspace, email="u@example.org")
    client.force_login(user)
    membership = user.memberships.get()
    client.post(reverse("preferences"), {"email": [membership.pk]})
    membership.refresh_from_db()
    assert membership.email_notifications is True
    client.post(reverse("preferences"), {})
    membership.refresh_from_db()
    assert membership.email_notifications is False
