from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Prefetch, ProtectedError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import importers
from annotations.forms import (
    AddMemberForm,
    CreateAccountForm,
    ImportForm,
    RatingFormSet,
    WorkspaceSettingsForm,
)
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Membership,
    Notification,
    Role,
    WorkflowError,
    Workspace,
)
from annotations.permissions import EDITOR, REVIEWER, can, forget_roles, roles_of


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


def _workspace_for(request, slug, action="document.read") -> Workspace:
    workspace = get_object_or_404(Workspace, slug=slug)
    if not can(request.user, "document.read", workspace):
        raise Http404("No such workspace.")
    if not can(request.user, action, workspace):
        raise PermissionDenied("Only editors can change workspace settings.")
    return workspace


@login_required
def workspace_detail(request, slug):
    workspace = _workspace_for(request, slug)
    documents = workspace.documents.annotate(claim_count=Count("claims")).defer("text")
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


@login_required
def document_detail(request, pk):
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    workspace = document.workspace
    role = roles_of(request.user).get(workspace.pk)
    claims = list(Claim.objects.filter(document=document).with_state().defer("restatement"))
    # Queries: the annotations this user may see, their sources and visible comments.
    visible_comments = Comment.objects.select_related("author")
    if role != EDITOR:
        visible_comments = visible_comments.filter(hidden=False)
    annotations = (
        Annotation.objects.visible_to(request.user, workspace)
        .filter(claim__document=document)
        .select_related("author", "rating")
        .prefetch_related("sources", Prefetch("comments", queryset=visible_comments))
    )
    by_claim = defaultdict(list)
    for annotation in annotations:
        by_claim[annotation.claim_id].append(annotation)
    rows = [(claim, by_claim.get(claim.pk, [])) for claim in claims]
    context = {"document": document, "workspace": workspace, "rows": rows, "role": role}
    if role in (REVIEWER, EDITOR):
        context["agreement"] = document_agreement(document)
    return render(request, "annotations/document.html", context)


def document_agreement(document):
    from annotations.agreement import summarise

    ratings = (
        Annotation.objects.filter(
            claim__document=document,
            hidden=False,
            status__in=[Annotation.Status.SUBMITTED, Annotation.Status.APPROVED],
        )
        .exclude(rating=None)
        .values_list(
            "claim_id", "author_id", "rating__label", "rating__ordinal", "rating__position"
        )
    )
    return summarise(ratings)


@login_required
def review_queue(request):
    """Submitted work waiting for this user's review, across workspaces, oldest first."""
    roles = roles_of(request.user)
    reviewable = [ws for ws, role in roles.items() if role in (REVIEWER, EDITOR)]
    # Queries: session, user, roles, then the annotations with their claims and documents.
    pending = (
        Annotation.objects.filter(
            claim__document__workspace_id__in=reviewable,
            status=Annotation.Status.SUBMITTED,
            hidden=False,
        )
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
    roles = roles_of(request.user)
    editable = [ws for ws, role in roles.items() if role == EDITOR]
    if request.method == "POST":
        flag = get_object_or_404(
            Flag.objects.select_related("annotation", "comment"),
            pk=request.POST.get("flag"),
        )
        try:
            flag.resolve(
                request.user,
                hide=request.POST.get("decision") == "hide",
                note=request.POST.get("note", "").strip(),
            )
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
    mine = Notification.objects.filter(recipient=request.user)
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
    membership = get_object_or_404(workspace.memberships, pk=request.POST.get("membership"))
    editors = workspace.memberships.filter(role=Role.EDITOR)
    if request.POST.get("remove"):
        if membership.role == Role.EDITOR and editors.count() == 1:
            messages.error(request, "A workspace keeps at least one editor.")
        else:
            membership.delete()
            messages.success(request, f"Removed {membership.user.username}.")
    else:
        role = request.POST.get("role")
        if role not in Role.values:
            return HttpResponse("Unknown role.", status=400, content_type="text/plain")
        if membership.role == Role.EDITOR and role != Role.EDITOR and editors.count() == 1:
            messages.error(request, "A workspace keeps at least one editor.")
        else:
            membership.role = role
            membership.save(update_fields=["role"])
            messages.success(request, f"{membership.user.username} is now {role}.")
    forget_roles(request.user)
    return redirect("workspace_settings", slug=workspace.slug)


@login_required
@require_POST
def claim_assign(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("document__workspace"), pk=pk)
    if not can(request.user, "document.read", claim):
        raise Http404
    assignee = None
    if request.POST.get("assignee"):
        assignee = get_user_model().objects.filter(pk=request.POST["assignee"]).first()
    try:
        claim.assign(assignee, request.user)
    except WorkflowError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect("document", pk=claim.document_id)


@login_required
def assigned_to_me(request):
    claims = (
        Claim.objects.filter(
            assignee=request.user, document__workspace__memberships__user=request.user
        )
        .with_state()
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
    from annotations.services import import_document, segment

    workspace = _workspace_for(request, slug, "document.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
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
