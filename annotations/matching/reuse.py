"""Reusing published verdicts: `mark_prior_verdicts` points an imported document's
claims at the published verdict of a similar claim elsewhere in the workspace;
`reuse_verdict` starts an annotation from such a verdict."""

from django.db import connections, transaction
from rapidfuzz import fuzz

from annotations.matching.similar import (
    PRIOR_VERDICT_THRESHOLD,
    _check_threshold,
    _vendor,
    default_threshold,
)
from annotations.models import (
    Annotation,
    Claim,
    ClaimMatchKey,
    InvalidInput,
    NotVisible,
    Source,
    Verdict,
)
from annotations.permissions import can


def mark_prior_verdicts(document, *, threshold=None) -> int:
    """Point each claim of the document that says about the same as a claim with a
    published verdict (current, not retracted) elsewhere in the workspace at that
    verdict, with the score; clear the mark where no such verdict is left. Returns how
    many claims are marked."""
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(PRIOR_VERDICT_THRESHOLD, vendor) if threshold is None else threshold
    )
    published_elsewhere = (
        Verdict.objects.using(alias)
        .filter(
            claim__document__workspace_id=document.workspace_id,
            is_current=True,
            retracted_at__isnull=True,
        )
        .exclude(claim__document=document)
    )
    claims = Claim.objects.using(alias).filter(document=document)
    if not published_elsewhere.exists():
        # Nothing to match against (a new desk, or the first document): clear old marks.
        claims.filter(prior_verdict__isnull=False).update(prior_verdict=None, prior_similarity=None)
        return 0
    if vendor == "postgresql":
        best = _prior_verdicts_pg(alias, document, threshold)
    else:
        best = _prior_verdicts_fuzz(alias, document, threshold)
    claims = claims.only("pk", "prior_verdict", "prior_similarity")
    changed = []
    for claim in claims:
        verdict_id, score = best.get(claim.pk, (None, None))
        if (claim.prior_verdict_id, claim.prior_similarity) != (verdict_id, score):
            claim.prior_verdict_id, claim.prior_similarity = verdict_id, score
            changed.append(claim)
    Claim.objects.using(alias).bulk_update(
        changed, ["prior_verdict", "prior_similarity"], batch_size=500
    )
    return len(best)


def _prior_candidates_sql() -> str:
    """The (claim of the document, claim with a published verdict) pairs of the
    workspace that share a match key: a CTE named `pairs`, parameters (document id,
    workspace id, True)."""
    key_table = ClaimMatchKey._meta.db_table
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    return f"""
        WITH pairs AS (
            SELECT DISTINCT mk.claim_id AS claim_id, vk.claim_id AS verdict_claim_id
            FROM {key_table} mk
            JOIN {claim_table} c0 ON c0.id = mk.claim_id
            JOIN {key_table} vk ON vk.workspace_id = mk.workspace_id AND vk.key = mk.key
                AND vk.claim_id <> mk.claim_id
            WHERE c0.document_id = %s AND mk.workspace_id = %s
              AND EXISTS (
                  SELECT 1 FROM {verdict_table} v0 WHERE v0.claim_id = vk.claim_id
                  AND v0.is_current = %s AND v0.retracted_at IS NULL)
        )"""


def _prior_verdicts_pg(alias, document, threshold) -> dict[int, tuple[int, float]]:
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    # One claim per row, with the best-scoring verdict; the newest wins a tie.
    sql = f"""{_prior_candidates_sql()}
        SELECT DISTINCT ON (c.id) c.id, v.id, similarity(c.match_text, vc.match_text) AS score
        FROM pairs p
        JOIN {claim_table} c ON c.id = p.claim_id
        JOIN {claim_table} vc ON vc.id = p.verdict_claim_id
        JOIN {verdict_table} v ON v.claim_id = vc.id
        WHERE v.is_current AND v.retracted_at IS NULL AND c.match_text <> ''
          AND similarity(c.match_text, vc.match_text) >= %s
        ORDER BY c.id, score DESC, v.published_at DESC, v.id DESC
    """
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [document.pk, document.workspace_id, True, threshold])
        return {claim_id: (verdict_id, float(score)) for claim_id, verdict_id, score in cursor}


def _prior_verdicts_fuzz(alias, document, threshold) -> dict[int, tuple[int, float]]:
    claim_table = Claim._meta.db_table
    verdict_table = Verdict._meta.db_table
    sql = f"""{_prior_candidates_sql()}
        SELECT c.id, c.match_text, v.id, vc.match_text
        FROM pairs p
        JOIN {claim_table} c ON c.id = p.claim_id
        JOIN {claim_table} vc ON vc.id = p.verdict_claim_id
        JOIN {verdict_table} v ON v.claim_id = vc.id
        WHERE v.is_current = %s AND v.retracted_at IS NULL AND c.match_text <> ''
          AND vc.match_text <> ''
        ORDER BY v.published_at DESC, v.id DESC
    """
    best = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [document.pk, document.workspace_id, True, True])
        for claim_id, folded, verdict_id, verdict_folded in cursor.fetchall():
            score = fuzz.ratio(folded, verdict_folded, score_cutoff=threshold * 100)
            # Rows come newest verdict first: a later one must score higher to win.
            if score and (claim_id not in best or score / 100 > best[claim_id][1]):
                best[claim_id] = (verdict_id, score / 100)
    return best


def reuse_verdict(verdict, claim, by) -> Annotation:
    """Start `by`'s annotation on the claim from a published verdict on a similar claim:
    its rating and summary, a copy of its sources, and a link to it (`reused_from`).
    The workflow's own checks apply (Annotation.start, add_source): NotVisible outside
    the user's workspaces or across workspaces, WorkflowError for a second annotation
    on the claim, InvalidInput for a superseded or retracted verdict."""
    if not can(by, "document.read", verdict) or (
        verdict.claim.document.workspace_id != claim.document.workspace_id
    ):
        raise NotVisible()
    if not verdict.is_current or verdict.is_retracted:
        raise InvalidInput(
            "Only a claim's current verdict can be reused; this one was superseded or retracted.",
            field="verdict",
        )
    with transaction.atomic():
        annotation = Annotation.start(claim, by, rating=verdict.rating, summary=verdict.summary)
        annotation.reused_from = verdict
        annotation.save(update_fields=["reused_from"])
        for position, source in enumerate(verdict.sources or []):
            annotation.add_source(by, **Source.fields_from(source, position))
    return annotation
