"""Reusing published verdicts: `mark_prior_verdicts` points an imported document's
claims at the published verdict of a claim elsewhere in the workspace that says the
same (`mark_after_import` does it in the import or, for a long document, in a job right
after); `reuse_verdict` starts an annotation from such a verdict. `mark_references`
points a live document's new claims at the desk's reference fact-checks that say the
same, as they are appended."""

import threading
import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import router, transaction
from django.db.models import Count, Max
from django_tasks import task

from annotations.matching import embedding, scoring
from annotations.matching.engine import (
    FREQUENCY_BATCH,
    KINDS,
    first_matches,
    key_tables,
    term_frequencies,
)
from annotations.matching.folding import normalise
from annotations.matching.similar import _check_threshold, mark_threshold
from annotations.matching.terms import folded_terms
from annotations.models import (
    Annotation,
    Claim,
    ClaimKind,
    Document,
    InvalidInput,
    NotVisible,
    ReferenceFactCheck,
    Source,
    Verdict,
)
from annotations.permissions import can

# An import marks its claims itself up to this many claims (against published verdicts)
# and INLINE_REFERENCE_CLAIMS (against reference fact-checks, the costlier lookup: a live
# transcript's chunk is about 30 claims); a longer document, in a desk with published
# verdicts or reference fact-checks, is marked by a background job once the import has
# committed (`Document.marks_pending` says so meanwhile), which keeps a 1 MB import
# within 3 s.
INLINE_MARK_CLAIMS = 300
INLINE_REFERENCE_CLAIMS = 40
# The job looks this many claims up against the reference fact-checks at a time.
REFERENCE_BATCH = 200


def mark_after_import(document, texts: dict) -> None:
    """Mark the document's new claims (claim id → text; headings left out) now, or in a
    job after the import commits."""
    alias = router.db_for_write(Claim)
    claims = len(texts)
    verdicts_now = (
        claims <= INLINE_MARK_CLAIMS or not _published_elsewhere(alias, document).exists()
    )
    references_now = claims <= INLINE_REFERENCE_CLAIMS or not (
        ReferenceFactCheck.objects.using(alias).filter(workspace_id=document.workspace_id).exists()
    )
    if verdicts_now and references_now:
        mark_prior_verdicts(document)
        mark_references(document, texts)
        return
    Document.objects.using(alias).filter(pk=document.pk).update(marks_pending=True)
    document.marks_pending = True
    transaction.on_commit(lambda: mark_prior_verdicts_job.enqueue(document.pk), using=alias)


@task()
def mark_prior_verdicts_job(document_id: int) -> int:
    """The background half of mark_after_import: the claims' marks against published
    verdicts (one transaction), then against reference fact-checks, REFERENCE_BATCH
    claims at a time, each batch's marks written by one UPDATE (the lookups hold no
    transaction open). The document stops saying marks are coming however the job ends.
    Returns how many claims it marked against verdicts."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:  # deleted meanwhile
        return 0
    try:
        with transaction.atomic():
            marked = mark_prior_verdicts(document)
        claims = (
            Claim.objects.filter(document_id=document_id)
            .exclude(kind=ClaimKind.HEADING)
            .order_by("pk")
            .values_list("pk", "text")
        )
        after = 0
        while batch := list(claims.filter(pk__gt=after)[:REFERENCE_BATCH]):
            mark_references(document, dict(batch))
            after = batch[-1][0]
    finally:
        Document.objects.filter(pk=document_id).update(marks_pending=False)
    return marked


def _published_elsewhere(alias, document):
    return (
        Verdict.objects.using(alias)
        .filter(
            claim__document__workspace_id=document.workspace_id,
            is_current=True,
            retracted_at__isnull=True,
        )
        .exclude(claim__document=document)
    )


def mark_prior_verdicts(document, *, threshold=None, claim_ids=None) -> int:
    """Point each claim of the document that says the same as a claim with a published
    verdict (current, not retracted) elsewhere in the workspace at that verdict, with
    the matcher's score; clear the mark where no such verdict is left (`claim_ids`: only
    those claims, the new ones of an appended chunk). The matcher is
    the engine's (same terms, frequencies, features and fusion), over the claims with
    published verdicts only, and a claim is marked from the fitted `mark` threshold,
    chosen for precision. Returns how many claims are marked."""
    alias = router.db_for_write(Claim)
    threshold = mark_threshold() if threshold is None else _check_threshold(threshold)
    index = _published_index(alias, document.workspace_id)
    claims = Claim.objects.using(alias).filter(document=document)
    if claim_ids is not None:
        claims = claims.filter(pk__in=claim_ids)
    claims = list(claims.only("pk", "match_text", "prior_verdict", "prior_similarity"))
    best = _best_prior(alias, document, claims, index, threshold)
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


def mark_references(document, texts: dict, *, threshold=None) -> dict:
    """Point each new claim of the document (claim id → its text) that says what a
    reference fact-check of the desk says at it, with the matcher's score: what
    "checked before?" shows first for the claim's text among the desk's reference
    fact-checks, from the fitted `mark` threshold (chosen for precision), as
    mark_prior_verdicts marks from it. Returns claim id →
    (reference id, score) of the claims marked; one UPDATE writes them.

    Queries (engine.first_matches): one for the frequencies of all the texts' terms
    (which also says the desk has no reference fact-check: then nothing else), one for
    all the texts' candidates, and the UPDATE when a claim is marked."""
    threshold = mark_threshold() if threshold is None else _check_threshold(threshold)
    found = first_matches(document.workspace_id, texts, kinds=("reference",), threshold=threshold)
    marks = {pk: (reference, score) for pk, (_, reference, score) in found.items()}
    Claim.objects.using(router.db_for_write(Claim)).bulk_update(
        [
            Claim(pk=pk, prior_reference_id=reference, prior_reference_similarity=score)
            for pk, (reference, score) in marks.items()
        ],
        ["prior_reference", "prior_reference_similarity"],
    )
    return marks


