"""Approved work is changed only on purpose: the panel shows it read-only with "Revise",
and the server refuses an edit of approved work that does not carry the revise flag."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Role
from tests.factories import AnnotationFactory, SourceFactory, VerdictFactory, member, rating
from tests.web.workbench import _speech

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REFUSAL = "This annotation is approved. Choose “Revise” first: revising sends it back to review."


def _approved(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    author = member(document.workspace)
    annotation = AnnotationFactory(
        claim=claim, author=author, status="approved", summary="It rose.", version=3
    )
    client.force_login(author)
    return annotation


def _save(client, annotation, **extra):
    data = {
        "action": "save",
        "version": annotation.version,
        "rating": rating(annotation.claim.document.workspace, "True").pk,
        "summary": "It fell.",
        "note": "",
        **extra,
    }
    return client.post(reverse("claim_annotation", args=[annotation.claim_id]), data, **HTMX)


def test_approved_annotation_shows_read_only_with_a_revise_button(client):
    annotation = _approved(client)
    VerdictFactory(claim=annotation.claim, rating=annotation.rating)
    page = client.get(reverse("claim_panel", args=[annotation.claim_id])).content.decode()
    assert '<fieldset class="revise-lock" disabled>' in page
    assert "Revise…</button>" in page
    assert "The published verdict stays public as it is until an editor publishes" in page


def test_revise_warning_speaks_of_a_verdict_only_when_one_is_published(client):
    annotation = _approved(client)
    page = client.get(reverse("claim_panel", args=[annotation.claim_id])).content.decode()
    assert "Revising sends your annotation back to review" in page
    assert "published verdict stays public" not in page


def test_saving_approved_work_without_the_revise_flag_is_refused_with_409(client):
    annotation = _approved(client)
    response = _save(client, annotation)
    assert response.status_code == 409
    assert REFUSAL in response.content.decode()
    annotation.refresh_from_db()
    stored = (annotation.status, annotation.summary, annotation.version)
    assert stored == ("approved", "It rose.", 3)


def test_saving_approved_work_with_the_revise_flag_sends_it_back_to_review(client):
    annotation = _approved(client)
    response = _save(client, annotation, revise="1")
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.status, annotation.summary, annotation.version) == (
        Annotation.Status.SUBMITTED,
        "It fell.",
        4,
    )
    assert 'revise-lock" disabled' not in response.content.decode()


def test_a_revise_flag_with_another_value_does_not_count(client):
    annotation = _approved(client)
    assert _save(client, annotation, revise="yes").status_code == 409


def test_revising_form_with_a_bad_field_stays_unlocked(client):
    annotation = _approved(client)
    response = _save(client, annotation, revise="1", rating="999999")
    assert response.status_code == 400
    page = response.content.decode()
    assert '<input type="hidden" name="revise" value="1">' in page
    assert '<fieldset class="revise-lock">' in page


def test_sources_of_approved_work_change_only_when_revising(client):
    annotation = _approved(client)
    source = SourceFactory(annotation=annotation)
    add = reverse("source_add", args=[annotation.claim_id])
    edit = reverse("source_edit", args=[source.pk])
    new = {"new-url": "https://example.org/a", "new-title": "A", "new-stance": "supports"}
    assert client.post(add, new, **HTMX).status_code == 409
    assert client.post(edit, {"action": "remove"}, **HTMX).status_code == 409
    assert annotation.sources.count() == 1
    response = client.post(edit, {"action": "remove", "revise": "1"}, **HTMX)
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert (annotation.sources.count(), annotation.status) == (0, "submitted")


def test_a_colleague_gets_no_revise_answer_on_someone_elses_source(client):
    annotation = _approved(client)
    source = SourceFactory(annotation=annotation)
    client.force_login(member(annotation.claim.document.workspace, Role.REVIEWER))
    response = client.post(reverse("source_edit", args=[source.pk]), {"action": "remove"}, **HTMX)
    assert response.status_code == 403
    assert annotation.sources.count() == 1
