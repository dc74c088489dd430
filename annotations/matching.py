"""Claim matching: have we checked this claim before?

`normalise` folds a claim's wording (case, accents, punctuation, numbers written in
words) so that the same claim worded a little differently compares close. It is pure.
`similar_claims` ranks the other claims of a workspace by similarity of their folded
text: PostgreSQL's pg_trgm (the `%` operator, backed by the GIN trigram index of
migration 0006) or, elsewhere, rapidfuzz over the workspace's claims.
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, router, transaction
from django.db.models import BooleanField, F, Func, Prefetch, Value
from rapidfuzz import fuzz, process

from annotations.models import Annotation, Claim, InvalidInput, NotVisible, Verdict

# --- normalisation: a pure function, no database -------------------------------------------------

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fourth": "four",
    "fifth": "five",
    "sixth": "six",
    "seventh": "seven",
    "eighth": "eight",
    "ninth": "nine",
    "tenth": "ten",
    "eleventh": "eleven",
    "twelfth": "twelve",
    "thirteenth": "thirteen",
    "fourteenth": "fourteen",
    "fifteenth": "fifteen",
    "sixteenth": "sixteen",
    "seventeenth": "seventeen",
    "eighteenth": "eighteen",
    "nineteenth": "nineteen",
    "twentieth": "twenty",
    "thirtieth": "thirty",
    "fortieth": "forty",
    "fiftieth": "fifty",
    "sixtieth": "sixty",
    "seventieth": "seventy",
    "eightieth": "eighty",
    "ninetieth": "ninety",
    "hundredth": "hundred",
    "thousandth": "thousand",
    "millionth": "million",
    "billionth": "billion",
}
_NUMBER_WORDS = {*_UNITS, *_TEENS, *_TENS, *_SCALES, "hundred", *_ORDINALS}

# Digits: "24,000" is one number, "3.5" keeps its point, "50th" is 50.
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_PER_CENT = re.compile(r"\bper\s+cent\b")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")


def normalise(text: str) -> str:
    """Fold a claim for matching: casefold, strip accents, punctuation to spaces,
    numbers written in words to digits ("one hundred and fourteen" → "114",
    "fiftieth" → "50", "2 million" → "2000000"), whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _THOUSANDS_COMMA.sub("", text)
    text = _ORDINAL_SUFFIX.sub("", text)
    text = text.replace("%", " percent ")
    text = _PER_CENT.sub("percent", text)
    return " ".join(_numbers_to_digits(_TOKEN.findall(text)))


def _numbers_to_digits(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        value, used = _read_number(tokens, i)
        if used:
            out.append(value)
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _read_number(tokens: list[str], i: int) -> tuple[str, int]:
    """The number that starts at tokens[i], as digits, and how many tokens it used
    (0 when none starts there). Accepts English cardinals and ordinals written in
    words ("two hundred and one thousand", "twenty first"), and digits followed by
    a scale word ("1.5 million")."""
    first = tokens[i]
    if first[0].isdigit():
        scale = tokens[i + 1] if i + 1 < len(tokens) else ""
        if scale in _SCALES:
            try:
                value = Decimal(first) * _SCALES[scale]
            except InvalidOperation:
                return "", 0
            return _format(value), 2
        return "", 0
    if first not in _NUMBER_WORDS or first in _SCALES or first in ("hundred", "hundredth"):
        # A number starts with a unit, a teen or a ten; "thousands of" stays words.
        return "", 0
    total = 0  # completed scale groups ("two million")
    group = 0  # the group being read, below a thousand
    last = ""  # kind of the last word taken: unit, teen, tens, hundred, scale, and
    last_scale = None
    used = 0
    j = i
    while j < len(tokens):
        word = tokens[j]
        ordinal = word in _ORDINALS
        word = _ORDINALS.get(word, word)
        if word == "and":
            # "and" belongs to the number only between a hundred/scale and what follows.
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            nxt = _ORDINALS.get(nxt, nxt)
            if last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TEENS or nxt in _TENS):
                last = "and"
                j += 1
                continue
            break
        if word in _UNITS:
            if last not in ("", "tens", "hundred", "scale", "and") or (
                last == "tens" and group % 10
            ):
                break
            group += _UNITS[word]
            kind = "unit"
        elif word in _TEENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            group += _TEENS[word]
            kind = "teen"
        elif word in _TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            group += _TENS[word]
            kind = "tens"
        elif word == "hundred":
            if last not in ("unit", "teen") or group >= 100:
                break
            group *= 100
            kind = "hundred"
        elif word in _SCALES:
            scale = _SCALES[word]
            if last in ("", "and", "scale") or (last_scale is not None and scale >= last_scale):
                break
            total += (group or 1) * scale
            group = 0
            last_scale = scale
            kind = "scale"
        else:
            break
        last = kind
        j += 1
        used = j - i
        if ordinal:
            break
    if not used:
        return "", 0
    return str(total + group), used


