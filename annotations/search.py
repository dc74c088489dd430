"""Search across a workspace's claims, annotations and verdicts.

    search(user, workspace, "nato \"war of liberation\"", speaker="…") -> [SearchHit, …]

A query is words and "quoted phrases"; a hit has all of them (words match their
stemmed forms on PostgreSQL: "countries" finds "country"). Everything else in the query
(`&`, `|`, `!`, `:*`, parentheses, a lone quote, "or", "-") is ignored, so a query never
reaches the database as syntax: the same words mean the same thing on both backends.

PostgreSQL: the stored `search_vector` columns (GIN-indexed, migration 0006), searched
with `websearch_to_tsquery`, ranked with `ts_rank`, marked with `ts_headline`.
SQLite: a fallback that gives the same hits on small data: every term as a
case-insensitive regular expression at a word start (words cut to a crude stem),
ranked by weighted counts, marked in Python.

When nothing has every word, claims with words close to the query's are found instead
(`_typo_fallback`: pg_trgm word_similarity on PostgreSQL, rapidfuzz on SQLite), so a
typo ("Sovjet") still finds its word ("Soviet").

Snippets are safe HTML: the text is escaped first, then `<mark>…</mark>` is put around
the matches; nothing else is markup.

Search vectors are kept current on write: claims of an import as they are inserted
(`services.insert_claims`, with `claim_vector_sql`) or in one UPDATE (`index_claims`);
any Claim, Annotation or Verdict saved through Model.save() (`indexed_save`, called from
the models' save(), which also keeps a claim's match keys current). Bulk writes
(`QuerySet.update`, `bulk_create`) bypass it and must call `index_claims` and write the
match keys with `matching.match_key_writer` (or re-save).
"""

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, router
from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, TextField, Value
from django.db.models.functions import NullIf, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import fuzz, process

from annotations import parsing
from annotations.matching import embedding, normalise, store_match_keys
from annotations.models import Annotation, Claim, Document, Rating, Verdict
from annotations.permissions import Action, Viewer, claims_with_state, filter_state, require

CONFIG = "english"
MAX_QUERY_CHARS = 500
MAX_TERMS = 20
MAX_LIMIT = 200
KINDS = ("claim", "verdict", "annotation")

# PostgreSQL's english stop words (snowball): ignored in queries, as websearch_to_tsquery does.
_STOP_WORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Fields a search vector is built from, with their weight (A ranks above B).
VECTOR_FIELDS = {
    Claim: (("text", "A"), ("restatement", "B")),
    Annotation: (("summary", "A"), ("note", "B")),
    Verdict: (("summary", "A"), ("correction_note", "B"), ("retraction_note", "B")),
}
WEIGHTS = {"A": 1.0, "B": 0.4}

# ts_headline puts these around matches; they become <mark> after the text is escaped.
_START, _STOP = "\ue000", "\ue001"
# Claims and verdict summaries are short: shown whole up to 60 words. Notes are long:
# two fragments around the matches.
_HEADLINE = {
    Claim: {"max_words": 60, "min_words": 30},
    Verdict: {"max_words": 60, "min_words": 30},
    Annotation: {"max_words": 30, "min_words": 12, "max_fragments": 2, "fragment_delimiter": " … "},
}
SNIPPET_CHARS = 240

_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
_PHRASE = re.compile(r"\"([^\"]*)\"")


