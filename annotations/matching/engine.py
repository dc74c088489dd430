"""Checked before? `find_matches` answers for any text: the claims of a workspace (with
their published verdicts) and its reference fact-checks that say the same, however
worded, each with its score and why it matched.

Two stages (see `scoring`): the first looks up the text's rarest terms in the stored term
keys (ClaimMatchKey, ReferenceMatchKey; the (workspace, key, owner) indexes) on both
databases alike: one query for the terms' document frequencies, counted up to DF_CAP
(kept in the process for a large desk: `term_frequencies`), one for the candidates, best
summed weight first, with the candidate claims' texts. The second scores the candidates'
texts (a claim's text, restatement and published verdict's summary; a reference's claim
and title) with the fitted fusion, and orders them by reciprocal-rank fusion of the
fitted ranking score and a raw-text character cosine (`scoring.fused_order`; the
ranking alone when the fit gives the cosine no weight); the matches shown are those
scoring at least the threshold, in that order. Only their objects are loaded in full.
The word embeddings of the candidates' texts are read as stored (`match_vector`), the
words of a restatement or verdict summary added; computed for those stored without.

Queries, whatever the number of claims: 1 (frequencies; none for a large desk whose
terms are all kept) + 1 (candidates, with the claims' texts and their published
verdicts' summaries, and the reference fact-checks' claims and titles) + 1 (the
reference fact-checks shown) + 2 (the claims shown, with their documents; their
verdicts, unless none of them has one), fewer when a stage finds nothing; plus the
user's roles once per user object.
"""

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connections, router
from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from annotations.matching import scoring
from annotations.matching.folding import normalise
from annotations.matching.terms import clean_pasted, folded_terms, stem, term_key
from annotations.models import (
    Claim,
    ClaimMatchKey,
    Document,
    InvalidInput,
    ReferenceFactCheck,
    ReferenceMatchKey,
    Verdict,
)
from annotations.permissions import require

KINDS = ("claim", "reference")
MAX_TEXT_CHARS = 5000
MAX_LIMIT = 50
MAX_QUERY_TERMS = 64  # distinct terms of a long text whose frequencies are read
FREQUENCY_BATCH = 400  # terms counted in one query (first_matches, the marks of verdicts)
# Looked-up terms of all texts in one candidate query of first_matches: three parameters
# each, within the 32,766 parameters a statement of SQLite's usual builds and the 65,535
# of PostgreSQL's protocol (when parameters are bound on the server).
CANDIDATE_TERMS = 10_000
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W_]+")


@dataclass
class Match:
    """One answer: a claim of the desk (with its published verdict, if any) or a
    reference fact-check, its score in [0, 1], and why it matched."""

    kind: str  # "claim" or "reference"
    score: float
    claim: Claim | None = None
    reference: ReferenceFactCheck | None = None
    verdict: Verdict | None = None
    shared: list[str] = field(default_factory=list)  # words shared, as the match writes them
    numbers: list[str] = field(default_factory=list)  # numbers shared (folded digits)
    highlighted: SafeString = mark_safe("")  # the match's text, escaped, shared words marked

    @property
    def pk(self) -> int:
        return self.claim.pk if self.claim is not None else self.reference.pk

    @property
    def text(self) -> str:
        return self.claim.text if self.claim is not None else self.reference.claim


def check_text(text) -> str:
    """The pasted text, or InvalidInput (a 400) saying what is wrong with it."""
    if not isinstance(text, str):
        raise InvalidInput("Give the text to look up as a string.", field="text")
    if "\x00" in text:
        raise InvalidInput("The text may not contain NUL characters.", field="text")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            f"The text has {len(text):,} characters; look up at most {MAX_TEXT_CHARS:,}.",
            field="text",
        )
    if not text.strip():
        raise InvalidInput("Paste the text to look up.", field="text")
    return text


def find_matches(
    workspace, text: str, user, *, limit=10, kinds=KINDS, threshold=None, exclude_claim=None
) -> list[Match]:
    """The workspace's claims and reference fact-checks that say what `text` says, best
    first (fused order), at most `limit`, each scoring at least `threshold` (default: the fitted
    `show` threshold). Raises NotVisible for a non-member, InvalidInput for bad text."""
    require(user, "document.read", workspace)
    return rank(
        workspace.pk,
        check_text(text),
        limit=limit,
        kinds=kinds,
        threshold=threshold,
        exclude_claim=exclude_claim,
    )


