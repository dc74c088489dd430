import hashlib
import re
import zlib
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    ProtectedError,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import importers, parsing
from annotations.forms import (
    AddMemberForm,
    AnnotationForm,
    ClaimDetailsForm,
    ClaimFilterForm,
    CreateAccountForm,
    ImportForm,
    RatingFormSet,
    SourceForm,
    WorkspaceSettingsForm,
)
from annotations.models import (
    NO_SUCH_MEMBER,
    Annotation,
    Claim,
    Comment,
    Document,
    Duplicate,
    Flag,
    InvalidInput,
    Membership,
    NotVisible,
    Rating,
    Role,
    Source,
    Verdict,
    VersionConflict,
    WorkflowError,
    Workspace,
)
from annotations.permissions import (
    EDITOR,
    REVIEWER,
    Action,
    Viewer,
    can,
    claims_with_state,
    counted_annotations,
    filter_state,
    notifications_for,
    readable_workspace_ids,
    require,
    roles_of,
    workspace_ids_with,
)
from annotations.text import anchoring, checkworthiness, layout
from annotations.text.markdown import render_markdown


@login_required
def home(request):
    """The user's workspaces, each with its most recent documents."""
    roles = roles_of(request.user)
    workspaces = Workspace.objects.filter(pk__in=roles.keys()).prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.annotate(claim_count=Count("claims")).defer("text"),
        )
    )
    rows = [(ws, roles[ws.pk]) for ws in workspaces]
    return render(request, "annotations/home.html", {"rows": rows})


