import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import Annotation, Document, Flag, Rating, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def violates(name):
    """The constraint's name appears in the database's error (SQLite and PostgreSQL)."""
    return pytest.raises(IntegrityError, match=name)


def test_new_workspace_gets_the_default_scale():
    workspace = WorkspaceFactory()
    ratings = list(
        Rating.objects.filter(scale__workspace=workspace).values_list("label", "ordinal")
    )
    assert ratings == [
        ("True", True),
        ("Mostly true", True),
        ("Half true", True),
        ("Mostly false", True),
        ("False", True),
        ("Unverifiable", False),
        ("Opinion", False),
    ]


def test_workspace_threshold_must_be_between_zero_and_one():
    with violates("workspace_threshold_in_unit_interval"):
        WorkspaceFactory(checkworthiness_threshold=1.5)


def test_one_membership_per_user_and_workspace():
    membership = MembershipFactory()
    with violates("one_membership_per_user|UNIQUE constraint failed"):
        MembershipFactory(workspace=membership.workspace, user=membership.user, role=Role.EDITOR)


def test_claim_start_must_not_be_negative():
    # PositiveIntegerField has its own check on both databases, named after the column.
    with pytest.raises(IntegrityError, match="claim_start_not_negative|start"):
        ClaimFactory(start=-1, end=3)


def test_claim_start_must_precede_end():
    with violates("claim_start_before_end"):
        ClaimFactory(start=5, end=5)


def test_one_claim_per_span():
    claim = ClaimFactory(start=0, end=5)
    with violates("one_claim_per_span|UNIQUE constraint failed"):
        ClaimFactory(document=claim.document, start=0, end=5)


def test_overlapping_claims_are_allowed():
    claim = ClaimFactory(start=0, end=10)
    other = ClaimFactory(document=claim.document, start=5, end=15)
    assert other.text == claim.document.text[5:15]


def test_claim_copies_its_text_from_the_document():
    claim = ClaimFactory(start=0, end=12)
    assert claim.text == claim.document.text[:12]


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


def test_flag_must_name_exactly_one_target():
    annotation = AnnotationFactory()
    comment = CommentFactory(annotation=annotation)
    with transaction.atomic(), violates("flag_names_exactly_one_target"):
        FlagFactory(annotation=annotation, comment=comment)
    with violates("flag_names_exactly_one_target"):
        FlagFactory(annotation=None, comment=None)


def test_one_open_flag_per_reporter_and_item():
    flag = FlagFactory()
    with transaction.atomic(), violates("one_open_flag_per_reporter_annotation|UNIQUE"):
        FlagFactory(reporter=flag.reporter, annotation=flag.annotation)
    flag.status = Flag.Status.DISMISSED
    flag.save()
    again = FlagFactory(reporter=flag.reporter, annotation=flag.annotation)
    assert again.status == Flag.Status.OPEN


def test_comment_needs_a_body_or_a_decision():
    with violates("comment_not_empty"):
        CommentFactory(body="", decision="")


def test_one_current_verdict_per_claim():
    verdict = VerdictFactory()
    with violates("one_current_verdict_per_claim|UNIQUE"):
        VerdictFactory(claim=verdict.claim)


def test_retracted_verdict_needs_a_note():
    from django.utils import timezone

    with violates("verdict_retraction_has_note"):
        VerdictFactory(retracted_at=timezone.now(), retraction_note="")


def test_same_text_twice_in_a_workspace_is_refused():
    document = DocumentFactory()
    with violates("one_document_per_text|UNIQUE"):
        DocumentFactory(workspace=document.workspace, text=document.text)


def test_same_text_in_another_workspace_is_fine():
    document = DocumentFactory()
    assert DocumentFactory(text=document.text).text_sha256 == document.text_sha256


def test_split_document_text_cannot_change():
    claim = ClaimFactory()
    document = Document.objects.get(pk=claim.document_id)
    document.text = "Something else entirely."
    with pytest.raises(ValidationError, match="cannot change"):
        document.save()


def test_history_records_annotation_edits():
    annotation = AnnotationFactory(summary="first")
    annotation.summary = "second"
    annotation.save()
    assert [h.summary for h in annotation.history.order_by("history_date")] == ["first", "second"]


def test_claim_state_is_derived():
    from annotations.models import Claim
    from annotations.permissions import claims_with_state

    claim = ClaimFactory()
    assert claim.state == "unchecked"
    annotation = AnnotationFactory(claim=claim, author=UserFactory())
    assert claims_with_state(None, Claim.objects.all()).get(pk=claim.pk).state == "in_progress"
    annotation.status = "approved"
    annotation.save()
    assert claim.state == "approved"
    VerdictFactory(claim=claim)
    assert claims_with_state(None, Claim.objects.all()).get(pk=claim.pk).state == "published"


@pytest.mark.parametrize("colour", ["red", "#12345", "#12345g", "#123456\n", ""])
def test_rating_colour_other_than_hex_is_refused_by_the_database(colour):
    rating = Rating.objects.filter(scale__workspace=WorkspaceFactory()).first()
    rating.colour = colour
    with violates("rating_colour_hex"), transaction.atomic():
        rating.save()


def test_rating_colour_in_hex_of_either_case_is_stored():
    rating = Rating.objects.filter(scale__workspace=WorkspaceFactory()).first()
    rating.colour = "#AbCdEf"
    rating.save()
    rating.refresh_from_db()
    assert rating.colour == "#AbCdEf"