def rank(workspace_id, text, *, limit=10, kinds=KINDS, threshold=None, exclude_claim=None):
    """find_matches without the permission check (callers have made it)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    threshold = scoring.fitted()["show"] if threshold is None else float(threshold)
    pasted = clean_pasted(text)
    query = normalise(pasted)
    q_terms = list(dict.fromkeys(folded_terms(query)))[:MAX_QUERY_TERMS]
    if not q_terms:
        return []
    alias = router.db_for_read(Claim)
    tables = key_tables(kinds)
    dfs, n = term_frequencies(alias, tables, workspace_id, q_terms)
    if exclude_claim is not None:  # a claim's own terms: it is not among the texts searched
        # A count that reached DF_CAP says "at least DF_CAP": it stays there, or the
        # lookup would read a common term's whole index range as if it held DF_CAP - 1.
        dfs = {t: df if df >= scoring.DF_CAP else max(0, df - 1) for t, df in dfs.items()}
        n = max(1, n - 1)
    scored = _scored(alias, tables, workspace_id, pasted, query, dfs, n, exclude_claim)
    if scored is None:
        return []
    found, keys, texts, scores, order = scored
    shown = [i for i in order if scores[i] >= threshold][:limit]
    verdicts = {
        pk for (kind, pk), (_, row) in found.items() if kind == "claim" and row[3] is not None
    }
    loaded = _load(alias, [keys[i] for i in shown], verdicts)
    return [
        _match(loaded[keys[i]], float(scores[i]), set(q_terms), texts[i])
        for i in shown
        if keys[i] in loaded
    ]


def _scored(alias, tables, workspace_id, pasted, query, dfs, n, exclude_claim=None):
    """Both stages for one text, its terms' frequencies `dfs` among `n` texts read: the
    candidates found, their keys and scored texts, their scores, and the fused order
    (indexes into keys); None when nothing is found."""
    lookup = scoring.lookup_terms(dfs, n)
    if not lookup:
        return None
    found = _candidates(alias, tables, workspace_id, lookup, exclude_claim)
    return _second_stage(found, pasted, query, dfs, n)


def _second_stage(found, pasted, query, dfs, n, *, floor=None, memo=None):
    """_scored's second stage, over the candidates `found`. With a `floor`: None, and
    the costly character cosines never computed, when no candidate could score at
    least `floor` whatever its cosine (scoring.fuse_ceiling). `memo`: a dict kept over
    many texts' second stages, which share candidates (first_matches)."""
    if not found:
        return None
    memo = {} if memo is None else memo
    candidates = _texts(found, memo.setdefault("texts", {}))
    keys = [k for k in found if k in candidates]
    if not keys:
        return None
    texts = [candidates[k][0] for k in keys]
    embedded = ([candidates[k][2] for k in keys], [candidates[k][3] for k in keys])
    terms_of = memo.setdefault("terms", {})
    rows = scoring.features(query, dfs, n, texts, embedded, char_cosine=False, terms_of=terms_of)
    if floor is not None and scoring.fuse_ceiling(rows).max() < floor:
        return None
    rows[:, scoring.CHAR_COSINE] = scoring.char_cosines(query, texts)
    scores = scoring.fuse(rows)
    if scoring.fitted()["rrf_weight"]:
        cosines = scoring.raw_cosines(pasted, [candidates[k][1] for k in keys])
    else:  # the fitted order is the ranking score's alone: the raw-text cosine is not read
        cosines = np.zeros(len(keys))
    order = scoring.fused_order(scoring.ranking(rows), cosines)
    return found, keys, texts, scores, order


