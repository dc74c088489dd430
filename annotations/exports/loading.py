"""What an export may show, loaded with a number of queries that does not grow with the
document: every list is fetched with select_related/prefetch_related, claims in chunks.

The member formats (csv, json, w3c) load every row and ask permissions.Viewer's
predicates which of them the user may see; the Viewer loads the one fact it needs (the
claims a blind desk's annotator has submitted on) in one query.
"""

from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import Q

from annotations.models import Annotation, Claim, Comment, Flag, Rating, Source, Verdict

# Claims are read in chunks so csv and json stream with bounded memory; each chunk costs
# one query per relation.
CHUNK_SIZE = 1000


def ratings_of(workspace) -> list[Rating]:
    """The workspace's scale, truest first. One query."""
    return list(Rating.objects.filter(scale__workspace=workspace).order_by("position"))


def _group(rows, key) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


def member_claims(document, *, comments=True, flags=True, verdicts=True) -> Iterator[Claim]:
    """Every claim of the document with all its annotations (hidden ones too: the Viewer
    filters), in chunks of CHUNK_SIZE claims. Each claim gets `annotation_list` and, if
    asked, `verdict_list`; each annotation `source_list`, `comment_list` and `flag_list`
    (each comment its own `flag_list`), with authors, ratings and users set from dicts.

    Not prefetch_related: Django builds a QuerySet per instance when it fills a prefetch
    cache, which costs more than the queries here for thousands of rows. Queries: claim
    ids, ratings, then per chunk claims, annotations, sources, comments, flags, verdicts
    and the users they name."""
    ratings = {r.pk: r for r in ratings_of(document.workspace)}
    ids = list(
        Claim.objects.filter(document=document)
        .order_by("start", "end", "id")
        .values_list("id", flat=True)
    )
    for offset in range(0, len(ids), CHUNK_SIZE):
        yield from _chunk(ids[offset : offset + CHUNK_SIZE], ratings, comments, flags, verdicts)


def _chunk(ids, ratings, comments, flags, verdicts) -> list[Claim]:
    claims = list(Claim.objects.filter(pk__in=ids).order_by("start", "end", "id"))
    annotations = list(Annotation.objects.filter(claim_id__in=ids).order_by("created_at", "id"))
    annotation_ids = [a.pk for a in annotations]
    sources = _group(
        Source.objects.filter(annotation_id__in=annotation_ids).order_by("position", "id"),
        "annotation_id",
    )
    comment_rows = (
        list(Comment.objects.filter(annotation_id__in=annotation_ids).order_by("created_at", "id"))
        if comments
        else []
    )
    flag_rows = []
    if flags:
        target = Q(annotation_id__in=annotation_ids)
        if comments:
            target |= Q(comment_id__in=[c.pk for c in comment_rows])
        flag_rows = list(Flag.objects.filter(target).order_by("created_at", "id"))
    verdict_rows = (
        list(Verdict.objects.filter(claim_id__in=ids).order_by("published_at", "id"))
        if verdicts
        else []
    )
    user_ids = {a.author_id for a in annotations} | {c.author_id for c in comment_rows}
    user_ids |= {getattr(c, f) for c in claims for f in ("assignee_id", "created_by_id")}
    for f in flag_rows:
        user_ids |= {f.reporter_id, f.resolved_by_id}
    for v in verdict_rows:
        user_ids |= {getattr(v, f"{name}_id") for name in VERDICT_PEOPLE}
    users = {
        u.pk: u
        for u in get_user_model()
        ._default_manager.filter(pk__in=user_ids - {None})
        .only("id", "username", "first_name", "last_name")
    }

    def person(user_id):
        return users.get(user_id) if user_id is not None else None

    flags_on_annotation = _group([f for f in flag_rows if f.annotation_id], "annotation_id")
    flags_on_comment = _group([f for f in flag_rows if f.comment_id], "comment_id")
    for flag in flag_rows:
        flag.reporter, flag.resolved_by = person(flag.reporter_id), person(flag.resolved_by_id)
    for comment in comment_rows:
        comment.author = person(comment.author_id)
        comment.flag_list = flags_on_comment.get(comment.pk, [])
    comments_on = _group(comment_rows, "annotation_id")
    by_claim = {claim.pk: claim for claim in claims}
    for annotation in annotations:
        annotation.claim = by_claim[annotation.claim_id]
        annotation.author = person(annotation.author_id)
        annotation.rating = ratings.get(annotation.rating_id)
        annotation.source_list = sources.get(annotation.pk, [])
        annotation.comment_list = comments_on.get(annotation.pk, [])
        annotation.flag_list = flags_on_annotation.get(annotation.pk, [])
    for verdict in verdict_rows:
        verdict.rating = ratings[verdict.rating_id]
        for name in VERDICT_PEOPLE:
            setattr(verdict, name, person(getattr(verdict, f"{name}_id")))
    annotations_of, verdicts_of = _group(annotations, "claim_id"), _group(verdict_rows, "claim_id")
    for claim in claims:
        claim.assignee, claim.created_by = person(claim.assignee_id), person(claim.created_by_id)
        claim.annotation_list = annotations_of.get(claim.pk, [])
        claim.verdict_list = verdicts_of.get(claim.pk, [])
    return claims


VERDICT_PEOPLE = ("checked_by", "reviewed_by", "published_by", "retracted_by")
