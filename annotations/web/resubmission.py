"""What changed in a resubmitted annotation since a reviewer asked for changes: its
summary, note, rating and sources as the reviewer saw them (from the annotation's and its
sources' history) against the current ones, for the reviewer's panel."""

from annotations.models import Annotation, Comment, Rating, Source
from annotations.text import diffing

SOURCE_FIELDS = {
    "url": "Address",
    "title": "Title",
    "publisher": "Publisher",
    "published": "Publication date",
    "excerpt": "Excerpt",
    "stance": "Stance",
    "archive_url": "Archive address",
}


def changes_since_review(annotation) -> dict | None:
    """For a submitted annotation that had changes requested (its comments prefetched, as
    the viewer may see them): the latest request, and the runs of each changed field.
    None when there is nothing to compare. Two queries (three if the rating changed)."""
    if annotation.status != Annotation.Status.SUBMITTED:
        return None
    requests = [
        c for c in annotation.comments.all() if c.decision == Comment.Decision.REQUEST_CHANGES
    ]
    if not requests:
        return None
    request = requests[-1]
    # The review saved the annotation (its status) just before writing the comment: the
    # last record up to the comment holds the content the reviewer saw.
    seen = (
        annotation.history.filter(history_date__lte=request.created_at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if seen is None:
        return None
    fields = []
    for name, label in (("summary", "Summary"), ("note", "Note")):
        runs = diffing.words(getattr(seen, name), getattr(annotation, name))
        if diffing.changed(runs):
            fields.append({"label": label, "runs": runs})
    rating = None
    if seen.rating_id != annotation.rating_id:
        before = Rating.objects.filter(pk=seen.rating_id).first()
        rating = {
            "before": before.label if before else "none",
            "after": annotation.rating.label if annotation.rating else "none",
        }
    sources = _source_changes(annotation, request.created_at)
    return {
        "request": request,
        "fields": fields,
        "rating": rating,
        "sources": sources,
        "unchanged": not (fields or rating or sources),
    }


def _source_changes(annotation, moment) -> list[dict]:
    """Sources added, removed or edited since `moment`, each as {"change", "name",
    "details"}; `details` lists the edited fields as (label, before, after)."""
    then = {}
    for record in Source.history.filter(
        annotation_id=annotation.pk, history_date__lte=moment
    ).order_by("history_date", "history_id"):
        if record.history_type == "-":
            then.pop(record.id, None)
        else:
            then[record.id] = record
    now = {source.pk: source for source in annotation.sources.all()}
    changes = []
    for pk, source in now.items():
        old = then.get(pk)
        if old is None:
            changes.append({"change": "added", "name": _name(source), "details": []})
            continue
        details = [
            (label, _shown(old, f), _shown(source, f))
            for f, label in SOURCE_FIELDS.items()
            if getattr(old, f) != getattr(source, f)
        ]
        if details:
            changes.append({"change": "edited", "name": _name(source), "details": details})
    for pk, old in then.items():
        if pk not in now:
            changes.append({"change": "removed", "name": _name(old), "details": []})
    return changes


def _name(source) -> str:
    return source.title or source.url


def _shown(source, field) -> str:
    value = getattr(source, field)
    if field == "stance":
        return Source.Stance(value).label
    return "" if value is None else str(value)