def first_matches(workspace_id, texts: dict, *, kinds=KINDS, threshold) -> dict:
    """For each of many texts (key → text), what `rank` would show first at `threshold`:
    key → (kind, id, score), for those with a match. The matches' objects are not
    loaded. One query for the frequencies of all the texts' terms (one more for each
    FREQUENCY_BATCH terms beyond the first), one for all the texts' candidates (one more
    for each CANDIDATE_TERMS looked-up terms beyond the first; none when the desk holds
    nothing of those kinds); no query when there is no text to match."""
    prepared = {}
    for key, text in texts.items():
        pasted = clean_pasted(text)
        query = normalise(pasted)
        q_terms = list(dict.fromkeys(folded_terms(query)))[:MAX_QUERY_TERMS]
        if q_terms:
            prepared[key] = (pasted, query, q_terms)
    if not prepared:
        return {}
    alias = router.db_for_read(Claim)
    tables = key_tables(kinds)
    needed = list(dict.fromkeys(t for _, _, q_terms in prepared.values() for t in q_terms))
    dfs, n = {}, 0
    for start in range(0, len(needed), FREQUENCY_BATCH):
        counted, n = term_frequencies(
            alias, tables, workspace_id, needed[start : start + FREQUENCY_BATCH]
        )
        dfs.update(counted)
    best = {}
    if not n:  # nothing of those kinds in the desk
        return best
    keys = list(prepared)
    q_dfs = [{t: dfs[t] for t in prepared[key][2]} for key in keys]
    lookups = [scoring.lookup_terms(text_dfs, n) for text_dfs in q_dfs]
    found, group, terms = [], [], 0
    for lookup in lookups:  # as many texts a query as its parameters allow
        if group and terms + len(lookup) > CANDIDATE_TERMS:
            found += _candidates_many(alias, tables, workspace_id, group)
            group, terms = [], 0
        group.append(lookup)
        terms += len(lookup)
    found += _candidates_many(alias, tables, workspace_id, group)
    memo = {}
    for key, text_dfs, text_found in zip(keys, q_dfs, found, strict=True):
        pasted, query, _ = prepared[key]
        scored = _second_stage(text_found, pasted, query, text_dfs, n, floor=threshold, memo=memo)
        if scored is None:
            continue
        _, candidates, _, scores, order = scored
        shown = [i for i in order if scores[i] >= threshold]
        if shown:
            kind, pk = candidates[shown[0]]
            best[key] = (kind, pk, round(float(scores[shown[0]]), 4))
    return best


def key_tables(kinds) -> list[tuple[str, str, str]]:
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise InvalidInput(f"Unknown kinds: {', '.join(sorted(unknown))}.", field="kinds")
    out = []
    if "claim" in kinds:
        out.append(("claim", ClaimMatchKey._meta.db_table, "claim_id"))
    if "reference" in kinds:
        out.append(("reference", ReferenceMatchKey._meta.db_table, "reference_id"))
    return out


# A large desk's term frequencies, kept in the process: at a million claims reading
# them was a tenth of a claim lookup, and a desk of N_CAP texts or more changes them
# slowly (one claim moves a count by one; counts stop at DF_CAP). Kept DF_KEPT_SECONDS
# after the desk was last counted as large, DF_KEPT terms at most (least recently used
# first out). A smaller desk is counted at every lookup.
DF_KEPT = 50_000
DF_KEPT_SECONDS = 300.0
_kept_dfs: OrderedDict = OrderedDict()  # (scope, when counted, term) → df
_large: dict = {}  # scope → (when counted, n)
_kept_lock = threading.Lock()


def term_frequencies(alias, tables, workspace_id, q_terms) -> tuple[dict[str, int], int]:
    """Each term's document frequency among the workspace's texts, counted up to DF_CAP
    in each table, and how many texts there are, counted up to N_CAP: one query, or
    fewer terms (none) for a large desk whose terms' frequencies are kept."""
    scope = (alias, workspace_id, tuple(kind for kind, _, _ in tables))
    with _kept_lock:
        counted, n = _large.get(scope, (None, 0))
        fresh = counted is not None and time.monotonic() - counted < DF_KEPT_SECONDS
        kept = {}
        if fresh:
            for term in q_terms:
                df = _kept_dfs.get((scope, counted, term))
                if df is not None:
                    _kept_dfs.move_to_end((scope, counted, term))
                    kept[term] = df
    if not fresh:
        dfs, n = _count_terms(alias, tables, workspace_id, q_terms)
        if n < scoring.N_CAP:
            return dfs, n
        counted = time.monotonic()
    else:
        dfs = dict(kept)
        missing = [t for t in q_terms if t not in kept]
        if missing:
            dfs.update(_count_terms(alias, tables, workspace_id, missing, size=False)[0])
    with _kept_lock:
        _large[scope] = (counted, n)
        for term in q_terms:  # those of an earlier count are never read again: they age out
            _kept_dfs[scope, counted, term] = dfs[term]
            _kept_dfs.move_to_end((scope, counted, term))
        while len(_kept_dfs) > DF_KEPT:
            _kept_dfs.popitem(last=False)
    return {term: dfs[term] for term in q_terms}, n


