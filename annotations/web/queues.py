"""Work lists across workspaces: the review queue, open flags, notifications and the
claims assigned to the user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from annotations import parsing
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Flag,
    InvalidInput,
    Notification,
    WorkflowError,
)
from annotations.notifications import quote
from annotations.permissions import (
    Action,
    Viewer,
    claims_with_state,
    counted_annotations,
    notifications_for,
    readable_workspace_ids,
    workspace_ids_with,
)
from annotations.web.common import _posted, _refused

QUEUE_ORDERS = {"oldest": ("submitted_at", "id"), "newest": ("-submitted_at", "-id")}


@login_required
@require_safe
def review_queue(request):
    """Submitted work waiting for this user's review, across workspaces: oldest first by
    default, or newest first; narrowed to one document or one author, chosen from the
    work this user may review."""
    try:
        document_id = parsing.parse_id(request.GET.get("document"), "document", optional=True)
        author_id = parsing.parse_id(request.GET.get("author"), "author", optional=True)
    except parsing.InvalidValue as exc:
        return _refused(exc)
    order = request.GET.get("order") or "oldest"
    if order not in QUEUE_ORDERS:
        return _refused(InvalidInput("order: choose oldest or newest.", field="order"))
    reviewable = workspace_ids_with(request.user, Action.ANNOTATION_REVIEW, staff=False)
    waiting = (
        counted_annotations(request.user)
        .filter(claim__document__workspace_id__in=reviewable, status=Annotation.Status.SUBMITTED)
        .exclude(author=request.user)
    )
    # The choices: every document and author with work waiting, whatever is selected.
    pairs = list(
        waiting.order_by()
        .values_list(
            "claim__document_id", "claim__document__title", "author_id", "author__username"
        )
        .distinct()
    )
    documents = sorted({(d, title) for d, title, _, _ in pairs}, key=lambda r: r[1].casefold())
    authors = sorted({(a, name) for _, _, a, name in pairs}, key=lambda r: r[1].casefold())
    if document_id is not None:
        waiting = waiting.filter(claim__document_id=document_id)
    if author_id is not None:
        waiting = waiting.filter(author_id=author_id)
    # Queries: session, user, roles, the choices, the annotations with their claims and
    # documents, the unread count.
    pending = (
        waiting.select_related("author", "rating", "claim__document__workspace")
        .defer("claim__document__text")
        .order_by(*QUEUE_ORDERS[order])[:500]
    )
    return render(
        request,
        "annotations/review_queue.html",
        {
            "annotations": pending,
            "documents": documents,
            "authors": authors,
            "selected": {"document": document_id, "author": author_id, "order": order},
            "filtering": document_id is not None or author_id is not None,
        },
    )


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
    items = list(
        mine.annotate(quoted_id=_quoted_comment_id())
        .select_related("actor", "claim__document__workspace")
        .defer("claim__document__text")[:100]
    )
    _quote_comments(request.user, items)
    return render(request, "annotations/notifications.html", {"items": items})


QUOTED_KINDS = (
    Notification.Kind.COMMENTED,
    Notification.Kind.CHANGES_REQUESTED,
    Notification.Kind.APPROVED,
)


def _quoted_comment_id():
    """The comment a notification is about: the latest its actor wrote on its annotation
    up to the moment of the notice (a comment, or a review decision's comment), sent in
    the same transaction."""
    comments = Comment.objects.filter(
        annotation_id=OuterRef("annotation_id"),
        author_id=OuterRef("actor_id"),
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at", "-id")
    return Case(
        When(kind__in=QUOTED_KINDS, then=Subquery(comments.values("pk")[:1])),
        default=None,
        output_field=IntegerField(),
    )


def _quote_comments(user, items) -> None:
    """Set `quote` on each notification: the first words of its comment, when the user
    may see that comment (a hidden one only for the desk's editors). One query."""
    ids = {n.quoted_id for n in items if n.quoted_id}
    comments = Comment.objects.only("id", "body", "hidden", "annotation_id").in_bulk(ids)
    viewers = {}
    for notification in items:
        notification.quote = ""
        comment = comments.get(notification.quoted_id)
        if comment is None or not comment.body or notification.claim is None:
            continue
        workspace = notification.claim.document.workspace
        viewer = viewers.setdefault(workspace.pk, Viewer(user, workspace))
        if viewer.sees_comment(comment):
            notification.quote = quote(comment.body)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_open(request, pk):
    """Follow a notification to its claim. Only a POST (the list's button) marks it read:
    a GET changes nothing, so a link prefetcher or a crawler cannot read it for the user."""
    notification = get_object_or_404(notifications_for(request.user).select_related("claim"), pk=pk)
    if request.method == "POST" and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.claim is None:
        return redirect("notifications")
    url = reverse("document", args=[notification.claim.document_id])
    claim = notification.claim
    return redirect(f"{url}?claim={claim.number}#claim-{claim.pk}")


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
