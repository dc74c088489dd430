"""The workspace settings page: settings, members and accounts, the rating scale."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from annotations import parsing
from annotations.forms import (
    AddMemberForm,
    CreateAccountForm,
    RatingFormSet,
    WorkspaceCreateForm,
    WorkspaceSettingsForm,
)
from annotations.models import InvalidInput, Membership, NotVisible, Role, Workspace
from annotations.permissions import can
from annotations.web.common import _posted, _refused, _workspace_for
from annotations.web.live_documents import ingest_context, ingest_post
from annotations.web.webhooks import webhook_context, webhook_post

CREATION_CLOSED = "Creating workspaces is not open to you on this server; ask its operator."


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create(request):
    """A new desk, with the one who creates it as its editor."""
    if not can(request.user, "workspace.create", None):
        raise PermissionDenied(CREATION_CLOSED)
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = Workspace.create_by(
                request.user, slug=form.cleaned_data["slug"], name=form.cleaned_data["name"]
            )
        except InvalidInput as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Created {workspace.name}. You are its editor.")
            return redirect("workspace_settings", slug=workspace.slug)
    return render(request, "annotations/workspace_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request, slug):
    workspace = _workspace_for(request, slug, "workspace.manage")
    scale = workspace.rating_scale
    settings_form = WorkspaceSettingsForm(instance=workspace)
    add_form = AddMemberForm(workspace=workspace)
    create_form = CreateAccountForm()
    ratings = RatingFormSet(instance=scale, prefix="ratings")
    webhook_form = {}  # a new secret or key; a refused webhook or token (webhook_post, ...)
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
        elif which in ("webhook_add", "webhook", "ingest_add", "ingest_revoke"):
            post = ingest_post if which.startswith("ingest") else webhook_post
            webhook_form = post(request, workspace, which)
            if isinstance(webhook_form, HttpResponse):
                return webhook_form
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
            **webhook_form,
            **webhook_context(workspace),
            **ingest_context(workspace),
        },
        status=400
        if webhook_form.get("webhook_error") or webhook_form.get("ingest_error")
        else 200,
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
