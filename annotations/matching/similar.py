"""Similar claims: `similar_claims` asks the engine (`engine.rank`) about a claim's own
text and restatement, among the other claims of its workspace. Also the thresholds,
shared with the marking of prior verdicts: fitted, not set by hand (weights.json, by
scripts/fit_matching.py)."""

from annotations.matching import scoring
from annotations.matching.engine import Match, rank
from annotations.models import InvalidInput, NotVisible
from annotations.permissions import can

MAX_LIMIT = 50


def _check_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("The threshold must be above 0 and at most 1.", field="threshold")
    return threshold


def show_threshold() -> float:
    """The score from which a match is shown: fitted to keep nearly all right matches."""
    return scoring.fitted()["show"]


def mark_threshold() -> float:
    """The score from which an import marks a claim with a prior verdict: fitted for
    precision."""
    return scoring.fitted()["mark"]


def similar_claims(claim, user, *, limit=10, threshold=None, kinds=("claim",)) -> list[Match]:
    """The other claims of the claim's workspace (in any of its documents) that say
    about the same thing, best first, each a Match with its score in [0, 1] and why it
    matched. Every claim returned has `document` and `published_verdict` loaded.
    `kinds=("claim", "reference")` adds the workspace's reference fact-checks. Raises
    NotVisible when the user may not read the claim, InvalidInput for a threshold
    outside (0, 1]."""
    if not can(user, "document.read", claim):
        raise NotVisible()
    threshold = show_threshold() if threshold is None else _check_threshold(threshold)
    text = claim.text if not claim.restatement else f"{claim.text} {claim.restatement}"
    return rank(
        claim.document.workspace_id,
        text,
        limit=max(1, min(int(limit), MAX_LIMIT)),
        kinds=kinds,
        threshold=threshold,
        exclude_claim=claim.pk,
    )
