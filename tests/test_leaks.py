"""Hidden work and blind-mode-hidden work never reach an annotator.

Builds a desk where hidden annotations and comments, and colleagues' work that blind
mode hides, each carry a unique marker; then asks every surface an annotator can reach
and asserts no marker appears. SURFACES is the list to extend: each entry is a name and
a function (client, desk) -> list of response bodies (str).
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from annotations.models import Annotation, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    SourceFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db

HIDDEN_ANNOTATION = "LEAK-hidden-annotation-summary"
HIDDEN_NOTE = "LEAK-hidden-annotation-note"
HIDDEN_SOURCE = "https://leak.example.org/hidden-source"
HIDDEN_COMMENT = "LEAK-hidden-comment"
BLIND_SUMMARY = "LEAK-blind-colleague-summary"
BLIND_COMMENT = "LEAK-blind-colleague-comment"
MARKERS = [
    HIDDEN_ANNOTATION,
    HIDDEN_NOTE,
    HIDDEN_SOURCE,
    HIDDEN_COMMENT,
    BLIND_SUMMARY,
    BLIND_COMMENT,
]


def build_desk():
    workspace = WorkspaceFactory(blind=True)
    document = DocumentFactory(workspace=workspace)
    claim = ClaimFactory(document=document, start=0, end=10)
    other_claim = ClaimFactory(document=document, start=11, end=20)
    annotator = member(workspace, Role.ANNOTATOR)
    colleague = member(workspace, Role.ANNOTATOR)
    reviewer = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    # The annotator has submitted on `claim`, so blind mode shows colleagues' work there,
    # but hidden items stay hidden.
    own = AnnotationFactory(claim=claim, author=annotator, status="submitted")
    hidden = AnnotationFactory(
        claim=claim,
        author=colleague,
        status="submitted",
        summary=HIDDEN_ANNOTATION,
        note=HIDDEN_NOTE,
        hidden=True,
    )
    SourceFactory(annotation=hidden, url=HIDDEN_SOURCE)
    CommentFactory(annotation=own, author=reviewer, body=HIDDEN_COMMENT, hidden=True)
    # On `other_claim` the annotator has not submitted: the colleague's work is blind.
    blind = AnnotationFactory(
        claim=other_claim, author=colleague, status="submitted", summary=BLIND_SUMMARY
    )
    CommentFactory(annotation=blind, author=reviewer, body=BLIND_COMMENT)
    return SimpleNamespace(
        workspace=workspace,
        document=document,
        claim=claim,
        other_claim=other_claim,
        annotator=annotator,
        colleague=colleague,
        reviewer=reviewer,
        editor=editor,
        hidden=hidden,
        blind=blind,
    )


def _get(client, *urls):
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        bodies.append(response.content.decode())
    return bodies


def pages(client, desk):
    return _get(
        client,
        reverse("home"),
        reverse("workspace", args=[desk.workspace.slug]),
        reverse("document", args=[desk.document.pk]),
        reverse("document_agreement", args=[desk.document.pk]),
        reverse("claim_panel", args=[desk.claim.pk]),
        reverse("claim_panel", args=[desk.other_claim.pk]),
        reverse("review_queue"),
        reverse("flag_queue"),
        reverse("notifications"),
        reverse("assigned"),
        reverse("workspace_settings", args=[desk.workspace.slug]),
    )


SURFACES = [("pages", pages)]


@pytest.mark.parametrize(("name", "surface"), SURFACES, ids=[n for n, _ in SURFACES])
def test_annotator_sees_no_hidden_or_blind_work(client, name, surface):
    desk = build_desk()
    client.force_login(desk.annotator)
    text = "\n".join(surface(client, desk))
    leaked = [marker for marker in MARKERS if marker in text]
    assert leaked == []


@pytest.mark.parametrize(("name", "surface"), SURFACES, ids=[n for n, _ in SURFACES])
def test_editor_sees_hidden_work_so_the_markers_are_reachable(client, name, surface):
    """Guards the leak test itself: the markers do show where they are allowed to."""
    desk = build_desk()
    client.force_login(desk.editor)
    text = "\n".join(surface(client, desk))
    assert HIDDEN_ANNOTATION in text
    assert BLIND_SUMMARY in text


def test_blind_work_appears_once_the_annotator_submits(client):
    desk = build_desk()
    client.force_login(desk.annotator)
    Annotation.start(desk.other_claim, desk.annotator, summary="Mine.").delete()
    own = AnnotationFactory(claim=desk.other_claim, author=desk.annotator, status="draft")
    assert BLIND_SUMMARY not in "\n".join(pages(client, desk))
    own.submit(desk.annotator)
    assert BLIND_SUMMARY in "\n".join(pages(client, desk))