def _format(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# --- lookups -------------------------------------------------------------------------

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


class _TrigramSimilar(Func):
    """`a % b`: the texts reach pg_trgm.similarity_threshold. The GIN trigram index of
    migration 0006 serves this operator (and not `similarity(a, b) >= x`)."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _set_trigram_threshold(alias: str, threshold: float) -> None:
    # Local to the transaction the caller opened (savepoint=False: no extra queries
    # inside a request's transaction), so no other request sees it.
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
        )


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


def similar_claims(claim, user, *, limit=10, threshold=None) -> list[tuple[Claim, float]]:
    """The other claims of the claim's workspace (in any of its documents) that say
    about the same thing, best first, each with its score in [0, 1]. Every claim
    returned has `document` and `published_verdict` (its current, unretracted verdict
    with its rating, or None) loaded. Raises NotVisible when the user may not read the
    claim, InvalidInput for a threshold outside (0, 1].

    Queries, whatever the number of claims: 3 (PostgreSQL: the threshold, the claims,
    their verdicts; elsewhere: the workspace's folded texts, the claims, their
    verdicts), 2 when nothing matches; plus the user's roles once per user object."""
    from annotations.permissions import can

    if not can(user, "document.read", claim):
        raise NotVisible()
    limit = max(1, min(int(limit), MAX_LIMIT))
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(SIMILAR_THRESHOLD, vendor) if threshold is None else threshold
    )
    text = claim.match_text or normalise(claim.text)
    if not text:
        return []
    workspace_id = claim.document.workspace_id
    candidates = Claim.objects.using(alias).filter(document__workspace_id=workspace_id)
    candidates = candidates.exclude(pk=claim.pk)
    if vendor == "postgresql":
        query = (
            candidates.filter(_TrigramSimilar(F("match_text"), Value(text)))
            .annotate(score=TrigramSimilarity("match_text", text))
            .select_related("document")
            .prefetch_related(_published_verdict())
            .order_by("-score", "pk")[:limit]
        )
        with transaction.atomic(using=alias, savepoint=False):
            _set_trigram_threshold(alias, threshold)
            found = list(query)
        _attach_published_verdict(found)
        return [(c, float(c.score)) for c in found]
    rows = list(candidates.exclude(match_text="").values_list("pk", "match_text"))
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


def mark_prior_verdicts(document, *, threshold=None) -> int:
    """Point each claim of the document that says about the same as a claim with a
    published verdict (current, not retracted) elsewhere in the workspace at that
    verdict, with the score; clear the mark where no such verdict is left. Returns how
    many claims are marked."""
    alias, vendor = _vendor()
    threshold = _check_threshold(
        default_threshold(PRIOR_VERDICT_THRESHOLD, vendor) if threshold is None else threshold
    )
    if vendor == "postgresql":
        best = _prior_verdicts_pg(alias, document, threshold)
    else:
        best = _prior_verdicts_fuzz(alias, document, threshold)
    claims = Claim.objects.using(alias).filter(document=document)
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