def _workspace_for(request, slug, action=Action.DOCUMENT_READ) -> Workspace:
    """The workspace, if the user may do `action` there: 404 for non-members, 403 for
    members without the right."""
    workspace = get_object_or_404(Workspace, slug=slug)
    messages_by_action = {
        Action.WORKSPACE_MANAGE: "Only editors can change workspace settings.",
        Action.DOCUMENT_IMPORT: "Only editors can import documents.",
    }
    try:
        require(request.user, action, workspace, messages_by_action.get(action, "Not allowed."))
    except NotVisible:
        raise Http404("No such workspace.") from None
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None
    return workspace


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
    # The counts come from the work this user may see (blind desks: their own only,
    # until they submit on a claim), like the document page's colours.
    claims = claims_with_state(request.user, Claim.objects.all())
    # Queries: documents with four counts (subqueries), the scale, the published ratings.
    documents = list(
        workspace.documents.defer("text").annotate(
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
        colour = r.colour if _HEX_COLOUR.match(r.colour) else "#6e7781"
        parts.append((f"{x:.2f}", f"{width:.2f}", colour, f"{r.label}: {n}"))
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
    role = roles_of(request.user).get(workspace.pk)
    ratings = _scale(workspace)
    filters = ClaimFilterForm(request.GET or None, ratings=ratings)
    # Queries: claims with their state, current verdict ratings, and (when filtering) the
    # ids of the claims that match. Plain rows, not model instances: a long document has
    # thousands of claims.
    rows = list(
        _claims_with_state(request.user, role, document).values_list(
            "id",
            "start",
            "end",
            "kind",
            "not_checkable",
            "has_verdict",
            "has_approved",
            "has_annotation",
        )
    )
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
    text_html, shown_count = _marked_text(
        document, rows, verdict_ratings, ratings, shown, escape(base_query.urlencode())
    )
    export_formats = [
        ("html", "HTML"),
        ("pdf", "PDF"),
        ("md", "Markdown"),
        ("csv", "CSV"),
        ("json", "JSON"),
        ("claimreview", "ClaimReview"),
        ("w3c", "W3C annotations"),
    ]
    context = {
        "document": document,
        "workspace": workspace,
        "role": role,
        "text_html": text_html,
        "claim_count": len(rows),
        "shown_count": shown_count,
        "filters": filters,
        "filtering": shown is not None,
        "ratings": ratings,
        "is_reviewer": role in (REVIEWER, EDITOR),
        "export_formats": export_formats,
    }
    try:
        open_id = parsing.parse_id(request.GET.get("claim"), "claim", optional=True)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    if open_id is not None:
        claim = Claim.objects.filter(document=document, pk=open_id).first()
        if claim is not None:
            context.update(_panel_context(request, claim), panel=True)
    return render(request, "annotations/document.html", context)


STATE_ICONS = {
    Claim.State.UNCHECKED: "○",
    Claim.State.IN_PROGRESS: "◐",
    Claim.State.APPROVED: "✓",
    Claim.State.PUBLISHED: "★",
}
STATE_LABELS = {state: state.label.lower() for state in Claim.State}
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _scale(workspace) -> list[Rating]:
    """The workspace's ratings in order, each with a colour safe to put in a style."""
    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    for rating in ratings:
        rating.swatch = rating.colour if _HEX_COLOUR.match(rating.colour) else "#6e7781"
    return ratings


def _claims_with_state(user, role, document):
    """Claims with has_verdict/has_approved/has_annotation, from what the user may see
    (permissions.claims_with_state), so colours do not leak colleagues' work."""
    return claims_with_state(user, Claim.objects.filter(document=document))


def _filtered(user, role, document, data):
    claims = _claims_with_state(user, role, document)
    if data.get("worthy"):
        claims = claims.check_worthy().filter(not_checkable=False)
    if data.get("state"):
        claims = filter_state(claims, data["state"])
    if data.get("mine"):
        claims = claims.filter(assignee=user)
    if data.get("prior"):
        claims = claims.filter(prior_verdict__isnull=False)
    visible = counted_annotations(user).filter(claim=OuterRef("pk"))
    if data.get("review"):
        if role not in (REVIEWER, EDITOR):
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
MARKED_TEXT_VERSION = 1
MARKED_TEXT_SECONDS = 24 * 3600


def _marked_text(document, rows, verdict_ratings, ratings, shown, query) -> tuple[str, int]:
    """The document text with its claims marked, and how many are marked. Cached under a
    digest of everything the HTML is made of (text, claim rows with their state, verdict
    ratings, the scale, the filter, the query string), so a cached copy is never stale:
    any change in what the reader may see gives another key."""
    digest = hashlib.blake2b(
        repr(
            (
                MARKED_TEXT_VERSION,
                document.pk,
                document.text_sha256,
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
        # Escaped by layout when it was made.
        return mark_safe(zlib.decompress(packed).decode()), count
    by_rating = {r.pk: r for r in ratings}
    marked = [
        _marked(number, row, by_rating.get(verdict_ratings.get(row[0])), query)
        for number, row in enumerate(rows, 1)
        if shown is None or row[0] in shown
    ]
    html = layout.render(document.text, marked)
    # Compressed: a long document's marked text is a megabyte of repetitive markup, about a
    # tenth of that packed; cheap to pack and unpack, and kind to the cache's memory.
    cache.set(key, (zlib.compress(html.encode(), 1), len(marked)), MARKED_TEXT_SECONDS)
    return mark_safe(html), len(marked)  # escaped by layout


def _marked(number, row, rating, query) -> layout.MarkedClaim:
    """A claim row (id, start, end, kind, not_checkable, has_verdict, has_approved,
    has_annotation) as the page marks it. `query` is the escaped filter query string."""
    pk, start, end, kind, not_checkable, has_verdict, has_approved, has_annotation = row
    state = Claim.derive_state(has_verdict, has_approved, has_annotation)
    label = f"Claim {number}, {STATE_LABELS[state]}"
    attrs = f' data-state="{state}" data-number="{number}"'
    rating_html = ""
    if rating is not None:
        label += f", rated {rating.label}"
        attrs += f' data-rating="{rating.pk}"'
        if _HEX_COLOUR.match(rating.colour):
            attrs += f' style="--rating: {rating.colour}"'
        rating_html = f'<span class="claim-rating">{escape(rating.label)}</span>'
    if not_checkable:
        label += ", not checkable"
    href = f"?{query}&amp;claim={pk}" if query else f"?claim={pk}"
    badge = (
        f'<a class="claim-badge" href="{href}#claim-{pk}" data-claim="{pk}"'
        f' aria-label="{escape(label)}"><span class="claim-no">{number}</span>'
        f'<span class="claim-icon" aria-hidden="true">{STATE_ICONS[state]}</span>'
        f"{rating_html}</a>"
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
    from annotations.text.agreement import summarise

    ratings = (
        counted_annotations(user)
        .filter(
            claim__document=document,
            status__in=[Annotation.Status.SUBMITTED, Annotation.Status.APPROVED],
        )
        .exclude(rating=None)
        .order_by("claim__start", "claim__end", "claim_id")
        .values_list(
            "claim_id", "author_id", "rating__label", "rating__ordinal", "rating__position"
        )
    )
    return summarise(ratings)


@login_required
def review_queue(request):
    """Submitted work waiting for this user's review, across workspaces, oldest first."""
    reviewable = workspace_ids_with(request.user, Action.ANNOTATION_REVIEW, staff=False)
    # Queries: session, user, roles, then the annotations with their claims and documents.
    pending = (
        counted_annotations(request.user)
        .filter(claim__document__workspace_id__in=reviewable, status=Annotation.Status.SUBMITTED)
        .exclude(author=request.user)
        .select_related("author", "rating", "claim__document__workspace")
        .defer("claim__document__text")
        .order_by("submitted_at", "id")[:500]
    )
    return render(request, "annotations/review_queue.html", {"annotations": pending})


@login_required
@require_http_methods(["GET", "POST"])
def flag_queue(request):
    """Open flags in the workspaces this user edits."""
    editable = workspace_ids_with(request.user, Action.MODERATE, staff=False)
    if request.method == "POST":
        try:
            pk = _posted(request, "flag", parsing.parse_id)
            note = _posted(request, "note").strip()
        except InvalidInput as exc:
            return _refused(exc)
        flag = get_object_or_404(Flag.objects.select_related("annotation", "comment"), pk=pk)
        try:
            flag.resolve(request.user, hide=request.POST.get("decision") == "hide", note=note)
        except WorkflowError as exc:
            if exc.status_code == 404:
                raise Http404 from None
            messages.error(request, exc.message)
        else:
            messages.success(request, "Flag resolved.")
        return redirect("flag_queue")
    flags = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .filter(
            models_q_annotation_or_comment_in(editable),
        )
        .select_related(
            "reporter",
            "annotation__author",
            "annotation__claim__document",
            "comment__author",
            "comment__annotation__claim__document",
        )
        .defer("annotation__claim__document__text", "comment__annotation__claim__document__text")
        .order_by("created_at", "id")[:500]
    )
    return render(
        request, "annotations/flag_queue.html", {"flags": flags, "editor": bool(editable)}
    )


def models_q_annotation_or_comment_in(workspace_ids):
    from django.db.models import Q

    return Q(annotation__claim__document__workspace_id__in=workspace_ids) | Q(
        comment__annotation__claim__document__workspace_id__in=workspace_ids
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    # Only about what the user may still read: nothing of a desk they have left.
    mine = notifications_for(request.user)
    if request.method == "POST":
        mine.filter(read_at=None).update(read_at=timezone.now())
        return redirect("notifications")
    items = mine.select_related("actor", "claim__document").defer("claim__document__text")[:100]
    return render(request, "annotations/notifications.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request, slug):
    workspace = _workspace_for(request, slug, "workspace.manage")
    scale = workspace.rating_scale
    settings_form = WorkspaceSettingsForm(instance=workspace)
    add_form = AddMemberForm(workspace=workspace)
    create_form = CreateAccountForm()
    ratings = RatingFormSet(instance=scale, prefix="ratings")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "settings":
            settings_form = WorkspaceSettingsForm(request.POST, instance=workspace)
            if settings_form.is_valid():
                settings_form.save()
                messages.success(request, "Settings saved.")
                return redirect("workspace_settings", slug=workspace.slug)
        elif which == "add_member":
            add_form = AddMemberForm(request.POST, workspace=workspace)
            if add_form.is_valid():
                Membership.objects.create(
                    workspace=workspace, user=add_form.user, role=add_form.cleaned_data["role"]
                )
                messages.success(request, f"Added {add_form.user.username}.")
                return redirect("workspace_settings", slug=workspace.slug)
        elif which == "create_account":
            create_form = CreateAccountForm(request.POST)
            if create_form.is_valid():
                data = create_form.cleaned_data
                with transaction.atomic():
                    user = get_user_model().objects.create_user(
                        data["username"], data.get("email", ""), data["password"]
                    )
                    Membership.objects.create(workspace=workspace, user=user, role=data["role"])
                messages.success(request, f"Created the account {user.username}.")
                return redirect("workspace_settings", slug=workspace.slug)
        elif which == "member":
            return _change_member(request, workspace)
        elif which == "ratings":
            ratings = RatingFormSet(request.POST, instance=scale, prefix="ratings")
            if ratings.is_valid():
                try:
                    with transaction.atomic():
                        ratings.save()
                except ProtectedError:
                    messages.error(
                        request, "A rating that annotations or verdicts use cannot be deleted."
                    )
                except IntegrityError:
                    messages.error(request, "Labels and positions must each be unique.")
                else:
                    messages.success(request, "Rating scale saved.")
                    return redirect("workspace_settings", slug=workspace.slug)
        else:
            return HttpResponse("Unknown form.", status=400, content_type="text/plain")
    members = workspace.memberships.select_related("user").order_by("user__username")
    return render(
        request,
        "annotations/workspace_settings.html",
        {
            "workspace": workspace,
            "settings_form": settings_form,
            "add_form": add_form,
            "create_form": create_form,
            "ratings": ratings,
            "members": members,
            "roles": Role.choices,
        },
    )


def _change_member(request, workspace):
    try:
        pk = _posted(request, "membership", parsing.parse_id)
    except InvalidInput as exc:
        return _refused(exc)
    membership = get_object_or_404(workspace.memberships, pk=pk)
    try:
        if request.POST.get("remove"):
            membership.remove(request.user)
            messages.success(request, f"Removed {membership.user.username}.")
        else:
            membership.change_role(request.POST.get("role"), request.user)
            messages.success(request, f"{membership.user.username} is now {membership.role}.")
    except InvalidInput as exc:
        if exc.field == "role" and request.POST.get("role") not in Role.values:
            return HttpResponse(exc.message, status=400, content_type="text/plain")
        messages.error(request, exc.message)
    except NotVisible:
        raise Http404("No such member.") from None
    return redirect("workspace_settings", slug=workspace.slug)


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


@login_required
def assigned_to_me(request):
    mine = Claim.objects.filter(
        assignee=request.user, document__workspace_id__in=readable_workspace_ids(request.user)
    )
    claims = (
        claims_with_state(request.user, mine)
        .select_related("document")
        .defer("document__text")
        .order_by("document", "start")[:500]
    )
    return render(request, "annotations/assigned.html", {"claims": claims})


PREVIEW_LIMIT = 300


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request, slug):
    """Import with a preview: "Preview" shows the claims the splitter finds (an uploaded
    file is converted and its text put in the form), "Import" stores the document."""
    from django.conf import settings

    from annotations.services import import_document, segment

    workspace = _workspace_for(request, slug, "document.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid() and _imported_later(form.cleaned_data):
        if "preview" not in request.POST:
            return _import_job(request, workspace, form.cleaned_data)
        # Converting a large file is the slow part: it is not done in the request.
        form.add_error(
            "file",
            f"Files over {settings.BACKGROUND_IMPORT_BYTES:,} bytes are imported in the "
            "background, without a preview: choose the file again and press Import.",
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imported = _imported(data)
        except importers.ImportRefused as exc:
            form.add_error("file" if data.get("file") else "text", str(exc))
        else:
            if "preview" in request.POST:
                claims = segment(imported.text, data["language"] or imported.language or "en")
                preview = {
                    "claims": claims[:PREVIEW_LIMIT],
                    "total": len(claims),
                    "worthy": sum(
                        c.checkworthiness >= workspace.checkworthiness_threshold for c in claims
                    ),
                }
                # Keep what the file held, so "Import" posts the very text previewed.
                form = ImportForm(
                    initial={
                        **{k: v for k, v in data.items() if k != "file"},
                        "text": imported.text,
                        "title": data["title"] or imported.title,
                    }
                )
            else:
                try:
                    result = import_document(
                        workspace,
                        imported,
                        title=data["title"],
                        speaker=data["speaker"],
                        source_url=data["source_url"],
                        published=data["published"],
                        language=data["language"],
                        created_by=request.user,
                    )
                except importers.ImportRefused as exc:
                    field = exc.field or ("file" if data.get("file") else "text")
                    form.add_error(field, str(exc))
                else:
                    if result.created:
                        messages.success(request, f"Imported with {result.claims} claims.")
                    else:
                        messages.info(request, "This text was already imported; here it is.")
                    return redirect("document", pk=result.document.pk)
    return render(
        request,
        "annotations/import.html",
        {"workspace": workspace, "form": form, "preview": preview},
    )


def _imported_later(data) -> bool:
    """An upload over BACKGROUND_IMPORT_BYTES (and within MAX_UPLOAD_BYTES, or it is
    refused with the limit named) is imported by a background job."""
    from django.conf import settings

    upload = data.get("file")
    return (
        upload is not None
        and settings.BACKGROUND_IMPORT_BYTES < upload.size <= settings.MAX_UPLOAD_BYTES
    )


def _import_job(request, workspace, data):
    from annotations import jobs

    upload = data["file"]
    job = jobs.start_import(
        workspace,
        request.user,
        upload.read(),
        filename=upload.name,
        content_type=upload.content_type,
        title=data["title"],
        speaker=data["speaker"],
        source_url=data["source_url"],
        published=data["published"],
        language=data["language"],
    )
    messages.info(request, "The file is large: it is imported in the background.")
    return redirect("job", pk=job.pk)


def _imported(data) -> importers.ImportedText:
    from django.conf import settings

    upload = data.get("file")
    if upload is not None:
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise importers.ImportRefused(
                f"The file has {upload.size:,} bytes; the limit is "
                f"{settings.MAX_UPLOAD_BYTES:,}. Split it or import it with the command line.",
                "too_large",
            )
        return importers.import_file(
            upload.read(),
            filename=upload.name,
            content_type=upload.content_type,
            max_chars=settings.MAX_DOCUMENT_CHARS,
        )
    return importers.import_text(data["text"], max_chars=settings.MAX_DOCUMENT_CHARS)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not; for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return HttpResponse('{"status": "ok", "database": "ok"}', content_type="application/json")


# --- The claim panel ----------------------------------------------------------------------
#
# GET /claims/<id>/panel/ renders the panel; every POST below calls one model method and
# answers with the panel again (htmx swaps it in place), carrying the outcome as a message
# and the WorkflowError's status code. Without htmx the POSTs redirect to the document
# page with the panel open, the outcome as a flash message.


def _readable_claim(request, pk) -> Claim:
    claim = get_object_or_404(Claim.objects.select_related("document__workspace"), pk=pk)
    if not can(request.user, "document.read", claim):
        raise Http404("No such claim.")
    return claim


def _readable_annotation(request, pk) -> Annotation:
    annotation = get_object_or_404(
        Annotation.objects.select_related("claim__document__workspace", "author", "rating"),
        pk=pk,
    )
    if not can(request.user, "document.read", annotation):
        raise Http404("No such annotation.")
    return annotation


def _readable_comment(request, pk) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("annotation__claim__document__workspace"), pk=pk
    )
    if not can(request.user, "document.read", comment):
        raise Http404("No such comment.")
    return comment


def _panel_context(request, claim, **extra) -> dict:
    user = request.user
    workspace = claim.document.workspace
    viewer = Viewer(user, workspace)
    role = viewer.role
    claim = (
        _claims_with_state(user, role, claim.document)
        .filter(pk=claim.pk)
        .select_related("document__workspace", "assignee")
        .get()
    )
    claim.number = (
        Claim.objects.filter(document_id=claim.document_id)
        .filter(Q(start__lt=claim.start) | Q(start=claim.start, end__lt=claim.end))
        .count()
        + 1
    )
    ratings = _scale(workspace)
    comments = viewer.comments(Comment.objects.select_related("author")).order_by(
        "created_at", "id"
    )
    annotations = list(
        viewer.annotations(Annotation.objects.filter(claim=claim))
        .select_related("author", "rating")
        .prefetch_related("sources", Prefetch("comments", queryset=comments))
        .order_by("created_at", "id")
    )
    mine = next((a for a in annotations if a.author_id == user.pk), None)
    others = [a for a in annotations if a.author_id != user.pk]
    edit_forms = extra.pop("edit_forms", {})
    for annotation in annotations:
        annotation.claim = claim
        annotation.note_html = (
            mark_safe(render_markdown(annotation.note)) if annotation.note else ""
        )
        for source in annotation.sources.all():
            if annotation is mine:
                source.form = edit_forms.get(source.pk) or SourceForm(
                    instance=source, prefix=f"source-{source.pk}"
                )
        annotation.can_review = can(user, "annotation.review", annotation)
        annotation.can_publish = can(user, "verdict.publish", annotation)
        annotation.threads = _threads(annotation.comments.all())
    blind_hidden = viewer.blind_limited and (mine is None or mine.status == Annotation.Status.DRAFT)
    from annotations.matching import similar_claims

    # Queries: candidates by shared match keys, their scores, their verdicts.
    similar = similar_claims(claim, user, limit=5)
    verdicts = list(
        claim.verdicts.select_related("rating", "published_by", "retracted_by").order_by(
            "published_at", "id"
        )
    )
    current = next((v for v in verdicts if v.is_current and not v.is_retracted), None)
    posted = extra.pop("annotation_form", None)
    if posted is None:
        initial = {"summary": "", "note": "", "rating": None, "version": None}
        if mine is not None:
            initial = {
                "summary": mine.summary,
                "note": mine.note,
                "rating": mine.rating_id,
                "version": mine.version,
            }
        posted = initial
    context = {
        "similar": similar,
        "claim": claim,
        "workspace": workspace,
        "role": role,
        "reasons": checkworthiness.explain(claim.text, claim.kind),
        "worthy": claim.checkworthiness >= workspace.checkworthiness_threshold,
        "ratings": ratings,
        "mine": mine,
        "my_values": posted,
        "others": [] if blind_hidden else others,
        "blind_hidden": blind_hidden,
        "verdicts": verdicts,
        "current_verdict": current,
        "is_editor": can(user, "moderate", claim),
        "can_publish": can(user, "verdict.publish", claim),
        "can_write": can(user, "annotation.write", claim),
        "source_form": extra.pop("source_form", None) or SourceForm(prefix="new"),
        "members": (
            workspace.memberships.select_related("user").order_by("user__username")
            if viewer.is_editor
            else ()
        ),
        "state_icon": STATE_ICONS[claim.state],
        "state_label": Claim.State(claim.state).label,
        "field_errors": {},
    }
    if current is not None and _HEX_COLOUR.match(current.rating.colour):
        context["state_colour"] = current.rating.colour
    context.update(extra)
    return context


def _threads(comments):
    """Root comments, each with its replies, in order."""
    roots, replies = [], defaultdict(list)
    for comment in comments:
        (replies[comment.parent_id] if comment.parent_id else roots).append(comment)
    for root in roots:
        root.thread_replies = replies.get(root.pk, [])
    return roots


def _panel(request, claim, *, status=200, message="", error=None, **extra):
    """The panel with an outcome: a success message, or a WorkflowError shown with its
    status (404 becomes Http404, so blind mode and non-members see nothing)."""
    if error is not None:
        if error.status_code == 404:
            raise Http404(error.message)
        status = error.status_code
        message = error.message
        field = getattr(error, "field", None)
        if field:
            extra.setdefault("field_errors", {})[field] = error.message
    if not request.htmx:
        if message:
            (messages.error if status >= 400 else messages.success)(request, message)
        url = reverse("document", args=[claim.document_id])
        return redirect(f"{url}?claim={claim.pk}#claim-{claim.pk}")
    context = _panel_context(request, claim, **extra)
    context.update({"message": message, "message_is_error": status >= 400})
    return render(request, "annotations/claim_panel.html", context, status=status)


def _posted(request, name, parse=parsing.plain_text, **options):
    """request.POST[name] through a strict parser of annotations.parsing (by default:
    text without NUL); InvalidInput naming the field otherwise."""
    try:
        return parse(request.POST.get(name), name, **options)
    except parsing.InvalidValue as exc:
        raise InvalidInput(exc.message, field=name) from None


def _refused(exc) -> HttpResponse:
    """400 naming the field, for a value no form of ours sends (an id from a hidden
    field or a select, tampered with)."""
    return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def claim_panel(request, pk):
    claim = _readable_claim(request, pk)
    return render(request, "annotations/claim_panel.html", _panel_context(request, claim))


@login_required
def workspace_search(request, slug):
    """Search the desk's claims, annotations and verdicts: have we checked this before?"""
    from annotations.search import SearchError, search

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
def claim_reuse(request, pk):
    """Start my annotation from a published verdict on a similar claim."""
    from annotations.matching import reuse_verdict

    claim = _readable_claim(request, pk)
    try:
        verdict_id = _posted(request, "verdict", parsing.parse_id)
    except InvalidInput as exc:
        return _refused(exc)
    verdict = (
        Verdict.objects.select_related("claim__document__workspace", "rating")
        .filter(pk=verdict_id)
        .first()
    )
    if verdict is None:
        return _panel(request, claim, message="That verdict no longer exists.", status=404)
    try:
        reuse_verdict(verdict, claim, request.user)
    except WorkflowError as exc:
        return _panel(request, claim, error=exc)
    return _panel(
        request, claim, message="Started your annotation from that verdict; check and edit it."
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
def claim_annotation(request, pk):
    """Save (start or edit), submit, or delete my annotation on the claim."""
    claim = _readable_claim(request, pk)
    action = request.POST.get("action", "save")
    ratings = list(Rating.objects.filter(scale__workspace=claim.document.workspace))
    form = AnnotationForm(request.POST, ratings=ratings)
    mine = Annotation.objects.filter(claim=claim, author=request.user).first()
    if action == "delete":
        if mine is None:
            return _panel(request, claim, message="There is no draft to delete.", status=404)
        try:
            mine.delete_draft(request.user)
        except WorkflowError as exc:
            return _panel(request, claim, error=exc)
        return _panel(request, claim, message="Draft deleted.")
    if not form.is_valid():
        errors = {name: " ".join(e) for name, e in form.errors.items()}
        return _panel(
            request,
            claim,
            status=400,
            message="Check the fields marked below.",
            field_errors=errors,
            annotation_form=request.POST.dict(),
        )
    fields = form.model_fields()
    version = form.cleaned_data["version"]
    posted = {**form.cleaned_data, "version": version}
    try:
        with transaction.atomic():
            if mine is None:
                mine = Annotation.start(claim, request.user, **fields)
            else:
                mine.edit(request.user, expected_version=version, **fields)
            if action == "submit":
                mine.submit(request.user)
    except VersionConflict as exc:
        current = exc.current
        return _panel(
            request,
            claim,
            error=exc,
            conflict={"mine": {**fields}, "current": current},
            annotation_form={**posted, "version": current.version},
        )
    except WorkflowError as exc:
        return _panel(request, claim, error=exc, annotation_form=posted)
    done = "Submitted for review." if action == "submit" else "Saved."
    return _panel(request, claim, message=done)


def _my_annotation_for_sources(request, claim):
    """My annotation on the claim, started as a draft if I have none yet."""
    mine = Annotation.objects.filter(claim=claim, author=request.user).first()
    if mine is None:
        try:
            return Annotation.start(claim, request.user)
        except Duplicate:
            # Started by my other request meanwhile: the source goes on that one.
            return Annotation.objects.get(claim=claim, author=request.user)
    return mine


@login_required
@require_POST
def source_add(request, pk):
    claim = _readable_claim(request, pk)
    form = SourceForm(request.POST, prefix="new")
    if not form.is_valid():
        return _panel(
            request, claim, status=400, message="Check the source's fields.", source_form=form
        )
    try:
        with transaction.atomic():
            mine = _my_annotation_for_sources(request, claim)
            position = mine.sources.count()
            mine.add_source(request.user, position=position, **form.cleaned_data)
    except WorkflowError as exc:
        return _panel(request, claim, error=exc, source_form=form)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _panel(
            request, claim, status=400, message="Check the source's fields.", source_form=form
        )
    return _panel(request, claim, message="Source added.")


@login_required
@require_POST
def source_edit(request, pk):
    """Edit or remove one of my sources; recorded as an edit of the annotation (touch)."""
    source = get_object_or_404(
        Source.objects.select_related("annotation__claim__document__workspace"), pk=pk
    )
    if not can(request.user, "document.read", source):
        raise Http404("No such source.")
    annotation, claim = source.annotation, source.annotation.claim
    remove = request.POST.get("action") == "remove"
    form = SourceForm(request.POST, instance=source, prefix=f"source-{source.pk}")
    if not remove and not form.is_valid():
        return _panel(
            request,
            claim,
            status=400,
            message="Check the source's fields.",
            edit_forms={source.pk: form},
        )
    try:
        with transaction.atomic():
            annotation.touch(request.user)
            if remove:
                source.delete()
            else:
                form.instance.full_clean()
                form.save()
    except WorkflowError as exc:
        return _panel(request, claim, error=exc)
    except ValidationError as exc:
        return _panel(
            request, claim, status=400, message=" ".join(exc.messages), edit_forms={source.pk: form}
        )
    return _panel(request, claim, message="Source removed." if remove else "Source saved.")


@login_required
@require_POST
def annotation_review(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        version = _posted(request, "version", parsing.parse_id, optional=True)
    except InvalidInput as exc:
        return _refused(exc)
    try:
        body = _posted(request, "body")
        if request.POST.get("decision") == "approve":
            annotation.approve(request.user, body, expected_version=version)
            done = "Approved."
        else:
            annotation.request_changes(request.user, body, expected_version=version)
            done = "Changes requested."
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message=done)


@login_required
@require_POST
def annotation_comment(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        parent_id = _posted(request, "parent", parsing.parse_id, optional=True)
    except InvalidInput as exc:
        return _refused(exc)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, annotation=annotation).first()
    try:
        Comment.post(annotation, request.user, _posted(request, "body"), parent=parent)
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Comment posted.")


@login_required
@require_POST
def comment_resolve(request, pk):
    comment = _readable_comment(request, pk)
    try:
        comment.resolve_thread(request.user)
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Thread resolved.")


@login_required
@require_POST
def annotation_flag(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        Flag.raise_on(annotation, request.user, _posted(request, "reason"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Flagged; an editor will look at it.")


@login_required
@require_POST
def comment_flag(request, pk):
    comment = _readable_comment(request, pk)
    try:
        Flag.raise_on(comment, request.user, _posted(request, "reason"))
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Flagged; an editor will look at it.")


@login_required
@require_POST
def annotation_hide(request, pk):
    annotation = _readable_annotation(request, pk)
    hide = request.POST.get("hidden") == "1"
    try:
        if hide:
            annotation.hide(request.user, _posted(request, "note"))
        else:
            annotation.unhide(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    return _panel(request, annotation.claim, message="Hidden." if hide else "Shown again.")


@login_required
@require_POST
def comment_hide(request, pk):
    comment = _readable_comment(request, pk)
    hide = request.POST.get("hidden") == "1"
    try:
        if hide:
            comment.hide(request.user, _posted(request, "note"))
        else:
            comment.unhide(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, comment.annotation.claim, error=exc)
    return _panel(request, comment.annotation.claim, message="Hidden." if hide else "Shown again.")


@login_required
@require_POST
def annotation_publish(request, pk):
    annotation = _readable_annotation(request, pk)
    try:
        verdict, created = Verdict.publish_once(annotation, request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, annotation.claim, error=exc)
    done = "Correction published." if verdict.is_correction else "Verdict published."
    if not created:
        done = "This version of the annotation is already the published verdict."
    return _panel(request, annotation.claim, message=done)


@login_required
@require_POST
def verdict_retract(request, pk):
    verdict = get_object_or_404(Verdict.objects.select_related("claim__document__workspace"), pk=pk)
    if not can(request.user, "document.read", verdict):
        raise Http404("No such verdict.")
    try:
        verdict.retract(request.user, _posted(request, "note"))
    except WorkflowError as exc:
        return _panel(request, verdict.claim, error=exc)
    return _panel(request, verdict.claim, message="Verdict retracted.")


@login_required
@require_POST
def note_preview(request):
    """The note as it will show: Markdown rendered, then sanitised (no scripts, no
    javascript: links)."""
    note = request.POST.get("note", "")
    html = mark_safe(render_markdown(note)) if note.strip() else ""
    return render(request, "annotations/note_preview.html", {"html": html})


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
