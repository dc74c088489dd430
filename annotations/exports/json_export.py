"""The document as JSON: for an editor (or the system) a lossless backup, hidden items
included and marked `"hidden": true`; for other members what they may see. Streamed: the
header, then one claim at a time.

Shape (version 1): {"format": "factcheck-document", "version": 1, "exported_at",
"exported_by", "complete", "workspace": {slug, name}, "document": {...}, "ratings": [...],
"claims": [{..., "annotations": [{..., "sources", "comments", "flags"}], "verdicts"}]}.
Users appear by username; ratings by label; cross-references (a verdict's annotation, a
comment's parent) by the ids in this file. Times are ISO 8601 in UTC. `complete` is
true only for an editor's export: restore.py refuses nothing else, but a member's export
restores only what that member saw.
"""

import json
from collections.abc import Iterator

from django.utils import timezone

from annotations.exports.loading import member_claims, ratings_of
from annotations.permissions import viewer_for
from annotations.text.dates import iso_date, iso_datetime

FORMAT = "factcheck-document"
VERSION = 1


def _user(user):
    return user.get_username() if user is not None else None


def document_data(document) -> dict:
    return {
        "id": document.pk,
        "title": document.title,
        "speaker": document.speaker,
        "speaker_type": document.speaker_type,
        "source_url": document.source_url,
        "published": iso_date(document.published),
        "language": document.language,
        "text": document.text,
        "text_sha256": document.text_sha256,
        "created_by": _user(document.created_by),
        "created_at": iso_datetime(document.created_at),
        "report_slug": document.report_slug,
        "report_published_at": iso_datetime(document.report_published_at),
        "report_include_approved": document.report_include_approved,
    }


def flag_data(flag) -> dict:
    return {
        "id": flag.pk,
        "reporter": _user(flag.reporter),
        "reason": flag.reason,
        "status": flag.status,
        "resolved_by": _user(flag.resolved_by),
        "resolved_at": iso_datetime(flag.resolved_at),
        "resolution_note": flag.resolution_note,
        "created_at": iso_datetime(flag.created_at),
    }


def comment_data(comment, viewer) -> dict:
    return {
        "id": comment.pk,
        "author": _user(comment.author),
        "parent": comment.parent_id,
        "body": comment.body,
        "decision": comment.decision,
        "hidden": comment.hidden,
        "resolved": comment.resolved,
        "created_at": iso_datetime(comment.created_at),
        "flags": [flag_data(f) for f in comment.flag_list if viewer.sees_flag(f)],
    }


def annotation_data(annotation, viewer) -> dict:
    comments = [c for c in annotation.comment_list if viewer.sees_comment(c)]
    shown = {c.pk for c in comments}
    return {
        "id": annotation.pk,
        "author": _user(annotation.author),
        "rating": annotation.rating.label if annotation.rating else None,
        "summary": annotation.summary,
        "note": annotation.note,
        "status": annotation.status,
        "version": annotation.version,
        "hidden": annotation.hidden,
        "created_at": iso_datetime(annotation.created_at),
        "updated_at": iso_datetime(annotation.updated_at),
        "submitted_at": iso_datetime(annotation.submitted_at),
        "sources": [s.as_dict(with_position=True) for s in annotation.source_list],
        # A reply to a hidden comment keeps its place in the thread without naming it.
        "comments": [
            {**comment_data(c, viewer), "parent": c.parent_id if c.parent_id in shown else None}
            for c in comments
        ],
        "flags": [flag_data(f) for f in annotation.flag_list if viewer.sees_flag(f)],
    }


def verdict_data(verdict, shown_annotations) -> dict:
    return {
        "id": verdict.pk,
        "annotation": verdict.annotation_id if verdict.annotation_id in shown_annotations else None,
        "annotation_version": verdict.annotation_version,
        "rating": verdict.rating.label,
        "summary": verdict.summary,
        "sources": verdict.sources,
        "checked_by": _user(verdict.checked_by),
        "reviewed_by": _user(verdict.reviewed_by),
        "published_by": _user(verdict.published_by),
        "published_at": iso_datetime(verdict.published_at),
        "correction_note": verdict.correction_note,
        "is_current": verdict.is_current,
        "retracted_at": iso_datetime(verdict.retracted_at),
        "retracted_by": _user(verdict.retracted_by),
        "retraction_note": verdict.retraction_note,
    }


def claim_data(claim, viewer) -> dict:
    annotations = [a for a in claim.annotation_list if viewer.sees_annotation(a)]
    shown = {a.pk for a in annotations}
    return {
        "id": claim.pk,
        "number": claim.number,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "text": claim.text,
        "checkworthiness": claim.checkworthiness,
        "speaker": claim.speaker,
        "spoken_at": claim.spoken_at,
        "restatement": claim.restatement,
        "not_checkable": claim.not_checkable,
        "assignee": _user(claim.assignee),
        "created_by": _user(claim.created_by),
        "created_at": iso_datetime(claim.created_at),
        "annotations": [annotation_data(a, viewer) for a in annotations],
        "verdicts": [verdict_data(v, shown) for v in claim.verdict_list],
    }


def header(document, viewer) -> dict:
    workspace = document.workspace
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_datetime(timezone.now()),
        "exported_by": viewer.username,
        "complete": viewer.is_editor,
        "workspace": {"slug": workspace.slug, "name": workspace.name},
        "document": document_data(document),
        "ratings": [
            {"label": r.label, "position": r.position, "ordinal": r.ordinal, "colour": r.colour}
            for r in ratings_of(workspace)
        ],
    }


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export(document, user=None, *, include_approved=False) -> Iterator[bytes]:
    # Checked now, not at the first chunk: a refusal must precede a streaming response.
    return _stream(document, viewer_for(user, document))


def _stream(document, viewer) -> Iterator[bytes]:
    head = _dumps(header(document, viewer))
    yield (head[:-1] + ',"claims":[').encode("utf-8")
    separator = ""
    for claim in member_claims(document):
        yield (separator + _dumps(claim_data(claim, viewer))).encode("utf-8")
        separator = ","
    yield b"]}\n"
