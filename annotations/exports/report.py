"""The published report of a document, shared by html, pdf, md and claimreview.

What a reader may see: each claim's current published verdict (rating, summary, the
sources snapshotted with it, who checked, reviewed and published it) and the claim's
earlier verdicts as its correction history; a verdict retracted by an editor stays
listed as retracted, with the editor's note. With `include_approved`, claims with no
published verdict also show their approved annotations, labelled as not yet published.
Hidden annotations and all comments stay out.

The reasoning note is not part of a verdict's snapshot, so it is taken from the verdict's
annotation only while that annotation is visible and approved: a note edited after
publication (back to `submitted`) is not yet reviewed and stays out until approved again.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from annotations.exports.loading import VERDICT_PEOPLE, ratings_of
from annotations.models import Annotation, Claim, Comment, Rating, Source, Verdict
from annotations.permissions import public_annotations, public_approvals, visible_annotations
from annotations.text import transcripts


def display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def is_http_url(url) -> bool:
    """Snapshotted sources are JSON, not constrained by the database: check again."""
    return isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https")


@dataclass(frozen=True)
class ReportSource:
    url: str
    title: str
    publisher: str
    published: str
    stance: str
    archive_url: str
    excerpt: str


def report_sources(items) -> list[ReportSource]:
    """Sources from a verdict snapshot (dicts with Source's field names) or Source rows."""
    result = []
    for item in items:
        get = item.get if isinstance(item, dict) else lambda key, obj=item: getattr(obj, key, "")
        url = get("url") or ""
        if not is_http_url(url):
            continue
        archive = get("archive_url") or ""
        published = get("published") or ""
        if hasattr(published, "isoformat"):
            published = published.isoformat()
        result.append(
            ReportSource(
                url=url.strip(),
                title=str(get("title") or ""),
                publisher=str(get("publisher") or ""),
                published=str(published),
                stance=str(get("stance") or ""),
                archive_url=archive.strip() if is_http_url(archive) else "",
                excerpt=str(get("excerpt") or ""),
            )
        )
    return result


@dataclass
class ApprovedWork:
    """An approved annotation of a claim without a published verdict (include_approved)."""

    annotation: Annotation
    reviewed_by: object | None
    sources: list[ReportSource]

    @property
    def rating(self):
        return self.annotation.rating

    @property
    def summary(self):
        return self.annotation.summary

    @property
    def note(self):
        return self.annotation.note

    @property
    def checked_by(self):
        return self.annotation.author


def said(speaker: str, seconds: int | None) -> str:
    """ "JANE DOE, at 0:12:31", "JANE DOE", "at 0:12:31" or "": who said a claim, when."""
    if seconds is None:
        return speaker
    time = transcripts.clock(seconds)
    return f"{speaker}, at {time}" if speaker else f"at {time}"


@dataclass
class Entry:
    number: int
    claim: Claim
    verdict: Verdict | None = None  # the current one, published or retracted
    history: list[Verdict] = field(default_factory=list)  # earlier ones, oldest first
    approved: list[ApprovedWork] = field(default_factory=list)
    note: str = ""  # Markdown reasoning of the current verdict, when it may be shown
    sources: list[ReportSource] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.verdict is not None and self.verdict.retracted_at is None

    @property
    def anchor(self) -> str:
        return f"claim-{self.claim.pk}"

    @property
    def said(self) -> str:
        """Who said the claim and when, where that is the claim's own (a transcript's
        turn), not the document's: "JANE DOE (D-NY), at 0:12:31"; else ""."""
        speaker = self.claim.speaker if self.claim.speaker != self.claim.document.speaker else ""
        return said(speaker, self.claim.spoken_at)

    @property
    def first_published_at(self) -> datetime | None:
        verdicts = [*self.history, self.verdict] if self.verdict else self.history
        return verdicts[0].published_at if verdicts else None


@dataclass(frozen=True)
class RatingCount:
    rating: Rating
    count: int
    percent: float  # of the largest count, for the chart's bar widths


@dataclass
class Report:
    document: object
    workspace: object
    include_approved: bool
    generated_at: datetime
    entries: list[Entry]
    rating_counts: list[RatingCount]
    ordinal_ratings: list[Rating]

    @property
    def published_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.published]

    @property
    def published_count(self) -> int:
        return len(self.published_entries)

    @property
    def approved_count(self) -> int:
        return sum(1 for e in self.entries if e.approved)

    @property
    def is_empty(self) -> bool:
        return not self.entries

    @property
    def url(self) -> str:
        return report_url(self.document)

    def claim_url(self, entry: Entry) -> str:
        return f"{self.url}#{entry.anchor}"

    def highlighted_text(self) -> SafeString:
        return highlight(self.document.text, self.entries)


