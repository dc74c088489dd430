"""Storing reference fact-checks (verdicts published elsewhere) in a workspace, with what
matching and search read: the folded text, the term keys of claim and title
(ReferenceMatchKey, what the matcher's first stage looks up) and, on PostgreSQL, the
search vector."""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchVector
from django.db import connections, router, transaction
from django.db.models import F

from annotations import matching
from annotations.models import ReferenceFactCheck, ReferenceMatchKey, Workspace, claim_digest
from annotations.permissions import require

BATCH = 2000


@dataclass(frozen=True)
class FactCheckRecord:
    """One fact-check as read from a file, already checked (a non-empty claim, an http(s)
    url, fields within their lengths)."""

    claim: str
    url: str
    rating: str = ""
    publisher: str = ""
    claimant: str = ""
    published: date | None = None
    title: str = ""
    language: str = ""


def store_references(workspace: Workspace, records, by) -> int:
    """Add `records` to the workspace's reference fact-checks in one transaction; one
    already there (same url and claim) is left as it is. Returns how many were added.
    `by` must be allowed `factchecks.load` (None: a trusted caller, such as a command)."""
    if by is not None:
        require(by, "factchecks.load", workspace, "Only editors can load reference fact-checks.")
    alias = router.db_for_write(ReferenceFactCheck)
    existing = set(
        ReferenceFactCheck.objects.using(alias)
        .filter(workspace=workspace)
        .values_list("url", "claim_sha256")
    )
    rows, seen = [], set()
    for record in records:
        key = (record.url, claim_digest(record.claim))
        if key in existing or key in seen:
            continue
        seen.add(key)
        rows.append(
            ReferenceFactCheck(
                workspace=workspace,
                claim=record.claim,
                claim_sha256=key[1],
                claimant=record.claimant,
                rating=record.rating,
                url=record.url,
                publisher=record.publisher,
                published=record.published,
                title=record.title,
                language=record.language,
                loaded_by=by,
                match_text=matching.normalise(record.claim),
            )
        )
    vectors = matching.embedding.stored([matching.normalise(f"{r.claim} {r.title}") for r in rows])
    for row, vector in zip(rows, vectors, strict=True):
        row.match_vector = vector
    with transaction.atomic(using=alias):
        created = ReferenceFactCheck.objects.using(alias).bulk_create(rows, batch_size=BATCH)
        ids = [row.pk for row in created]
        connection = connections[alias]
        matching.key_writer(
            connection,
            ReferenceMatchKey,
            ids,
            [matching.term_keys(matching.normalise(f"{r.claim} {r.title}")) for r in created],
            workspace.pk,
        )()
        if ids and _is_postgres(alias):
            ReferenceFactCheck.objects.using(alias).filter(pk__in=ids).update(
                search_vector=SearchVector(F("claim"), weight="A", config="english")
                + SearchVector(F("title"), weight="B", config="english")
            )
    return len(rows)


def _is_postgres(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"