def marks_of(claim) -> dict | None:
    """The claim's "checked before" marks, to name on its panel: the desk's published
    verdict (still current, not retracted) and the reference fact-check that say the
    same. No query for an unmarked claim; one for each mark."""
    if claim.prior_verdict_id is None and claim.prior_reference_id is None:
        return None
    workspace_id = claim.document.workspace_id
    verdict = reference = None
    if claim.prior_verdict_id is not None:
        verdict = (
            Verdict.objects.filter(
                pk=claim.prior_verdict_id,
                is_current=True,
                retracted_at__isnull=True,
                claim__document__workspace_id=workspace_id,
            )
            .select_related("rating", "claim__document")
            .only(
                "summary",
                "rating__label",
                "claim__number",
                "claim__document__title",
            )
            .first()
        )
    if claim.prior_reference_id is not None:
        reference = (
            ReferenceFactCheck.objects.filter(
                pk=claim.prior_reference_id, workspace_id=workspace_id
            )
            .defer("match_text", "search_vector", "match_vector")
            .first()
        )
    if verdict is None and reference is None:
        return None
    return {"verdict": verdict, "reference": reference}


@dataclass(frozen=True)
class _Published:
    """A desk's published verdicts (current, not retracted), newest first, as the marks
    compare them: each verdict's id, its claim's document, the claim's text with its
    restatement (a mark says "the same claim", so the verdict's summary, what the
    checkers found, is not compared), and the postings of their terms."""

    ids: list
    documents: list
    texts: list
    postings: dict
    # The texts' word embeddings, computed the first time a text is a candidate.
    units: np.ndarray
    embedded: np.ndarray

    def units_of(self, indexes: list[int]) -> np.ndarray:
        missing = [i for i in indexes if not self.embedded[i]]
        if missing:  # two threads may both compute a row: the same values
            self.units[missing] = embedding.embed([self.texts[i] for i in missing])
            self.embedded[missing] = True
        return self.units[indexes]


# The published verdicts of the desks marked lately, kept in the process: a live
# transcript's every chunk is compared with them, and a desk's thousands of verdicts
# take a few hundred milliseconds to read and index. Read again when the desk's count,
# newest id or newest publication of them changes (a verdict published, corrected or
# retracted) and at least every PUBLISHED_KEPT_SECONDS (a restatement edited).
PUBLISHED_KEPT = 4
PUBLISHED_KEPT_SECONDS = 300.0
_published_kept: OrderedDict = OrderedDict()  # (alias, desk) → (version, when, _Published)
_published_lock = threading.Lock()
_NONE_PUBLISHED = _Published([], [], [], {}, np.zeros((0, 0)), np.zeros(0, dtype=bool))


