"""The reading pages: home, a workspace's documents, a document with its claims marked,
inter-annotator agreement, search, and the claim writes made from the document page."""

import hashlib
import secrets
import zlib
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations import parsing
from annotations.exports import FORMATS
from annotations.forms import ClaimDetailsForm, ClaimFilterForm
from annotations.models import (
    NO_SUCH_MEMBER,
    Annotation,
    Claim,
    Document,
    InvalidInput,
    NotVisible,
    Rating,
    Verdict,
    WorkflowError,
    Workspace,
)
from annotations.permissions import (
    Action,
    Viewer,
    can,
    claims_with_state,
    counted_annotations,
    filter_state,
    require,
    roles_of,
)
from annotations.search import SearchError, search
from annotations.text import anchoring, layout
from annotations.text.agreement import summarise
from annotations.web.common import (
    STATE_ICONS,
    STATE_LABELS,
    _claims_with_state,
    _posted,
    _readable_claim,
    _refused,
    _scale,
    _workspace_for,
)
from annotations.web.live import live_context
from annotations.web.live_documents import growing_context
from annotations.web.panel import _panel, _panel_context


@login_required
def home(request):
    """The user's workspaces, each with its most recent documents."""
    roles = roles_of(request.user)
    workspaces = Workspace.objects.filter(pk__in=roles.keys()).prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.filter(archived_at__isnull=True)
            .annotate(claim_count=Count("claims"))
            .defer("text"),
        )
    )
    rows = [(ws, roles[ws.pk]) for ws in workspaces]
    return render(
        request,
        "annotations/home.html",
        {"rows": rows, "can_create": can(request.user, "workspace.create", None)},
    )