def report_url(document) -> str:
    """The public report page when the report is published; otherwise the document's page
    in the workbench (members only), since a /reports/ URL that does not exist yet would
    mislead whoever ingests a ClaimReview built before publication."""
    if document.report_slug and document.report_published_at:
        path = reverse("report", args=[document.report_slug])
    else:
        path = reverse("document", args=[document.pk])
    return f"{settings.SITE_URL}{path}"


def build_report(document, *, include_approved=False, user=None) -> Report:
    """Queries: workspace (unless cached), ratings, claims with a verdict (or approved
    work), their verdicts, the verdicts' annotations (for notes), the people named; with
    include_approved also approved annotations, their sources and their approvals.
    Related rows are grouped in Python rather than with prefetch_related, whose
    per-instance QuerySets cost more than the queries for thousands of claims."""
    workspace = document.workspace
    ratings = ratings_of(workspace)
    rating_by_id = {r.pk: r for r in ratings}
    # Approved work without a verdict is the desk's, not yet the public's: a member sees
    # only what they may see of it (a blind desk's annotator: not colleagues' work on
    # claims they have not submitted on); user=None is the published report or the system.
    approved_qs = public_annotations(Annotation.objects.filter(claim__document=document))
    if include_approved and user is not None:
        approved_qs = visible_annotations(user, approved_qs)
    condition = Q(Exists(Verdict.objects.filter(claim=OuterRef("pk"))))
    if include_approved:
        condition |= Q(Exists(approved_qs.filter(claim=OuterRef("pk"))))
    claims = list(
        Claim.objects.filter(document=document).filter(condition).order_by("start", "end", "id")
    )
    for claim in claims:
        claim.document = document  # Entry.said compares speakers: no query per claim
    verdicts = list(Verdict.objects.filter(claim__document=document).order_by("published_at", "id"))
    notes = {
        a.pk: a.note
        for a in public_annotations(
            Annotation.objects.filter(
                pk__in=[v.annotation_id for v in verdicts if v.is_current and v.annotation_id]
            )
        ).only("id", "note")
    }
    work = _ApprovedWork.load(approved_qs) if include_approved else _ApprovedWork()
    users = _people(verdicts, work)
    for verdict in verdicts:
        verdict.rating = rating_by_id[verdict.rating_id]
        for name in VERDICT_PEOPLE:
            user_id = getattr(verdict, f"{name}_id")
            setattr(verdict, name, users.get(user_id) if user_id else None)
    for annotation in work.annotations:
        annotation.author = users[annotation.author_id]
        annotation.rating = rating_by_id[annotation.rating_id]
    entries = _entries(claims, verdicts, notes, work, users, include_approved)
    counts = Counter(e.verdict.rating_id for e in entries if e.published)
    top = max(counts.values(), default=0)
    rating_counts = [
        RatingCount(r, counts.get(r.pk, 0), 100.0 * counts.get(r.pk, 0) / top if top else 0.0)
        for r in ratings
    ]
    return Report(
        document=document,
        workspace=workspace,
        include_approved=include_approved,
        generated_at=timezone.now(),
        entries=entries,
        rating_counts=rating_counts,
        ordinal_ratings=[r for r in ratings if r.ordinal],
    )


@dataclass
class _ApprovedWork:
    """Approved annotations without a verdict, with their sources and who approved them."""

    annotations: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # annotation id -> [Source]
    approvals: dict = field(default_factory=dict)  # annotation id -> approver's user id

    @classmethod
    def load(cls, approved_qs) -> "_ApprovedWork":
        work = cls(annotations=list(approved_qs.order_by("created_at", "id")))
        ids = [a.pk for a in work.annotations]
        for source in Source.objects.filter(annotation_id__in=ids).order_by("position", "id"):
            work.sources.setdefault(source.annotation_id, []).append(source)
        approvals = public_approvals(Comment.objects.filter(annotation_id__in=ids))
        for comment in approvals.order_by("created_at", "id"):
            work.approvals[comment.annotation_id] = comment.author_id  # the latest wins
        return work


