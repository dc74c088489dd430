"""Restore a document from its json export (json_export.py) into a workspace, in one
transaction: the document, its claims, annotations, sources, comments, verdicts and flags,
with their times, statuses and hidden marks as exported.

Users are matched by username; a missing one is created inactive with an unusable
password (an editor invites them properly later). Ratings are matched by label in the
target workspace's scale; a label the scale lacks refuses the whole restore. Memberships
are not created: who belongs to the target workspace is its editors' decision. The
public report slug comes along when no other document uses it; otherwise the restored
document starts unpublished.

Rows are saved one by one (not bulk_create) so that django-simple-history records them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.exports.json_export import FORMAT, VERSION
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Rating,
    Source,
    SpeakerType,
    Verdict,
)
from annotations.text.dates import parse_date, parse_datetime

MALFORMED = (KeyError, TypeError, ValueError, AttributeError, ValidationError, IntegrityError)


class RestoreError(ValueError):
    """The data cannot be restored; the message says why, for the user."""


class _Users:
    def __init__(self):
        self.model = get_user_model()
        self.cache = {}

    def __call__(self, username):
        if not username:
            return None
        if username not in self.cache:
            user = self.model._default_manager.filter(
                **{self.model.USERNAME_FIELD: username}
            ).first()
            if user is None:
                user = self.model(**{self.model.USERNAME_FIELD: username}, is_active=False)
                user.set_unusable_password()
                user.save()
            self.cache[username] = user
        return self.cache[username]


def _check(data) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError(f"This is not a {FORMAT} export.")
    if data.get("version") != VERSION:
        raise RestoreError(
            f"Export version {data.get('version')!r} is not supported (expected {VERSION})."
        )


def _ratings(data, workspace) -> dict[str, Rating]:
    ratings = {r.label: r for r in Rating.objects.filter(scale__workspace=workspace)}
    used = set()
    for claim in data["claims"]:
        used.update(a["rating"] for a in claim["annotations"] if a.get("rating"))
        used.update(v["rating"] for v in claim["verdicts"])
    missing = sorted(used - ratings.keys())
    if missing:
        raise RestoreError(
            f"The rating scale of workspace {workspace.slug!r} has no label "
            + ", ".join(repr(label) for label in missing)
            + ". Add the label(s) to the scale, then restore again."
        )
    return ratings


def restore_document(data: dict, workspace) -> Document:
    """Recreate the exported document in `workspace`. Raises RestoreError (nothing is
    written) when the data is not a version-1 export, a rating label is missing, the text
    is already in the workspace, or a claim does not fit the text."""
    _check(data)
    try:
        return _restore(data, workspace)
    except RestoreError:
        raise
    except MALFORMED as exc:
        raise RestoreError(f"The export is malformed or inconsistent: {exc!r}") from exc


def _restore(data, workspace) -> Document:
    ratings = _ratings(data, workspace)
    users = _Users()
    doc = data["document"]
    text = doc["text"]
    if Document.objects.filter(workspace=workspace, text_sha256=Document.hash_text(text)).exists():
        raise RestoreError(f"Workspace {workspace.slug!r} already holds a document with this text.")
    slug = doc.get("report_slug")
    keep_report = bool(slug) and not Document.objects.filter(report_slug=slug).exists()
    with transaction.atomic():
        document = Document.objects.create(
            workspace=workspace,
            title=doc["title"],
            speaker=doc.get("speaker", ""),
            speaker_type=_speaker_type(doc.get("speaker_type")),
            source_url=doc.get("source_url", ""),
            published=parse_date(doc.get("published")),
            language=doc.get("language") or "en",
            text=text,
            created_by=users(doc.get("created_by")),
            created_at=parse_datetime(doc.get("created_at")) or timezone.now(),
            report_slug=slug if keep_report else None,
            report_published_at=parse_datetime(doc.get("report_published_at"))
            if keep_report
            else None,
            report_include_approved=doc.get("report_include_approved", False),
        )
        for claim_data in data["claims"]:
            _restore_claim(claim_data, document, ratings, users)
    return document


def _speaker_type(value) -> str:
    if value is None:  # a backup from before speaker types: what exports said then
        return SpeakerType.PERSON
    if value not in SpeakerType.values:
        raise RestoreError(f"Unknown speaker type {value!r}: use person or organization.")
    return value


def _claim_number(data):
    """The claim's number as backed up (kept: links and reports cite it); a backup from
    before stored numbers has none, and its claims, in reading order there, are numbered
    1..n as they are restored."""
    number = data.get("number")
    if number is None:
        return None
    if type(number) is not int or number < 1:
        raise RestoreError(f"Claim {data.get('id')} has no valid number: {number!r}.")
    return number


def _restore_claim(data, document, ratings, users) -> None:
    start, end = data["start"], data["end"]
    if not (0 <= start < end <= len(document.text)):
        raise RestoreError(f"Claim {data.get('id')} ({start}, {end}) does not fit the text.")
    claim = Claim.objects.create(
        document=document,
        number=_claim_number(data),
        start=start,
        end=end,
        kind=data["kind"],
        text=document.text[start:end],
        checkworthiness=data["checkworthiness"],
        speaker=data.get("speaker", ""),  # "": the document's, as in backups made before
        spoken_at=data.get("spoken_at"),
        restatement=data.get("restatement", ""),
        not_checkable=data.get("not_checkable", False),
        assignee=users(data.get("assignee")),
        created_by=users(data.get("created_by")),
        created_at=parse_datetime(data["created_at"]),
    )
    annotation_ids = {}
    for a in data["annotations"]:
        annotation = Annotation.objects.create(
            claim=claim,
            author=users(a["author"]),
            rating=ratings[a["rating"]] if a.get("rating") else None,
            summary=a["summary"],
            note=a["note"],
            status=a["status"],
            version=a["version"],
            hidden=a["hidden"],
            created_at=parse_datetime(a["created_at"]),
            updated_at=parse_datetime(a["updated_at"]),
            submitted_at=parse_datetime(a.get("submitted_at")),
        )
        annotation_ids[a["id"]] = annotation
        for s in a["sources"]:
            Source.objects.create(annotation=annotation, **Source.fields_from(s))
        comment_ids = {}
        for c in a["comments"]:  # parents come before their replies (by creation time)
            comment = Comment.objects.create(
                annotation=annotation,
                author=users(c["author"]),
                parent=comment_ids.get(c.get("parent")),
                body=c["body"],
                decision=c["decision"],
                hidden=c["hidden"],
                resolved=c["resolved"],
                created_at=parse_datetime(c["created_at"]),
            )
            comment_ids[c["id"]] = comment
            for f in c["flags"]:
                _restore_flag(f, users, comment=comment)
        for f in a["flags"]:
            _restore_flag(f, users, annotation=annotation)
    for v in data["verdicts"]:
        published_from = annotation_ids.get(v.get("annotation"))
        Verdict.objects.create(
            claim=claim,
            annotation=published_from,
            annotation_version=v.get("annotation_version") if published_from else None,
            rating=ratings[v["rating"]],
            summary=v["summary"],
            sources=v.get("sources") or [],
            checked_by=users(v.get("checked_by")),
            reviewed_by=users(v.get("reviewed_by")),
            published_by=users(v["published_by"]),
            published_at=parse_datetime(v["published_at"]),
            correction_note=v.get("correction_note", ""),
            is_current=v["is_current"],
            retracted_at=parse_datetime(v.get("retracted_at")),
            retracted_by=users(v.get("retracted_by")),
            retraction_note=v.get("retraction_note", ""),
        )


def _restore_flag(data, users, **target) -> None:
    Flag.objects.create(
        **target,
        reporter=users(data["reporter"]),
        reason=data["reason"],
        status=data["status"],
        resolved_by=users(data.get("resolved_by")),
        resolved_at=parse_datetime(data.get("resolved_at")),
        resolution_note=data.get("resolution_note", ""),
        created_at=parse_datetime(data["created_at"]),
    )
