"""A document with checked claims, built from tests/factories.py, for the export tests."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from annotations.models import Annotation, Comment, Role, Verdict
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    SourceFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)

HIDDEN = "HIDDEN-SECRET"


@dataclass
class Desk:
    workspace: object
    document: object
    annotator: object
    reviewer: object
    editor: object
    claims: list = field(default_factory=list)


def sentence(i: int) -> str:
    return f"Claim {i}: unemployment fell by {i}% last year."


def make_desk(*, claims=2, blind=False, **document_fields) -> Desk:
    """A workspace (annotator, reviewer, editor), a document of `claims` sentences, one
    claim per sentence; each claim has an approved annotation by the annotator with two
    sources and the reviewer's approval, and a published verdict."""
    workspace = WorkspaceFactory(
        blind=blind, methodology="We check **facts** against [sources](https://example.org/m)."
    )
    text = " ".join(sentence(i) for i in range(claims))
    fields = {
        "title": "Budget speech",
        "speaker": "Jane Minister",
        "source_url": "https://news.example.org/speech",
        "published": date(2024, 3, 1),
        **document_fields,
    }
    document = DocumentFactory(workspace=workspace, text=text, **fields)
    desk = Desk(
        workspace=workspace,
        document=document,
        annotator=member(workspace, Role.ANNOTATOR, first_name="Alice", last_name="Ant"),
        reviewer=member(workspace, Role.REVIEWER, first_name="Bob", last_name="Rev"),
        editor=member(workspace, Role.EDITOR, first_name="Erin", last_name="Ed"),
    )
    start = 0
    for i in range(claims):
        end = start + len(sentence(i))
        claim = ClaimFactory(document=document, start=start, end=end, checkworthiness=0.9)
        start = end + 1
        publish(desk, claim, summary=f"Unemployment rose in year {i}.")
        desk.claims.append(claim)
    return desk


def approved_annotation(desk, claim, author=None, **fields) -> Annotation:
    annotation = AnnotationFactory(
        claim=claim,
        author=author or desk.annotator,
        status=Annotation.Status.APPROVED,
        submitted_at=timezone.now(),
        **fields,
    )
    SourceFactory(annotation=annotation, position=0, title="Labour market report")
    SourceFactory(annotation=annotation, position=1, title="Quarterly bulletin")
    CommentFactory(
        annotation=annotation,
        author=desk.reviewer,
        body="Checked the table.",
        decision=Comment.Decision.APPROVE,
    )
    return annotation


def snapshot(annotation) -> list[dict]:
    return [
        {
            "url": s.url,
            "title": s.title,
            "publisher": s.publisher,
            "published": s.published.isoformat() if s.published else None,
            "stance": s.stance,
            "archive_url": s.archive_url,
            "excerpt": s.excerpt,
        }
        for s in annotation.sources.all()
    ]


def publish(desk, claim, *, summary="The official figure is different.", label="False", **fields):
    annotation = approved_annotation(
        desk, claim, summary=summary, rating=rating(desk.workspace, label)
    )
    return VerdictFactory(
        claim=claim,
        annotation=annotation,
        rating=rating(desk.workspace, label),
        summary=summary,
        sources=snapshot(annotation),
        checked_by=annotation.author,
        reviewed_by=desk.reviewer,
        published_by=desk.editor,
        **fields,
    )


def correct(desk, claim, *, label="Mostly false", summary="Corrected summary.", note="New data."):
    """A correction: the current verdict becomes history, a new one says why."""
    old = Verdict.objects.get(claim=claim, is_current=True)
    old.is_current = False
    old.save()
    annotation = old.annotation
    if annotation is not None:  # revised since: a version is published once
        annotation.version += 1
        annotation.save(update_fields=["version"])
    return VerdictFactory(
        claim=claim,
        annotation=annotation,
        rating=rating(desk.workspace, label),
        summary=summary,
        sources=old.sources,
        checked_by=old.checked_by,
        reviewed_by=old.reviewed_by,
        published_by=desk.editor,
        published_at=old.published_at + timedelta(days=2),
        correction_note=note,
    )