def forget_frequencies() -> None:
    """Drop the term frequencies kept in this process."""
    with _kept_lock:
        _kept_dfs.clear()
        _large.clear()


def _count_terms(alias, tables, workspace_id, q_terms, *, size=True):
    """term_frequencies read from the database; without the desk's size (0) if not
    `size`."""
    quote = connections[alias].ops.quote_name
    selects, params = [], []
    sizes = {
        "claim": (
            f"SELECT 1 FROM {quote(Claim._meta.db_table)} c JOIN "
            f"{quote(Document._meta.db_table)} d ON d.id = c.document_id WHERE d.workspace_id = %s"
        ),
        "reference": (
            f"SELECT 1 FROM {quote(ReferenceFactCheck._meta.db_table)} WHERE workspace_id = %s"
        ),
    }
    if size:
        total = " + ".join(
            f"(SELECT COUNT(*) FROM ({sizes[kind]} LIMIT {scoring.N_CAP}) AS n)"
            for kind, _, _ in tables
        )
        selects.append(f"SELECT -1 AS term, {total} AS df")
        params += [workspace_id] * len(tables)
    for position, term in enumerate(q_terms):
        counts = " + ".join(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {quote(table)} WHERE workspace_id = %s "
            f"AND {quote('key')} = %s LIMIT {scoring.DF_CAP}) AS c)"
            for _, table, _ in tables
        )
        selects.append(f"SELECT {position} AS term, {counts} AS df")
        for _ in tables:
            params += [workspace_id, term_key(term)]
    with connections[alias].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = dict(cursor.fetchall())
    dfs = {term: int(rows[position]) for position, term in enumerate(q_terms)}
    return dfs, int(rows.get(-1, 0))


