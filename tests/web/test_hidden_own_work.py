"""An annotation an editor hid, as its author meets it. DESIGN.md: "hidden items vanish
for everyone but editors", its author included. The author is told by a notification,
and their panel says their annotation there was hidden (who, when, the editor's note),
showing none of it and no form; every write is refused with a short message in the
panel, never an error page."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import HIDDEN_BY_EDITOR, Annotation, Notification, Role
from tests.factories import AnnotationFactory, ClaimFactory, CommentFactory, member, rating

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def hidden():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    bob = member(workspace, Role.REVIEWER, username="bob")
    erin = member(workspace, Role.EDITOR, username="erin")
    annotation = AnnotationFactory(
        claim=claim,
        author=bob,
        status=Annotation.Status.SUBMITTED,
        rating=rating(workspace, "False"),
        summary="Bob's own summary.",
    )
    annotation.hide(erin, "Copied from another site without credit.")
    annotation.refresh_from_db()
    client = Client()
    client.force_login(bob)
    return {"claim": claim, "bob": bob, "erin": erin, "annotation": annotation, "client": client}


def test_author_is_notified_when_their_annotation_is_hidden_and_shown_again(hidden):
    notices = Notification.objects.filter(recipient=hidden["bob"])
    assert list(notices.values_list("kind", "actor__username", "annotation_id")) == [
        ("hidden", "erin", hidden["annotation"].pk)
    ]
    page = hidden["client"].get(reverse("notifications")).content.decode()
    assert "Your annotation was hidden" in page
    hidden["annotation"].unhide(hidden["erin"], "Credit added.")
    assert list(notices.order_by("id").values_list("kind", flat=True)) == ["hidden", "unhidden"]


def test_author_is_told_their_annotation_was_hidden_and_sees_none_of_it(hidden):
    CommentFactory(annotation=hidden["annotation"], author=hidden["erin"], body="Erin's remark.")
    response = hidden["client"].get(reverse("claim_panel", args=[hidden["claim"].pk]), **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-hidden-annotation="{hidden["annotation"].pk}"' in page
    assert "Hidden by an editor." in page
    assert "erin hid it on" in page
    assert "“Copied from another site without credit.”" in page
    assert "contact an editor of this workspace" in page
    # None of the hidden work: not its summary, rating, status or comments.
    assert "Bob&#x27;s own summary." not in page
    assert '<span class="badge">False</span>' not in page
    assert "status-submitted" not in page
    assert "Erin&#x27;s remark." not in page
    # Read-only: no annotation form, no comment form on it.
    assert 'id="annotation-form"' not in page
    assert f'action="/annotations/{hidden["annotation"].pk}/comments/"' not in page


def test_an_editors_own_hidden_annotation_stays_visible_to_them_read_only(hidden):
    annotation = AnnotationFactory(
        claim=hidden["claim"], author=hidden["erin"], summary="Erin's own summary."
    )
    annotation.hide(hidden["erin"], "Duplicate.")
    client = Client()
    client.force_login(hidden["erin"])
    page = client.get(reverse("claim_panel", args=[hidden["claim"].pk]), **HTMX)
    page = page.content.decode()
    assert f'data-hidden-annotation="{annotation.pk}"' in page
    assert "Erin&#x27;s own summary." in page
    assert 'id="annotation-form"' not in page


def test_saving_a_hidden_annotation_answers_in_the_panel_and_changes_nothing(hidden):
    annotation = hidden["annotation"]
    new_rating = rating(hidden["claim"].document.workspace, "True")
    response = hidden["client"].post(
        reverse("claim_annotation", args=[hidden["claim"].pk]),
        # The version the panel held before the hiding (which made a new one).
        {"rating": new_rating.pk, "summary": "Changed.", "version": annotation.version - 1},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "<html" not in page
    assert page.lstrip().startswith('<div class="panel-body"')
    assert HIDDEN_BY_EDITOR.replace("'", "&#x27;") in page
    annotation.refresh_from_db()
    assert (annotation.summary, annotation.rating.label, annotation.version) == (
        "Bob's own summary.",
        "False",
        2,
    )


@pytest.mark.parametrize("action", ["submit", "delete"])
def test_submitting_or_deleting_a_hidden_annotation_is_refused_in_place(hidden, action):
    response = hidden["client"].post(
        reverse("claim_annotation", args=[hidden["claim"].pk]),
        {"action": action, "summary": "x", "rating": hidden["annotation"].rating_id},
        **HTMX,
    )
    assert response.status_code == 403
    assert Annotation.objects.filter(pk=hidden["annotation"].pk, hidden=True).exists()


def test_adding_a_source_or_comment_to_a_hidden_annotation_is_refused_in_place(hidden):
    client, annotation = hidden["client"], hidden["annotation"]
    response = client.post(
        reverse("source_add", args=[hidden["claim"].pk]),
        {"new-url": "https://example.org/a", "new-stance": "context"},
        **HTMX,
    )
    assert response.status_code == 403
    assert HIDDEN_BY_EDITOR.replace("'", "&#x27;") in response.content.decode()
    assert annotation.sources.count() == 0
    # The annotation itself vanished for its author: commenting on it finds nothing.
    response = client.post(
        reverse("annotation_comment", args=[annotation.pk]), {"body": "Why?"}, **HTMX
    )
    assert response.status_code == 404
    assert annotation.comments.count() == 0


def test_without_htmx_the_refusal_comes_back_as_a_message_on_the_document(hidden):
    response = hidden["client"].post(
        reverse("claim_annotation", args=[hidden["claim"].pk]),
        {"summary": "x", "rating": hidden["annotation"].rating_id},
    )
    assert response.status_code == 302
    page = hidden["client"].get(response["Location"]).content.decode()
    assert HIDDEN_BY_EDITOR.replace("'", "&#x27;") in page


def test_colleagues_still_do_not_see_the_hidden_annotation(hidden):
    colleague = member(hidden["claim"].document.workspace, Role.ANNOTATOR)
    client = Client()
    client.force_login(colleague)
    page = client.get(reverse("claim_panel", args=[hidden["claim"].pk]), **HTMX)
    assert "Bob&#x27;s own summary." not in page.content.decode()
    assert not Notification.objects.filter(recipient=colleague).exists()
