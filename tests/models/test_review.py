"""Comments and verdicts: the rules the database keeps."""

import pytest

from tests.factories import (
    CommentFactory,
    VerdictFactory,
)
from tests.models import violates

pytestmark = pytest.mark.django_db


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