def _people(verdicts, work) -> dict:
    """The users the report names, by id, in one query."""
    user_ids = {getattr(v, f"{n}_id") for v in verdicts for n in VERDICT_PEOPLE}
    user_ids |= {a.author_id for a in work.annotations} | set(work.approvals.values())
    return {
        u.pk: u
        for u in get_user_model()
        ._default_manager.filter(pk__in=user_ids - {None})
        .only("id", "username", "first_name", "last_name")
    }


def _entries(claims, verdicts, notes, work, users, include_approved) -> list[Entry]:
    verdicts_of, approved_of = defaultdict(list), defaultdict(list)
    for verdict in verdicts:
        verdicts_of[verdict.claim_id].append(verdict)
    for annotation in work.annotations:
        approved_of[annotation.claim_id].append(annotation)
    entries = []
    for claim in claims:
        entry = Entry(number=claim.number, claim=claim)
        claim_verdicts = verdicts_of.get(claim.pk, [])
        current = next((v for v in claim_verdicts if v.is_current), None)
        entry.history = [v for v in claim_verdicts if v is not current]
        if current is not None:
            entry.verdict = current
            entry.sources = report_sources(current.sources or [])
            entry.note = notes.get(current.annotation_id, "")
        if include_approved and not entry.published:
            entry.approved = [
                ApprovedWork(
                    annotation=a,
                    reviewed_by=users.get(work.approvals.get(a.pk)),
                    sources=report_sources(work.sources.get(a.pk, [])),
                )
                for a in approved_of.get(claim.pk, [])
            ]
        if entry.verdict is not None or entry.history or entry.approved:
            entries.append(entry)
    return entries


def clusters(entries: list[Entry]) -> list[tuple[int, int, list[Entry]]]:
    """The reported claims grouped where they overlap, in text order:
    (start, end, entries). No claim crosses a cluster's bounds, so one cluster is marked
    again (a new verdict, the public page's live updates) without touching the rest."""
    groups: list[tuple[int, int, list[Entry]]] = []
    ordered = sorted(entries, key=lambda e: (e.claim.start, e.claim.end, e.claim.pk))
    for entry in ordered:
        start, end = entry.claim.start, entry.claim.end
        if start >= end:
            continue
        if groups and start < groups[-1][1]:
            low, high, members = groups[-1]
            groups[-1] = (low, max(high, end), [*members, entry])
        else:
            groups.append((start, end, [entry]))
    return groups


def highlight(text: str, entries: list[Entry]) -> SafeString:
    """The document text, escaped, with each reported claim marked and numbered; each
    cluster of overlapping claims in a span that names its bounds (code points)."""
    parts, at = [], 0
    for start, end, members in clusters(entries):
        start, end = min(start, len(text)), min(end, len(text))
        if start >= end:
            continue
        parts.append(escape(text[at:start]))
        parts.append(cluster_html(text, start, end, members))
        at = end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # every piece is escaped


def cluster_html(text: str, low: int, high: int, entries: list[Entry]) -> SafeString:
    """One cluster of claims, marked. Claims may overlap, so the text is cut at every
    claim boundary and each piece is marked with the claims covering it; the number
    links to the claim's verdict."""
    starts: dict[int, list[Entry]] = {}
    bounds = {low, high}
    for entry in entries:
        start, end = entry.claim.start, min(entry.claim.end, high)
        starts.setdefault(start, []).append(entry)
        bounds.update((start, end))
    cuts = sorted(bounds)
    covering: list[Entry] = []
    parts = [format_html('<span class="claims" data-start="{}" data-end="{}">', low, high)]
    for left, right in zip(cuts, cuts[1:], strict=False):
        covering = [e for e in covering if e.claim.end > left] + starts.get(left, [])
        for entry in starts.get(left, []):
            parts.append(
                format_html(
                    '<a class="claim-number" id="text-{}" href="#{}">{}</a>',
                    entry.anchor,
                    entry.anchor,
                    entry.number,
                )
            )
        piece = escape(text[left:right])
        if covering:
            state = "published" if any(e.published for e in covering) else "other"
            parts.append(format_html('<mark class="{}">{}</mark>', state, piece))
        else:
            parts.append(piece)
    parts.append("</span>")
    return mark_safe("".join(parts))  # every piece is escaped above
