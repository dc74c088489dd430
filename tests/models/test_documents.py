"""Documents and claims: the rules the database keeps, and derived claim state."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from annotations.models import Document
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    UserFactory,
    VerdictFactory,
)
from tests.models import violates

pytestmark = pytest.mark.django_db


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