def _published_index(alias, workspace_id) -> _Published:
    """The desk's published verdicts as marks compare them: one query when they are kept
    (or there are none), two when they are read."""
    current = Verdict.objects.using(alias).filter(
        claim__document__workspace_id=workspace_id, is_current=True, retracted_at__isnull=True
    )
    version = tuple(
        current.aggregate(n=Count("id"), last=Max("id"), latest=Max("published_at")).values()
    )
    if not version[0]:
        return _NONE_PUBLISHED
    key = (alias, workspace_id)
    with _published_lock:
        kept = _published_kept.get(key)
        if (
            kept is not None
            and kept[0] == version
            and time.monotonic() - kept[1] < PUBLISHED_KEPT_SECONDS
        ):
            _published_kept.move_to_end(key)
            return kept[2]
    rows = list(
        current.order_by("-published_at", "-id").values_list(
            "id", "claim__document_id", "claim__match_text", "claim__restatement"
        )
    )
    texts = [
        f"{folded} {normalise(restatement)}".strip() if restatement else folded
        for _, _, folded, restatement in rows
    ]
    postings = defaultdict(list)
    for i, text in enumerate(texts):
        for term in dict.fromkeys(folded_terms(text)):
            postings[term].append(i)
    index = _Published(
        [r[0] for r in rows],
        [r[1] for r in rows],
        texts,
        dict(postings),
        np.zeros((len(rows), embedding.DIMENSIONS), dtype=np.float32),
        np.zeros(len(rows), dtype=bool),
    )
    with _published_lock:
        _published_kept[key] = (version, time.monotonic(), index)
        _published_kept.move_to_end(key)
        while len(_published_kept) > PUBLISHED_KEPT:
            _published_kept.popitem(last=False)
    return index


def forget_published() -> None:
    """Drop the published verdicts kept in this process."""
    with _published_lock:
        _published_kept.clear()


def _best_prior(alias, document, claims, index: _Published, threshold) -> dict:
    """claim id → (verdict id, score) of its best published verdict above threshold,
    among those on claims of other documents than `document`."""
    if not index.ids:
        return {}
    workspace_id = document.workspace_id
    texts, postings, own_document = index.texts, index.postings, document.pk
    queries = {}
    for claim in claims:
        q_terms = set(folded_terms(claim.match_text))
        if q_terms & postings.keys():
            queries[claim.pk] = (claim.match_text, q_terms)
    needed = sorted({t for _, q_terms in queries.values() for t in q_terms})
    dfs, n = {}, 0
    for start in range(0, len(needed), FREQUENCY_BATCH):
        chunk = needed[start : start + FREQUENCY_BATCH]
        found, n = term_frequencies(alias, key_tables(KINDS), workspace_id, chunk)
        dfs.update(found)
    # Frequencies among the texts the document's claims are compared with: the
    # document's own claims (stored by now) do not count.
    own = Counter(t for claim in claims for t in set(folded_terms(claim.match_text)))
    dfs = {t: max(0, df - own[t]) for t, df in dfs.items()}
    n = max(1, n - len(claims))
    best, terms_of = {}, {}  # terms_of: each verdict text's terms, computed once
    for pk, (query, q_terms) in queries.items():
        q_dfs = {t: dfs.get(t, 0) for t in q_terms}
        found = defaultdict(float)
        for term, weight in scoring.lookup_terms(
            {t: q_dfs[t] for t in q_terms if t in postings}, n
        ):
            for i in postings[term]:
                if index.documents[i] != own_document:
                    found[i] += weight
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[: scoring.CANDIDATES]
        if not ranked:
            continue
        candidates = [texts[i] for i, _ in ranked]
        rows = scoring.features(
            query,
            q_dfs,
            n,
            candidates,
            char_cosine=False,
            terms_of=terms_of,
            units=index.units_of([i for i, _ in ranked]),
        )
        if scoring.fuse_ceiling(rows).max() < threshold:
            continue  # none could reach the threshold, whatever its character cosine
        rows[:, scoring.CHAR_COSINE] = scoring.char_cosines(query, candidates)
        scores = scoring.fuse(rows)
        top = min(range(len(ranked)), key=lambda j: (-scores[j], ranked[j][0]))
        if scores[top] >= threshold:
            best[pk] = (index.ids[ranked[top][0]], round(float(scores[top]), 4))
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
