"""A workspace with one member of each role, an outsider, and work in every state."""

from dataclasses import dataclass

import pytest
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Annotation, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    SourceFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)

ROLES = ["annotator", "reviewer", "editor", "outsider", "anonymous"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "schemathesis: generated requests against the OpenAPI schema (-m schemathesis)"
    )


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the throttle cache, which outlives a test.
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@dataclass
class Desk:
    workspace: object
    other_workspace: object
    annotator: object
    reviewer: object
    editor: object
    outsider: object
    document: object
    claim: object
    other_claim: object
    spare_claim: object  # nobody has annotated it
    draft: object  # the annotator's draft on claim
    submitted: object  # the reviewer's submitted annotation on other_claim
    approved: object  # another annotator's approved annotation on claim
    source: object  # on the approved annotation
    draft_source: object
    colleague: object
    comment: object
    verdict: object
    flag: object

    def user(self, role):
        return None if role == "anonymous" else getattr(self, role)

    def client(self, role) -> APIClient:
        return client_for(self.user(role))


@pytest.fixture
def desk(db) -> Desk:
    workspace = WorkspaceFactory(slug="desk")
    other_workspace = WorkspaceFactory(slug="elsewhere")
    annotator = member(workspace, Role.ANNOTATOR, username="anna")
    reviewer = member(workspace, Role.REVIEWER, username="rob")
    editor = member(workspace, Role.EDITOR, username="eddie")
    colleague = member(workspace, Role.ANNOTATOR, username="cole")
    outsider = member(other_workspace, Role.EDITOR, username="otto")
    document = DocumentFactory(
        workspace=workspace,
        text="Unemployment fell to 4% last year. We must act now. Taxes rose by 3.5%.",
    )
    claim = ClaimFactory(document=document, start=0, end=34)
    other_claim = ClaimFactory(document=document, start=52, end=71)
    spare_claim = ClaimFactory(document=document, start=35, end=51)
    draft = AnnotationFactory(claim=claim, author=annotator)
    submitted = AnnotationFactory(
        claim=other_claim, author=reviewer, status=Annotation.Status.SUBMITTED
    )
    approved = AnnotationFactory(
        claim=claim, author=colleague, status=Annotation.Status.APPROVED, rating=rating(workspace)
    )
    source = SourceFactory(annotation=approved)
    draft_source = SourceFactory(annotation=draft)
    comment = CommentFactory(annotation=approved, author=reviewer, body="Good work.")
    verdict = VerdictFactory(
        claim=claim, annotation=approved, published_by=editor, checked_by=colleague
    )
    flag = FlagFactory(annotation=approved, reporter=annotator, reason="Rude wording.")
    return Desk(
        workspace,
        other_workspace,
        annotator,
        reviewer,
        editor,
        outsider,
        document,
        claim,
        other_claim,
        spare_claim,
        draft,
        submitted,
        approved,
        source,
        draft_source,
        colleague,
        comment,
        verdict,
        flag,
    )


__all__ = ["ROLES", "Desk", "UserFactory", "client_for"]
