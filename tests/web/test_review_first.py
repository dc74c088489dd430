"""The panel puts first what the viewer came for: work to review for a reviewer, the
requested changes for their author."""

import pytest
from django.urls import reverse

from annotations.models import Role
from tests.factories import AnnotationFactory, member
from tests.web.workbench import _speech

pytestmark = pytest.mark.django_db


def _panel(client, user, claim):
    client.force_login(user)
    return client.get(reverse("claim_panel", args=[claim.pk])).content.decode()


def _claim_with(status):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    author = member(document.workspace)
    annotation = AnnotationFactory(claim=claim, author=author, summary="It rose.", status=status)
    return claim, annotation


def test_reviewer_sees_work_under_review_above_their_own_form(client):
    claim, _ = _claim_with("submitted")
    page = _panel(client, member(claim.document.workspace, Role.REVIEWER), claim)
    assert page.index('id="others-h"') < page.index('id="mine-h"')
    assert page.count('id="others-h"') == 1


@pytest.mark.parametrize("status", ["draft", "approved", "changes_requested"])
def test_reviewer_sees_their_own_form_first_when_nothing_awaits_review(client, status):
    claim, _ = _claim_with(status)
    page = _panel(client, member(claim.document.workspace, Role.REVIEWER), claim)
    assert page.index('id="mine-h"') < page.index('id="others-h"')


def test_author_sees_the_requested_changes_above_the_form(client):
    claim, annotation = _claim_with("submitted")
    reviewer = member(claim.document.workspace, Role.REVIEWER)
    annotation.request_changes(reviewer, "Name the <b>quarter</b>.")
    page = _panel(client, annotation.author, claim)
    note = page.index(f"Changes requested by {reviewer.username}")
    assert page.index('id="mine-h"') < note < page.index('id="annotation-form"')
    assert "<p>Name the &lt;b&gt;quarter&lt;/b&gt;.</p>" in page


def test_the_latest_request_is_shown_after_a_second_round(client):
    claim, annotation = _claim_with("submitted")
    reviewer = member(claim.document.workspace, Role.REVIEWER)
    annotation.request_changes(reviewer, "First round.")
    annotation.submit(annotation.author)
    annotation.request_changes(reviewer, "Second round.")
    page = _panel(client, annotation.author, claim)
    block = page[page.index('class="requested-changes"') : page.index('id="annotation-form"')]
    assert "Second round." in block and "First round." not in block


def test_no_request_block_once_resubmitted(client):
    claim, annotation = _claim_with("submitted")
    annotation.request_changes(member(claim.document.workspace, Role.REVIEWER), "Fix it.")
    annotation.submit(annotation.author)
    assert 'class="requested-changes"' not in _panel(client, annotation.author, claim)