def _candidates(alias, tables, workspace_id, lookup, exclude_claim) -> dict:
    """(kind, id) → (summed weight of the looked-up terms it holds, and the row of its
    texts: for a claim its text, folded text, restatement, published verdict's summary
    and stored word-vector sum; for a reference fact-check its stored sum, claim and
    title), the best CANDIDATES: one query, the texts read with them."""
    quote = connections[alias].ops.quote_name
    values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS DOUBLE PRECISION))"] * len(lookup))
    params = [v for term, weight in lookup for v in (term_key(term), weight)]
    parts = []
    for kind, table, owner in tables:
        exclude = f" AND k.{owner} <> %s" if kind == "claim" and exclude_claim else ""
        parts.append(
            f"SELECT '{kind}' AS kind, k.{owner} AS owner, SUM(q.w) AS weight "
            f"FROM {quote(table)} k JOIN q ON k.{quote('key')} = q.k "
            f"WHERE k.workspace_id = %s{exclude} GROUP BY k.{owner}"
        )
        params.append(workspace_id)
        if exclude:
            params.append(exclude_claim)
    columns, joins = _text_columns(quote, tables)
    sql = (
        f"WITH q (k, w) AS (VALUES {values}), found AS ({' UNION ALL '.join(parts)} "
        f"ORDER BY weight DESC, kind, owner LIMIT {scoring.CANDIDATES}) "
        f"SELECT f.kind, f.owner, f.weight, {columns} "
        f"FROM found f{joins} ORDER BY f.weight DESC, f.kind, f.owner"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return _in_order((kind, owner, weight, row) for kind, owner, weight, *row in cursor)


def _in_order(rows) -> dict:
    """(kind, id) → (weight, texts) of candidates, best summed weight first, ties by kind
    and id. Weights equal but for the last bits (the same terms summed in another order:
    one database's sum differs from the other's) count as ties, so that the order, which
    breaks the second stage's ties (two copies of one fact-check), is the same on both."""
    ordered = sorted(rows, key=lambda r: (-round(float(r[2]), 9), r[0], int(r[1])))
    return {(kind, int(owner)): (float(weight), row) for kind, owner, weight, row in ordered}


def _candidates_many(alias, tables, workspace_id, lookups) -> list[dict]:
    """_candidates for many texts' lookups at once: one query, each text's best
    CANDIDATES found apart (ranked within the text by a window function)."""
    quote = connections[alias].ops.quote_name
    rows = [(t, term, weight) for t, lookup in enumerate(lookups) for term, weight in lookup]
    values = ", ".join(
        ["(CAST(%s AS INTEGER), CAST(%s AS BIGINT), CAST(%s AS DOUBLE PRECISION))"] * len(rows)
    )
    params = [v for t, term, weight in rows for v in (t, term_key(term), weight)]
    parts = []
    for kind, table, owner in tables:
        parts.append(
            f"SELECT q.t AS t, '{kind}' AS kind, k.{owner} AS owner, SUM(q.w) AS weight "
            f"FROM {quote(table)} k JOIN q ON k.{quote('key')} = q.k "
            f"WHERE k.workspace_id = %s GROUP BY q.t, k.{owner}"
        )
        params.append(workspace_id)
    # A candidate of several texts has its texts (and word-vector sum) read once, on its
    # first row: the joins read them only where `copy` is 1.
    columns, joins = _text_columns(quote, tables, only=" AND f.copy = 1")
    sql = (
        f"WITH q (t, k, w) AS (VALUES {values}), found AS (SELECT * FROM (SELECT t, kind, "
        f"owner, weight, ROW_NUMBER() OVER (PARTITION BY t ORDER BY weight DESC, kind, owner) "
        f"AS place FROM ({' UNION ALL '.join(parts)}) AS summed) AS placed "
        f"WHERE place <= {scoring.CANDIDATES}), copies AS (SELECT t, kind, owner, weight, "
        f"ROW_NUMBER() OVER (PARTITION BY kind, owner ORDER BY t) AS copy FROM found) "
        f"SELECT f.t, f.kind, f.owner, f.weight, {columns} "
        f"FROM copies f{joins} ORDER BY f.t, f.weight DESC, f.kind, f.owner"
    )
    if not rows:
        return [{} for _ in lookups]
    by_text = [[] for _ in lookups]
    texts = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        for t, kind, owner, weight, *row in cursor:
            # Rows come by text: a candidate's first row (its lowest text) comes first.
            row = texts.setdefault((kind, owner), row)
            by_text[t].append((kind, owner, weight, row))
    return [_in_order(text_rows) for text_rows in by_text]


def _text_columns(quote, tables, only="") -> tuple[str, str]:
    """The candidates' text columns (a claim's text, folded text, restatement and
    published verdict's summary; the stored word-vector sum; a reference's claim and
    title), NULL for a kind not searched, and the joins that read them (`only`: a
    condition added to each join: NULL where it does not hold)."""
    verdicts = quote(Verdict._meta.db_table)
    summary = (
        f"(SELECT v.summary FROM {verdicts} v WHERE v.claim_id = c.id AND v.is_current "
        f"AND v.retracted_at IS NULL ORDER BY v.published_at DESC, v.id DESC LIMIT 1)"
    )
    kinds = {kind for kind, _, _ in tables}
    claims, references, joins = "NULL, NULL, NULL, NULL", "NULL, NULL", ""
    vector = "c.match_vector" if "claim" in kinds else "r.match_vector"
    if "claim" in kinds:
        claims = f"c.text, c.match_text, c.restatement, {summary}"
        joins += (
            f" LEFT JOIN {quote(Claim._meta.db_table)} c "
            f"ON f.kind = 'claim' AND c.id = f.owner{only}"
        )
    if "reference" in kinds:
        references = "r.claim, r.title"
        joins += (
            f" LEFT JOIN {quote(ReferenceFactCheck._meta.db_table)} r "
            f"ON f.kind = 'reference' AND r.id = f.owner{only}"
        )
    if len(kinds) == 2:
        vector = "COALESCE(c.match_vector, r.match_vector)"
    return f"{claims}, {vector}, {references}", joins


def _texts(found, memo=None) -> dict:
    """(kind, id) → (the folded text the second stage scores, the raw text its raw-text
    cosine reads, its stored word-vector sum or None, the folded words to add to that
    sum) of each candidate, from the candidates' rows.

    A claim's scored text is its text, restatement and published verdict's summary (its
    stored sum is its folded text's); a reference fact-check's, its claim and title (its
    stored sum is theirs). Raw: a claim's text; a reference's claim and title. `memo`:
    a dict of those already made, kept over many texts' candidates (their rows alike)."""
    out = {}
    for (kind, pk), (_, row) in found.items():
        if memo is not None and (kind, pk) in memo:
            out[kind, pk] = memo[kind, pk]
            continue
        text, match_text, restatement, verdict_summary, vector, claim, title = row
        if kind == "reference" and claim is not None:
            raw = f"{claim} {title}"
            scored = normalise(raw)
            out["reference", pk] = (scored, raw, vector, "" if vector is not None else scored)
        if kind != "claim" or text is None:  # a reference, or a claim deleted meanwhile
            continue
        extra = f" {restatement}" if restatement else ""
        extra += f" {verdict_summary}" if verdict_summary else ""
        folded = match_text or normalise(text)
        scored = f"{folded} {normalise(extra)}" if extra else folded
        if vector is None or not match_text:
            out["claim", pk] = (scored, text, None, scored)
        else:
            out["claim", pk] = (scored, text, vector, normalise(extra) if extra else "")
    if memo is not None:
        memo.update(out)
    return out


def _load(alias, keys, verdicts) -> dict:
    """The matches shown: claims with their documents (the document's text, which may
    be long, left unread) and published verdicts (read only when one of them had one
    among the candidates, `verdicts`); reference fact-checks."""
    loaded = {}
    reference_ids = [pk for kind, pk in keys if kind == "reference"]
    if reference_ids:
        references = (
            ReferenceFactCheck.objects.using(alias)
            .filter(pk__in=reference_ids)
            .defer("search_vector", "match_text", "match_vector")
        )
        loaded.update((("reference", r.pk), r) for r in references)
    claim_ids = [pk for kind, pk in keys if kind == "claim"]
    if claim_ids and not verdicts.intersection(claim_ids):
        claims = (
            Claim.objects.using(alias)
            .filter(pk__in=claim_ids)
            .select_related("document")
            .defer("search_vector", "match_vector", "document__text")
        )
        for claim in claims:
            claim.published_verdict = None
            loaded["claim", claim.pk] = claim
    elif claim_ids:
        published = Prefetch(
            "verdicts",
            queryset=Verdict.objects.using(alias)
            .filter(is_current=True, retracted_at__isnull=True)
            .select_related("rating"),
            to_attr="_published_verdicts",
        )
        claims = (
            Claim.objects.using(alias)
            .filter(pk__in=claim_ids)
            .select_related("document")
            .defer("search_vector", "match_vector", "document__text")
            .prefetch_related(published)
        )
        for claim in claims:
            claim.published_verdict = (claim._published_verdicts or [None])[0]
            loaded["claim", claim.pk] = claim
    return loaded


def _match(obj, score: float, q_terms: set[str], scored: str) -> Match:
    shared_terms = q_terms.intersection(folded_terms(scored))
    if isinstance(obj, ReferenceFactCheck):
        match = Match("reference", score, reference=obj)
    else:
        match = Match("claim", score, claim=obj, verdict=obj.published_verdict)
    match.numbers = sorted(t for t in shared_terms if t[0].isdigit())
    match.highlighted, match.shared = highlight(match.text, shared_terms)
    return match


def highlight(text: str, shared_terms: set[str]) -> tuple[SafeString, list[str]]:
    """The text escaped, each word whose term is in `shared_terms` in <mark>; and those
    words, in order, once each."""
    out, words, position = [], [], 0
    for found in _WORD.finditer(text):
        word_terms = {stem(w) for w in normalise(found.group()).split()}
        if not word_terms & shared_terms:
            continue
        out.append(escape(text[position : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
        if found.group() not in words:
            words.append(found.group())
    out.append(escape(text[position:]))
    return mark_safe("".join(out)), words  # every piece of text was escaped above