def _count_per_document(queryset):
    """A subquery counting the rows of `queryset` (claims) per outer document."""
    counted = (
        queryset.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@login_required
def workspace_detail(request, slug):
    """The workspace's documents, each with its progress and published ratings."""
    workspace = _workspace_for(request, slug)
    archived = request.GET.get("archived") == "1"
    # The counts come from the work this user may see (blind desks: their own only,
    # until they submit on a claim), like the document page's colours.
    claims = claims_with_state(request.user, Claim.objects.all())
    # Queries: documents with four counts (subqueries), the scale, the published ratings.
    documents = list(
        workspace.documents.filter(archived_at__isnull=not archived)
        .defer("text")
        .annotate(
            claim_count=_count_per_document(Claim.objects.all()),
            annotated_count=_count_per_document(claims.filter(has_annotation=True)),
            approved_count=_count_per_document(claims.filter(has_approved=True)),
            published_count=_count_per_document(claims.filter(has_verdict=True)),
        )
    )
    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    distribution = defaultdict(dict)
    for document_id, rating_id, n in (
        Verdict.objects.filter(
            claim__document__workspace=workspace, is_current=True, retracted_at__isnull=True
        )
        .values_list("claim__document_id", "rating_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        distribution[document_id][rating_id] = n
    for document in documents:
        document.rating_bar = rating_bar(ratings, distribution.get(document.pk, {}))
    return render(
        request,
        "annotations/workspace.html",
        {
            "workspace": workspace,
            "documents": documents,
            "can_manage": can(request.user, "workspace.manage", workspace),
            "can_import": can(request.user, "document.import", workspace),
            "archived": archived,
        },
    )


BAR_WIDTH, BAR_HEIGHT = 120, 12


def rating_bar(ratings, counts: dict[int, int]):
    """A small SVG bar of published ratings, in scale order; the label says it in words."""
    total = sum(counts.values())
    if not total:
        return mark_safe('<span class="muted">none published</span>')
    words = ", ".join(f"{r.label} {counts[r.pk]}" for r in ratings if counts.get(r.pk))
    parts, x = [], 0.0
    for r in ratings:
        n = counts.get(r.pk, 0)
        if not n:
            continue
        width = BAR_WIDTH * n / total
        parts.append((f"{x:.2f}", f"{width:.2f}", r.colour, f"{r.label}: {n}"))
        x += width
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        ((x, w, BAR_HEIGHT, c, t) for x, w, c, t in parts),
    )
    return format_html(
        '<svg class="rating-bar" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}">{}</svg> <span class="rating-bar-words">{}</span>',
        f"Published ratings: {words}",
        BAR_WIDTH,
        BAR_HEIGHT,
        BAR_WIDTH,
        BAR_HEIGHT,
        rects,
        words,
    )


@login_required
def document_detail(request, pk):
    """The document as the reader sees it, every claim marked; the claim panel opens beside
    it (lazily from the browser, or server-rendered for ?claim=N)."""
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    workspace = document.workspace
    role = Viewer(request.user, workspace).role
    ratings = _scale(workspace)
    # Queries: claims with their state, current verdict ratings, and (when filtering) the
    # ids of the claims that match.
    rows = _claim_rows(request.user, role, document)
    speakers = sorted({row[-1] for row in rows if row[-1]}, key=str.casefold)
    filters = ClaimFilterForm(request.GET or None, ratings=ratings, speakers=speakers)
    verdict_ratings = dict(
        Verdict.objects.filter(
            claim__document=document, is_current=True, retracted_at__isnull=True
        ).values_list("claim_id", "rating_id")
    )
    shown = None
    if filters.active:
        shown = set(
            _filtered(request.user, role, document, filters.cleaned_data).values_list(
                "id", flat=True
            )
        )
    base_query = request.GET.copy()
    base_query.pop("claim", None)
    text_bytes, shown_count = _marked_text(
        document, rows, verdict_ratings, ratings, shown, escape(base_query.urlencode())
    )
    context_speakers = speakers if len(speakers) > 1 else []
    outline = _outline(document.text, rows)
    export_formats = [(name, exporter.label) for name, exporter in FORMATS.items()]
    context = {
        "document": document,
        "workspace": workspace,
        "role": role,
        "text_html": MARKED_TEXT_SLOT,
        "claim_count": len(rows),
        "outline": outline,
        "shown_count": shown_count,
        "filters": filters,
        "filtering": shown is not None,
        "speakers": context_speakers,
        "ratings": ratings,
        "is_reviewer": can(request.user, Action.ANNOTATION_REVIEW, workspace),
        "export_formats": export_formats,
        **live_context(request.user, document),
        **growing_context(document, role),
        # What the report would show, for the confirmation before publishing it.
        "report_counts": {
            "published": len(verdict_ratings),
            "approved": sum(1 for r in rows if r[7] and r[0] not in verdict_ratings),
        },
    }
    try:
        # The claim's number, as shown on the page (stable: see Claim.number).
        open_number = parsing.parse_id(request.GET.get("claim"), "claim", optional=True)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    if open_number is not None:
        claim = Claim.objects.filter(document=document, number=open_number).first()
        if claim is not None:
            context.update(_panel_context(request, claim), panel=True)
    return _page_with_text(request, context, text_bytes)


# Where the page's template puts the marked text, spliced in as bytes afterwards: a long
# document's marked text is a megabyte that would otherwise be decoded from the cache,
# copied by each template block and encoded again, on every view. A comment, so that no
# escaped content of the page can look like it.
MARKED_TEXT_SLOT = mark_safe(f"<!--marked-text-{secrets.token_hex(8)}-->")


def _page_with_text(request, context, text_bytes: bytes) -> HttpResponse:
    page = render_to_string("annotations/document.html", context, request)
    head, slot, tail = page.partition(MARKED_TEXT_SLOT)
    if not slot:
        raise ValueError("The document page's template has no place for the marked text.")
    return HttpResponse(b"".join((head.encode(), text_bytes, tail.encode())))


def _claim_rows(user, role, document) -> list[tuple]:
    """The document's claims in text order as plain rows (a long document has thousands):
    id, number, start, end, kind, not_checkable, has_verdict, has_approved,
    has_annotation, checked_before, speaker. The two work flags come from the claim's
    annotation level, read once (selecting both flags would have the database sum each
    claim's work twice); checked_before: the claim carries a mark of an earlier verdict or
    a reference fact-check that says the same."""
    claims = _claims_with_state(user, role, document).order_by("start", "end")
    return [
        (*row[:7], level >= 2, level >= 1, prior is not None or reference is not None, speaker)
        for *row, level, prior, reference, speaker in claims.values_list(
            "id",
            "number",
            "start",
            "end",
            "kind",
            "not_checkable",
            "has_verdict",
            "annotation_level",
            "prior_verdict_id",
            "prior_reference_id",
            "speaker",
        )
    ]


def _outline(text, rows) -> list[dict]:
    """The document's headings in reading order (its claims of kind heading), each with
    the id of its heading block in the marked text (layout: "at-<start>")."""
    headings = sorted((row for row in rows if row[4] == "heading"), key=lambda r: (r[2], -r[3]))
    return [
        {"number": number, "text": text[start:end], "anchor": f"at-{start}"}
        for _, number, start, end, *_ in headings
    ]


def _filtered(user, role, document, data):
    claims = _claims_with_state(user, role, document)
    if data.get("worthy"):
        claims = claims.check_worthy().filter(not_checkable=False)
    if data.get("state"):
        claims = filter_state(claims, data["state"])
    if data.get("mine"):
        claims = claims.filter(assignee=user)
    if data.get("prior"):
        claims = claims.filter(Q(prior_verdict__isnull=False) | Q(prior_reference__isnull=False))
    if data.get("speaker"):
        claims = claims.filter(speaker=data["speaker"])
    visible = counted_annotations(user).filter(claim=OuterRef("pk"))
    if data.get("review"):
        if not can(user, Action.ANNOTATION_REVIEW, document):
            return claims.none()
        claims = claims.filter(
            Exists(visible.filter(status=Annotation.Status.SUBMITTED).exclude(author=user))
        )
    if data.get("rating"):
        verdicts = Verdict.objects.filter(
            claim=OuterRef("pk"), is_current=True, retracted_at__isnull=True
        )
        claims = claims.filter(
            Exists(verdicts.filter(rating_id=data["rating"]))
            | Exists(visible.filter(rating_id=data["rating"]))
        )
    return claims


# Bump when the marked text's HTML changes, so cached renderings of the old form are not used.
MARKED_TEXT_VERSION = 4


MARKED_TEXT_SECONDS = 24 * 3600


def _marked_text(document, rows, verdict_ratings, ratings, shown, query) -> tuple[bytes, int]:
    """The document text with its claims marked (HTML, escaped, in UTF-8), and how many
    are marked. Cached under a digest of everything the HTML is made of (text, claim rows
    with their state, verdict ratings, the scale, the filter, the query string), so a
    cached copy is never stale: any change in what the reader may see gives another key."""
    digest = hashlib.blake2b(
        repr(
            (
                MARKED_TEXT_VERSION,
                document.pk,
                document.text_sha256,
                len(document.text),  # a live document's text grows under one mark
                rows,
                sorted(verdict_ratings.items()),
                [(r.pk, r.label, r.colour) for r in ratings],
                None if shown is None else sorted(shown),
                query,
            )
        ).encode(),
        digest_size=20,
    ).hexdigest()
    key = f"marked-text:{digest}"
    cached = cache.get(key)
    if cached is not None:
        packed, count = cached
        return zlib.decompress(packed), count
    by_rating = {r.pk: r for r in ratings}
    marked = [
        _marked(row, by_rating.get(verdict_ratings.get(row[0])), query, document.speaker)
        for row in rows
        if shown is None or row[0] in shown
    ]
    # Every claim shapes the blocks, so headings stay headings whatever the filter shows.
    structure = [layout.MarkedClaim(row[0], row[2], row[3], row[4]) for row in rows]
    html = layout.render(document.text, marked, structure).encode()  # escaped by layout
    # Compressed: a long document's marked text is a megabyte of repetitive markup, about a
    # tenth of that packed; cheap to pack and unpack, and kind to the cache's memory.
    cache.set(key, (zlib.compress(html, 1), len(marked)), MARKED_TEXT_SECONDS)
    return html, len(marked)


def _marked(row, rating, query, document_speaker) -> layout.MarkedClaim:
    """A claim row (id, number, start, end, kind, not_checkable, has_verdict, has_approved,
    has_annotation, checked_before, speaker) as the page marks it. `query` is the escaped
    filter query string. A speaker of the claim's own (a transcript's turn) is named in
    its label."""
    pk, number, start, end, kind, not_checkable, *state_flags, checked_before, said_by = row
    has_verdict, has_approved, has_annotation = state_flags
    state = Claim.derive_state(has_verdict, has_approved, has_annotation)
    # The link's name is its own text (hidden words around the visible ones), so what a
    # speech-input user reads on the badge is part of its accessible name: "Claim 2
    # published, rated False". Browsers put a space around hidden (positioned) words.
    said = STATE_LABELS[state]
    if not_checkable:
        said += ", not checkable"
    attrs = f' data-state="{state}" data-number="{number}"'
    checked_html = ""
    if checked_before:
        # An earlier verdict or a reference fact-check says the same (the panel names it).
        said += ", checked before"
        attrs += " data-checked-before"
        checked_html = '<span class="claim-checked" aria-hidden="true">↺</span>'
    if said_by and said_by != document_speaker:
        said = f"said by {escape(said_by)}, {said}"
        attrs += f' data-speaker="{escape(said_by)}" title="{escape(said_by)}"'
    rating_html = ""
    if rating is not None:
        said += ", rated"
        attrs += f' data-rating="{rating.pk}"'
        attrs += f' style="--rating: {rating.colour}"'
        rating_html = f'<span class="claim-rating">{escape(rating.label)}</span>'
    href = f"?{query}&amp;claim={number}" if query else f"?claim={number}"
    badge = (
        f'<a class="claim-badge" href="{href}#claim-{pk}" data-claim="{pk}">'
        f'<span class="visually-hidden">Claim</span><span class="claim-no">{number}</span>'
        f'<span class="claim-icon" aria-hidden="true">{STATE_ICONS[state]}</span>'
        f'{checked_html}<span class="visually-hidden claim-state">{said}</span>{rating_html}</a>'
    )
    return layout.MarkedClaim(pk, start, end, kind, attrs, badge)


@login_required
@require_GET
def document_agreement(request, pk):
    """Inter-annotator agreement on the document, for its reviewers and editors: loaded
    when they open it on the document page (a page of its own without htmx)."""
    document = get_object_or_404(Document.objects.select_related("workspace").defer("text"), pk=pk)
    # Agreement compares colleagues' ratings: for those who see everyone's work.
    if not can(request.user, Action.ANNOTATION_REVIEW, document):
        raise Http404("No such document.")
    context = {"document": document, "agreement": agreement_report(document, request.user)}
    if request.htmx:
        return render(request, "annotations/agreement_summary.html", context)
    return render(request, "annotations/agreement.html", context)


def agreement_report(document, user=None):
    ratings = (
        counted_annotations(user)
        .filter(
            claim__document=document,
            status__in=[Annotation.Status.SUBMITTED, Annotation.Status.APPROVED],
        )
        .exclude(rating=None)
        .order_by("claim__start", "claim__end", "claim_id")
        .values_list(
            "claim__number",
            "claim_id",
            "author_id",
            "rating__label",
            "rating__ordinal",
            "rating__position",
        )
    )
    # Each claim as (its number, its id): the number to show, the id to link.
    return summarise(((number, pk), *rest) for number, pk, *rest in ratings)


@login_required
def workspace_search(request, slug):
    """Search the desk's claims, annotations and verdicts: have we checked this before?"""
    workspace = _workspace_for(request, slug)
    q = request.GET.get("q", "").strip()
    hits, error = [], ""
    if q:
        try:
            hits = search(
                request.user,
                workspace,
                q,
                speaker=request.GET.get("speaker") or None,
                state=request.GET.get("state") or None,
                rating=request.GET.get("rating") or None,
                limit=100,
            )
        except SearchError as exc:
            error = str(exc)
    return render(
        request,
        "annotations/search.html",
        {
            "workspace": workspace,
            "q": q,
            "hits": hits,
            "error": error,
            "states": Claim.State.choices,
            "ratings": Rating.objects.filter(scale__workspace=workspace),
            "selected": request.GET,
        },
    )


@login_required
@require_POST
def claim_create(request, pk):
    """A `selection` claim from a reader's selection: start/end in code points, validated
    and trimmed by anchoring.check_span. Answers JSON; an existing claim at the trimmed
    span is returned instead of a duplicate."""
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    try:
        require(request.user, Action.CLAIM_CREATE, document, "You cannot add claims here.")
    except NotVisible:
        raise Http404("No such document.") from None
    except WorkflowError as exc:
        return JsonResponse({"error": exc.message}, status=exc.status_code)
    try:
        # Negative offsets parse, so that check_span says what is wrong with them.
        start = parsing.parse_int(request.POST.get("start"), "start", low=-parsing.MAX_ID)
        end = parsing.parse_int(request.POST.get("end"), "end", low=-parsing.MAX_ID)
    except parsing.InvalidValue:
        return JsonResponse({"error": "Select some words of the text first."}, status=400)
    try:
        claim, created = Claim.from_selection(document, start, end, request.user)
    except anchoring.SpanError as exc:
        message = f"No claim added: {exc}." if str(exc) else "No claim added."
        return JsonResponse({"error": message}, status=400)
    return JsonResponse(
        {"id": claim.pk, "start": claim.start, "end": claim.end, "created": created},
        status=201 if created else 200,
    )


@login_required
@require_POST
def claim_details(request, pk):
    claim = _readable_claim(request, pk)
    form = ClaimDetailsForm(request.POST)
    if not form.is_valid():
        # An invalid field keeps what is stored: nothing is saved.
        field, errors = next(iter(form.errors.items()))
        return _panel(request, claim, error=InvalidInput(f"{field}: {errors[0]}", field=field))
    try:
        claim.update_details(
            request.user,
            restatement=form.cleaned_data["restatement"].strip(),
            not_checkable=form.cleaned_data["not_checkable"],
        )
    except WorkflowError as exc:
        return _panel(request, claim, error=exc)
    return _panel(request, claim, message="Claim details saved.")


@login_required
@require_POST
def claim_assign(request, pk):
    claim = _readable_claim(request, pk)
    try:
        assignee_id = _posted(request, "assignee", parsing.parse_id, optional=True)
    except InvalidInput as exc:
        return _refused(exc)
    assignee = None
    try:
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(pk=assignee_id).first()
            if assignee is None:
                require(request.user, Action.MODERATE, claim, "Only editors can assign claims.")
                raise InvalidInput(NO_SUCH_MEMBER, field="assignee")
        claim.assign(assignee, request.user)
    except WorkflowError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        if request.htmx:
            return _panel(request, claim, error=exc)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            who = assignee.get_username() if assignee else "nobody"
            return _panel(request, claim, message=f"Assigned to {who}.")
    return redirect("document", pk=claim.document_id)
