"""Annotations and sources: the rules the database keeps, and history."""

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Annotation, Rating
from tests.factories import (
    AnnotationFactory,
    SourceFactory,
    WorkspaceFactory,
)
from tests.models import violates

pytestmark = pytest.mark.django_db


def test_one_annotation_per_claim_and_author():
    annotation = AnnotationFactory()
    with violates("one_annotation_per_author|UNIQUE constraint failed"):
        AnnotationFactory(claim=annotation.claim, author=annotation.author)


def test_submitted_annotation_needs_a_rating():
    with violates("annotation_rated_unless_draft"):
        AnnotationFactory(rating=None, status=Annotation.Status.SUBMITTED)


def test_draft_annotation_may_have_no_rating():
    assert AnnotationFactory(rating=None).status == "draft"


def test_annotation_status_must_be_known():
    with violates("annotation_status_valid"):
        AnnotationFactory(status="published")


def test_rating_from_another_workspace_is_refused_by_clean():
    annotation = AnnotationFactory()
    annotation.rating = Rating.objects.filter(scale__workspace=WorkspaceFactory()).first()
    with pytest.raises(ValidationError, match="another workspace"):
        annotation.full_clean()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "data:text/html,x"])
def test_source_url_must_be_http(url):
    with violates("source_url_http"):
        SourceFactory(url=url)


def test_source_archive_url_must_be_http():
    with violates("source_archive_url_http"):
        SourceFactory(archive_url="javascript:alert(1)")


def test_source_url_validator_names_the_problem():
    source = SourceFactory.build(annotation=AnnotationFactory(), url="javascript:alert(1)")
    with pytest.raises(ValidationError) as excinfo:
        source.full_clean()
    assert "Only http:// and https:// links are allowed." in excinfo.value.message_dict["url"]


def test_history_records_annotation_edits():
    annotation = AnnotationFactory(summary="first")
    annotation.summary = "second"
    annotation.save()
    assert [h.summary for h in annotation.history.order_by("history_date")] == ["first", "second"]