def _prior_verdicts_pg(alias, document, threshold) -> dict[int, tuple[int, float]]:
    claim_table = Claim._meta.db_table
    document_table = Claim._meta.get_field("document").related_model._meta.db_table
    verdict_table = Verdict._meta.db_table
    # One claim per row, with the best-scoring verdict; the newest wins a tie.
    sql = f"""
        SELECT DISTINCT ON (c.id) c.id, v.id, similarity(c.match_text, vc.match_text) AS score
        FROM {verdict_table} v
        JOIN {claim_table} vc ON vc.id = v.claim_id
        JOIN {document_table} vd ON vd.id = vc.document_id
        JOIN {claim_table} c ON c.match_text %% vc.match_text AND c.id <> vc.id
        WHERE vd.workspace_id = %s AND v.is_current AND v.retracted_at IS NULL
          AND c.document_id = %s AND c.match_text <> ''
        ORDER BY c.id, score DESC, v.published_at DESC, v.id DESC
    """
    with transaction.atomic(using=alias, savepoint=False):
        _set_trigram_threshold(alias, threshold)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [document.workspace_id, document.pk])
            return {claim_id: (verdict_id, float(score)) for claim_id, verdict_id, score in cursor}


def _prior_verdicts_fuzz(alias, document, threshold) -> dict[int, tuple[int, float]]:
    verdicts = list(
        Verdict.objects.using(alias)
        .filter(
            claim__document__workspace_id=document.workspace_id,
            is_current=True,
            retracted_at__isnull=True,
        )
        .exclude(claim__match_text="")
        .order_by("-published_at", "-pk")
        .values_list("pk", "claim_id", "claim__match_text")
    )
    if not verdicts:
        return {}
    texts = [folded for _, _, folded in verdicts]
    best = {}
    claims = Claim.objects.using(alias).filter(document=document).exclude(match_text="")
    for claim_id, folded in claims.values_list("pk", "match_text"):
        for _, score, i in process.extract(
            folded, texts, scorer=fuzz.ratio, score_cutoff=threshold * 100, limit=None
        ):
            verdict_id, verdict_claim_id, _ = verdicts[i]
            if verdict_claim_id == claim_id:
                continue
            # extract() keeps the input order on ties: the newest verdict first.
            if claim_id not in best or score / 100 > best[claim_id][1]:
                best[claim_id] = (verdict_id, score / 100)
    return best


def index_imported(document, claims) -> None:
    """After an import's bulk insert: fold the claims' text for matching, build their
    search vectors (one UPDATE for the document), mark those that match an earlier
    published verdict."""
    from annotations import search

    if any(claim.pk is None for claim in claims):
        claims = list(document.claims.only("pk", "text"))
    for claim in claims:
        claim.match_text = normalise(claim.text)
    Claim.objects.bulk_update(claims, ["match_text"], batch_size=500)
    search.index_claims(document)
    mark_prior_verdicts(document)


def _source_fields(source: dict, position: int) -> dict:
    published = source.get("published") or None
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return {
        "url": source.get("url") or "",
        "title": source.get("title") or "",
        "publisher": source.get("publisher") or "",
        "published": published,
        "excerpt": source.get("excerpt") or "",
        "stance": source.get("stance") or "context",
        "archive_url": source.get("archive_url") or "",
        "position": position,
    }


def reuse_verdict(verdict, claim, by) -> Annotation:
    """Start `by`'s annotation on the claim from a published verdict on a similar claim:
    its rating and summary, a copy of its sources, and a link to it (`reused_from`).
    The workflow's own checks apply (Annotation.start, add_source): NotVisible outside
    the user's workspaces or across workspaces, WorkflowError for a second annotation
    on the claim, InvalidInput for a superseded or retracted verdict."""
    from annotations.permissions import can

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
            annotation.add_source(by, **_source_fields(source, position))
    return annotation
