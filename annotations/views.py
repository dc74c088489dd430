from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annotations.models import Claim, Document, Workspace
from annotations.permissions import can, roles_of


@login_required
def home(request):
    """The user's workspaces, each with its most recent documents."""
    workspace_ids = roles_of(request.user).keys()
    # Queries: workspaces, then their documents (prefetch).
    workspaces = Workspace.objects.filter(pk__in=workspace_ids).prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.annotate(claim_count=Count("claims")).defer("text"),
        )
    )
    roles = roles_of(request.user)
    rows = [(ws, roles[ws.pk]) for ws in workspaces]
    return render(request, "annotations/home.html", {"rows": rows})


def _workspace_for(request, slug) -> Workspace:
    workspace = get_object_or_404(Workspace, slug=slug)
    if not can(request.user, "document.read", workspace):
        raise Http404("No such workspace.")
    return workspace


@login_required
def workspace_detail(request, slug):
    workspace = _workspace_for(request, slug)
    documents = workspace.documents.annotate(claim_count=Count("claims")).defer("text")
    return render(
        request,
        "annotations/workspace.html",
        {"workspace": workspace, "documents": documents},
    )


@login_required
def document_detail(request, pk):
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    claims = Claim.objects.filter(document=document).with_state().defer("restatement")
    return render(
        request,
        "annotations/document.html",
        {"document": document, "workspace": document.workspace, "claims": claims},
    )


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