class SearchError(ValueError):
    """The query cannot be searched; the message says why, for the user (400), and
    `field` names the parameter at fault."""

    def __init__(self, message: str, field: str = "q"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "claim", "verdict" or "annotation"
    pk: int  # of the claim, verdict or annotation
    claim: Claim  # with its document loaded
    rank: float
    snippet: SafeString  # escaped text, matches in <mark>
    annotation: Annotation | None = None
    verdict: Verdict | None = None

    @property
    def document(self) -> Document:
        return self.claim.document


# --- the query -----------------------------------------------------------------------


def parse_query(q: str) -> list[tuple[str, ...]]:
    """The terms of a query: a 1-tuple per word, a longer tuple per quoted phrase.
    Raises SearchError for an empty, too long or wordless query."""
    q = (q or "").replace("\u201c", '"').replace("\u201d", '"').replace("\x00", " ").strip()
    if not q:
        raise SearchError("Type one or more words to search for.")
    if len(q) > MAX_QUERY_CHARS:
        raise SearchError(f"A search can be at most {MAX_QUERY_CHARS} characters long.")
    terms: list[tuple[str, ...]] = []

    def add_words(text: str) -> None:
        for word in _WORD.findall(text.casefold()):
            if word not in STOP_WORDS and (word,) not in terms:
                terms.append((word,))

    position = 0
    for match in _PHRASE.finditer(q):
        add_words(q[position : match.start()])
        words = tuple(_WORD.findall(match.group(1).casefold()))
        if len(words) > 1 and any(w not in STOP_WORDS for w in words):
            if words not in terms:
                terms.append(words)
        else:
            add_words(match.group(1))
        position = match.end()
    add_words(q[position:])
    if not terms:
        raise SearchError(
            "Search for at least one word: punctuation, operators and common words such "
            "as “the” are ignored."
        )
    if len(terms) > MAX_TERMS:
        raise SearchError(f"Search for at most {MAX_TERMS} words and phrases.")
    return terms


def websearch_text(terms: list[tuple[str, ...]]) -> str:
    """The terms as websearch_to_tsquery input: words and quoted phrases, nothing else."""
    return " ".join(t[0] if len(t) == 1 else '"' + " ".join(t) + '"' for t in terms)


def _stem(word: str) -> str:
    """A crude prefix shared by a word's forms ("countries", "country" → "countr"), for
    the SQLite fallback; PostgreSQL stems properly."""
    for suffix in ("ies", "ing", "ed", "es", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _term_pattern(term: tuple[str, ...]) -> str:
    if len(term) == 1:
        # A word's forms: the stem and a short ending ("countr" → country, countries),
        # not any word it starts ("war" → warplanes).
        return r"\b" + re.escape(_stem(term[0])) + r"\w{0,4}\b"
    return r"\b" + r"\W+".join(re.escape(w) for w in term) + r"\b"


# --- keeping vectors current ---------------------------------------------------------


def _vector(model, values: dict):
    """The search vector of one row of the model: `values` maps field names to
    expressions (F() for an UPDATE over rows, Value() for one instance)."""
    vector = None
    for name, weight in VECTOR_FIELDS[model]:
        part = SearchVector(values[name], weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


def _is_postgres(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def claim_vector_sql(connection) -> tuple[str, list]:
    """SQL and parameters of a claim's search vector over the columns of the claims
    table, as index_claims writes it (PostgreSQL)."""
    fields = {name: F(name) for name, _ in VECTOR_FIELDS[Claim]}
    query = Claim.objects.annotate(vector=_vector(Claim, fields)).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(query.annotations["vector"])
    return sql, list(params)


def index_claims(document) -> None:
    """Build the search vectors of a document's claims in one UPDATE (PostgreSQL)."""
    alias = router.db_for_write(Claim)
    if _is_postgres(alias):
        fields = {name: F(name) for name, _ in VECTOR_FIELDS[Claim]}
        Claim.objects.using(alias).filter(document=document).update(
            search_vector=_vector(Claim, fields)
        )


def index_annotations(ids) -> None:
    """Build the search vectors of annotations written in bulk, in one UPDATE
    (PostgreSQL): bulk_create passes no save() through indexed_save, and an expression a
    row in its INSERT would cost Django more to compile than this UPDATE costs."""
    alias = router.db_for_write(Annotation)
    if _is_postgres(alias) and ids:
        fields = {name: F(name) for name, _ in VECTOR_FIELDS[Annotation]}
        Annotation.objects.using(alias).filter(pk__in=ids).update(
            search_vector=_vector(Annotation, fields)
        )


@contextmanager
def indexed_save(instance, save_kwargs: dict):
    """Wrap Model.save() of a Claim, Annotation or Verdict so that the same INSERT or
    UPDATE also writes the claim's folded `match_text` and, on PostgreSQL, the
    `search_vector`, when a field they are built from is being saved. Adds them to
    `update_fields` when the caller named fields. After a claim's save that created it
    or changed its `match_text`, writes its match keys (ClaimMatchKey)."""
    model = type(instance)
    update_fields = save_kwargs.get("update_fields")
    named = None if update_fields is None else set(update_fields)
    deferred = instance.get_deferred_fields()

    def saving(name: str) -> bool:
        return name in named if named is not None else name not in deferred

    added = []
    keys = None  # a claim's match keys to write after the save: "new", "replace" or None
    if model is Claim and saving("text"):
        before = instance.__dict__.get("match_text")  # None when deferred: unknown
        instance.match_text = normalise(instance.text)
        if before != instance.match_text or instance.__dict__.get("match_vector") is None:
            instance.match_vector = embedding.stored([instance.match_text])[0]
            added.append("match_vector")
        added.append("match_text")
        if instance._state.adding and instance.pk is None:
            keys = "new"
        elif before != instance.match_text:
            keys = "replace"
    if model is Claim and keys is None and named is not None and "restatement" in named:
        keys = "replace"  # the restatement's terms are looked up too
    alias = save_kwargs.get("using") or router.db_for_write(model, instance=instance)
    sources = [name for name, _ in VECTOR_FIELDS[model]]
    vector = _is_postgres(alias) and any(saving(name) for name in sources)
    if vector:
        values = {name: Value(getattr(instance, name) or "") for name in sources}
        instance.search_vector = _vector(model, values)
        added.append("search_vector")
    if named is not None and added:
        save_kwargs["update_fields"] = [*update_fields, *(f for f in added if f not in named)]
    try:
        yield
    finally:
        if vector:
            # The expression was written; the vector itself is the database's, so the
            # field is left deferred (reading it loads it).
            instance.__dict__.pop("search_vector", None)
    if keys:
        store_match_keys(instance, using=alias, replace=keys == "replace")


# --- searching -----------------------------------------------------------------------


def _id(value, model, name: str):
    if value is None or value == "":
        return None
    if isinstance(value, model):
        return value.pk
    try:
        return parsing.parse_id(value if isinstance(value, str) else str(value), name)
    except parsing.InvalidValue:
        raise SearchError(f"“{value}” is not a valid {name}.", field=name) from None


def _date(value, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SearchError(f"Give {name} as a date, YYYY-MM-DD.", field=name) from None


def _claim_filter(prefix: str, *, document, speaker, state, user, date_from, date_to) -> Q:
    q = Q()
    if document is not None:
        q &= Q(**{f"{prefix}document_id": document})
    if speaker:
        q &= Q(**{f"{prefix}speaker__iexact": speaker.strip()})
    if date_from is not None:
        q &= Q(**{f"{prefix}document__published__gte": date_from})
    if date_to is not None:
        q &= Q(**{f"{prefix}document__published__lte": date_to})
    if state:
        q &= Q(**{f"{prefix}pk__in": _claims_in_state(state, user)})
    return q


def _listed(document):
    """Q(prefix) for claims of documents in the lists: an archived document is out of
    the desk's search, unless asked for by name (`document`). Its verdicts are not
    filtered: a published fact-check stays findable."""

    def q(prefix: str) -> Q:
        return Q() if document else Q(**{f"{prefix}document__archived_at": None})

    return q


def _claims_in_state(state: str, user):
    """A subquery of the claims in the derived state, as the user sees it (see
    permissions.claims_with_state: a blind desk's annotator counts only their own work on
    claims they have not submitted on)."""
    return filter_state(claims_with_state(user, Claim.objects.all()), state).values("pk")


def search(
    user,
    workspace,
    q: str,
    *,
    document=None,
    speaker: str | None = None,
    rating=None,
    state: str | None = None,
    date_from=None,
    date_to=None,
    kinds=KINDS,
    limit: int = 50,
) -> list[SearchHit]:
    """The claims, verdicts and annotations of the workspace that have every word and
    phrase of `q`, best first, at most `limit`. Annotations are those the user may see
    (hidden ones only for editors; blind mode applies). Claims and annotations of an
    archived document only when `document` names it; verdicts always. Filters:
    `document` (a Document or id), `speaker` (the claim's, any case), `rating` (a Rating
    or id: a claim's current published verdict, a verdict's or an annotation's rating),
    `state` (the claim's derived state), `date_from` / `date_to` (the document's
    publication date, inclusive; dates or YYYY-MM-DD), `kinds` (any of "claim",
    "verdict", "annotation").

    Raises SearchError (a 400) for a query or filter that cannot be searched, and
    NotVisible when the user is not a member of the workspace.

    Queries: one per kind searched (3), whatever the data; plus the user's roles once
    per user object."""
    require(user, Action.DOCUMENT_READ, workspace)
    terms = parse_query(q)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise SearchError(f"Unknown kinds: {', '.join(sorted(unknown))}.")
    if state and state not in Claim.State.values:
        raise SearchError(
            f"Unknown state “{state}”; use one of {', '.join(Claim.State.values)}.", field="state"
        )
    if speaker and "\x00" in speaker:
        # PostgreSQL takes no NUL, not even in a comparison.
        raise SearchError("The speaker may not contain NUL characters.", field="speaker")
    try:
        limit = max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError):
        raise SearchError("The limit must be a number.") from None
    filters = {
        "document": _id(document, Document, "document"),
        "speaker": speaker,
        "state": state,
        "user": user,
        "date_from": _date(date_from, "date_from"),
        "date_to": _date(date_to, "date_to"),
    }
    rating_id = _id(rating, Rating, "rating")
    current = Q(is_current=True, retracted_at__isnull=True)
    listed = _listed(filters["document"])
    sets = {}
    if "claim" in kinds:
        claims = Claim.objects.filter(listed(""), document__workspace=workspace)
        claims = claims.filter(_claim_filter("", **filters)).select_related("document")
        if rating_id is not None:
            verdicts = Verdict.objects.filter(current, claim=OuterRef("pk"), rating_id=rating_id)
            claims = claims.filter(Exists(verdicts))
        sets["claim"] = claims
    if "verdict" in kinds:
        verdicts = Verdict.objects.filter(claim__document__workspace=workspace)
        verdicts = verdicts.filter(_claim_filter("claim__", **filters))
        if rating_id is not None:
            verdicts = verdicts.filter(rating_id=rating_id)
        sets["verdict"] = verdicts.select_related("claim__document", "rating")
    if "annotation" in kinds:
        annotations = Viewer(user, workspace).annotations().filter(listed("claim__"))
        annotations = annotations.filter(_claim_filter("claim__", **filters))
        if rating_id is not None:
            annotations = annotations.filter(rating_id=rating_id)
        sets["annotation"] = annotations.select_related("claim__document", "rating", "author")
    hits = _run(sets, terms, limit)
    hits.sort(key=lambda h: (-h.rank, KINDS.index(h.kind), h.pk))
    return hits[:limit]


def _run(sets: dict, terms, limit) -> list[SearchHit]:
    if _is_postgres(router.db_for_read(Claim)):
        hits = [hit for kind, qs in sets.items() for hit in _search_pg(kind, qs, terms, limit)]
    else:
        hits = [hit for kind, qs in sets.items() for hit in _search_fallback(kind, qs, terms)]
    if not hits and "claim" in sets:
        hits = _typo_fallback(sets["claim"], terms, limit)
    return hits


# --- forgiving typos -----------------------------------------------------------------

TYPO_SIMILARITY = 0.4  # pg_trgm word_similarity of a word and the closest part of a claim
TYPO_RATIO = 80  # rapidfuzz ratio (0-100) of a query word and a word of the claim
TYPO_SCAN = 20_000  # SQLite: at most this many claims read for the fallback


def _typo_fallback(claims, terms, limit) -> list[SearchHit]:
    """When no claim, verdict or annotation has every word: the claims that have a word
    close to each query word ("Sovjet" finds "Soviet"), best first. PostgreSQL:
    pg_trgm's word_similarity; SQLite: rapidfuzz over the words of the claims."""
    words = [w for term in terms for w in term if not w.isdigit()]
    if not words:
        return []
    if _is_postgres(router.db_for_read(Claim)):
        score = None
        for i, word in enumerate(words):
            part = Func(
                Value(word), F("text"), function="word_similarity", output_field=FloatField()
            )
            claims = claims.alias(**{f"typo_{i}": part}).filter(
                **{f"typo_{i}__gte": TYPO_SIMILARITY}
            )
            score = part if score is None else score + part
        rows = claims.annotate(typo_rank=score / len(words)).order_by("-typo_rank", "pk")[:limit]
        found = [(row, float(row.typo_rank)) for row in rows]
    else:
        found = []
        for claim in claims[:TYPO_SCAN]:
            own = _WORD.findall(claim.text.casefold())
            scores = [process.extractOne(w, own, scorer=fuzz.ratio) if own else None for w in words]
            if all(s and s[1] >= TYPO_RATIO for s in scores):
                found.append((claim, sum(s[1] for s in scores) / 100 / len(words)))
    hits = []
    for claim, rank in found:
        near = [
            w
            for w in _WORD.findall(claim.text)
            if any(fuzz.ratio(w.casefold(), q) >= TYPO_RATIO for q in words)
        ]
        patterns = [re.compile(r"\b" + re.escape(w) + r"\b") for w in dict.fromkeys(near)]
        hits.append(SearchHit("claim", claim.pk, claim, rank / 10, snippet(claim.text, patterns)))
    return hits


def _hit(kind: str, obj, rank: float, snippet: SafeString) -> SearchHit:
    if kind == "claim":
        return SearchHit(kind, obj.pk, obj, rank, snippet)
    if kind == "verdict":
        return SearchHit(kind, obj.pk, obj.claim, rank, snippet, verdict=obj)
    return SearchHit(kind, obj.pk, obj.claim, rank, snippet, annotation=obj)


def _shown_text(obj) -> str:
    """What a snippet is cut from: the object's searched fields, joined."""
    return " — ".join(
        getattr(obj, name) for name, _ in VECTOR_FIELDS[type(obj)] if getattr(obj, name)
    )


def _search_pg(kind, queryset, terms, limit) -> list[SearchHit]:
    model = queryset.model
    query = SearchQuery(websearch_text(terms), search_type="websearch", config=CONFIG)
    shown = Func(
        Value(" — "),
        *(NullIf(F(name), Value("")) for name, _ in VECTOR_FIELDS[model]),
        function="concat_ws",
        output_field=TextField(),
    )
    # ts_headline drops whatever looks like an HTML tag: give it the text HTML-escaped,
    # so nothing is lost, and unescape its answer before escaping it again ourselves.
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        shown = Replace(shown, Value(char), Value(entity))
    rows = (
        queryset.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                shown, query, config=CONFIG, start_sel=_START, stop_sel=_STOP, **_HEADLINE[model]
            ),
        )
        .order_by("-rank", "pk")[:limit]
    )
    return [_hit(kind, row, float(row.rank), _marked_headline(row.headline)) for row in rows]


def _marked_headline(headline: str) -> SafeString:
    out, open_mark = [], False
    for part in re.split(f"([{_START}{_STOP}])", headline or ""):
        if part == _START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == _STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(escape(html.unescape(part)))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # every piece of text was escaped above


def _search_fallback(kind, queryset, terms) -> list[SearchHit]:
    model = queryset.model
    patterns = [_term_pattern(term) for term in terms]
    for term, pattern in zip(terms, patterns, strict=True):
        # LIKE first (native, fast) narrows the rows the regular expression (a Python
        # function in SQLite) runs on.
        likely, anywhere = Q(), Q()
        for name, _ in VECTOR_FIELDS[model]:
            likely |= Q(**{f"{name}__icontains": _stem(term[0]) if len(term) == 1 else term[0]})
            anywhere |= Q(**{f"{name}__iregex": pattern})
        queryset = queryset.filter(likely & anywhere)
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    hits = []
    for obj in queryset:
        rank = sum(
            WEIGHTS[weight] * len(regex.findall(getattr(obj, name) or ""))
            for regex in compiled
            for name, weight in VECTOR_FIELDS[model]
        )
        hits.append(_hit(kind, obj, rank / 10, snippet(_shown_text(obj), compiled)))
    return hits


def snippet(text: str, patterns, width: int = SNIPPET_CHARS) -> SafeString:
    """Safe HTML: an excerpt of the text around the first match, escaped, with every
    match inside it in <mark>."""
    spans = sorted({m.span() for regex in patterns for m in regex.finditer(text)})
    start, end = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = min(len(text), start + width)
        space = text.find(" ", end)
        end = len(text) if space == -1 else space
    out, position = [], start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        out.append(escape(text[position:span_start]))
        out.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    out.append(escape(text[position:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # the text was escaped above
