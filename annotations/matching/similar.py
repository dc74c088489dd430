"""Similar claims: `similar_claims` takes as candidates the claims of the workspace
that share a match key with the claim (one indexed lookup, however many claims the
workspace has), then scores them by similarity of their folded text: PostgreSQL's pg_trgm
`similarity()` or, elsewhere, rapidfuzz. Also the thresholds of both backends, shared
with the marking of prior verdicts."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, router
from django.db.models import Count, Prefetch, Subquery
from rapidfuzz import fuzz, process

from annotations.matching.folding import normalise
from annotations.matching.keys import match_keys
from annotations.models import Claim, ClaimMatchKey, InvalidInput, NotVisible, Verdict
from annotations.permissions import can

# The two backends score on different scales: pg_trgm's similarity is the share of
# trigrams two texts have in common; rapidfuzz's ratio is an edit-distance similarity
# that runs higher on unrelated text (about 0.35 where pg_trgm gives 0.05). So each has
# its own thresholds, set on the demo document: the Donbass twins score 0.94 / 0.96, the
# "114 countries backed / supported" twins 0.67 / 0.85, the closest pairs that are not
# the same claim at most 0.61 / 0.71.
SIMILAR_THRESHOLD = {"postgresql": 0.5, "default": 0.7}
PRIOR_VERDICT_THRESHOLD = {"postgresql": 0.6, "default": 0.8}
MAX_LIMIT = 50


def default_threshold(table: dict[str, float], vendor: str) -> float:
    return table.get(vendor, table["default"])


def _vendor(model=Claim) -> tuple[str, str]:
    alias = router.db_for_read(model)
    return alias, connections[alias].vendor


def _check_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("The threshold must be above 0 and at most 1.", field="threshold")
    return threshold


# The claims sharing the most keys with the claim that are scored. Sharing keys is a
# coarse estimate of similarity: a claim at 0.5-0.6 shares one key or two, as do claims
# that are less alike; the more are scored, the more of those are found (bench at 1M
# claims: a lookup takes p95 33 ms with 200, 53 ms with 1,000, 81 ms with 2,000).
MAX_CANDIDATES = 1000


def _published_verdict():
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(is_current=True, retracted_at__isnull=True).select_related(
            "rating"
        ),
        to_attr="_published_verdicts",
    )


def _attach_published_verdict(claims) -> None:
    for claim in claims:
        published = claim._published_verdicts
        claim.published_verdict = published[0] if published else None


def _candidates(alias: str, workspace_id: int, keys: list[int], exclude_pk, *fields: str):
    """The claims of the workspace other than `exclude_pk` that share at least one of
    the keys, most shared keys first, at most MAX_CANDIDATES: rows of `fields`, a query
    not run yet. Served by the (workspace, key, claim) index of migration 0009 alone
    (an index-only scan on PostgreSQL: hence COUNT(*), not of a column)."""
    return (
        ClaimMatchKey.objects.using(alias)
        .filter(workspace_id=workspace_id, key__in=keys)
        .exclude(claim_id=exclude_pk)
        .values(*fields)
        .annotate(shared=Count("*"))
        .order_by("-shared", "claim_id")
        .values_list(*fields)[:MAX_CANDIDATES]
    )


def similar_claims(claim, user, *, limit=10, threshold=None) -> list[tuple[Claim, float]]:
    """The other claims of the claim's workspace (in any of its documents) that say
    about the same thing, best first, each with its score in [0, 1]. Every claim
    returned has `document` and `published_verdict` (its current, unretracted verdict
    with its rating, or None) loaded. Raises NotVisible when the user may not read the
    claim, InvalidInput for a threshold outside (0, 1].

    Candidates are the claims sharing a match key with the claim (`match_keys`), at
    most MAX_CANDIDATES; they are scored with pg_trgm's `similarity()` on PostgreSQL,
    rapidfuzz elsewhere. Queries, whatever the number of claims: PostgreSQL 2 (the
    candidates scored, with their documents, in one query; their verdicts), 1 when
    nothing matches; elsewhere 3 (the candidates' folded texts; the claims with their
    documents; their verdicts), 1 when nothing matches; plus the user's roles once per
    user object."""
    if not can(user, "document.read", claim):
        raise NotVisible()
    limit = max(1, min(int(limit), MAX_LIMIT))
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(SIMILAR_THRESHOLD, vendor) if threshold is None else threshold
    )
    text = claim.match_text or normalise(claim.text)
    keys = match_keys(text)
    if not keys:
        return []
    workspace_id = claim.document.workspace_id
    if vendor == "postgresql":
        candidates = _candidates(alias, workspace_id, keys, claim.pk, "claim_id")
        found = list(
            Claim.objects.using(alias)
            .filter(pk__in=Subquery(candidates))
            .annotate(score=TrigramSimilarity("match_text", text))
            .filter(score__gte=threshold)
            .select_related("document")
            .prefetch_related(_published_verdict())
            .order_by("-score", "pk")[:limit]
        )
        _attach_published_verdict(found)
        return [(c, float(c.score)) for c in found]
    rows = list(_candidates(alias, workspace_id, keys, claim.pk, "claim_id", "claim__match_text"))
    matches = process.extract(
        text,
        [folded for _, folded in rows],
        scorer=fuzz.ratio,
        score_cutoff=threshold * 100,
        limit=None,
    )
    ranked = sorted(((score / 100, rows[i][0]) for _, score, i in matches), key=_best_first)
    ranked = ranked[:limit]
    if not ranked:
        return []
    by_pk = {
        c.pk: c
        for c in Claim.objects.using(alias)
        .filter(pk__in=[pk for _, pk in ranked])
        .select_related("document")
        .prefetch_related(_published_verdict())
    }
    found = [by_pk[pk] for _, pk in ranked]
    _attach_published_verdict(found)
    return [(by_pk[pk], score) for score, pk in ranked]


def _best_first(scored: tuple[float, int]) -> tuple[float, int]:
    score, pk = scored
    return (-score, pk)
