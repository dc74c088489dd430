"""What the page views share: the workspace and objects a request may read, the
strict reading of posted values, the rating scale and the claim states' marks."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from annotations import parsing
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    InvalidInput,
    NotVisible,
    Rating,
    WorkflowError,
    Workspace,
)
from annotations.permissions import Action, can, claims_with_state, require


def _workspace_for(request, slug, action=Action.DOCUMENT_READ) -> Workspace:
    """The workspace, if the user may do `action` there: 404 for non-members, 403 for
    members without the right."""
    workspace = get_object_or_404(Workspace, slug=slug)
    messages_by_action = {
        Action.WORKSPACE_MANAGE: "Only editors can change workspace settings.",
        Action.DOCUMENT_IMPORT: "Only editors can import documents.",
        Action.FACTCHECKS_LOAD: "Only editors can load reference fact-checks.",
    }
    try:
        require(request.user, action, workspace, messages_by_action.get(action, "Not allowed."))
    except NotVisible:
        raise Http404("No such workspace.") from None
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None
    return workspace


STATE_ICONS = {
    Claim.State.UNCHECKED: "○",
    Claim.State.IN_PROGRESS: "◐",
    Claim.State.APPROVED: "✓",
    Claim.State.PUBLISHED: "★",
}


STATE_LABELS = {state: state.label.lower() for state in Claim.State}


def _scale(workspace) -> list[Rating]:
    """The workspace's ratings in order. Their colours go into style attributes as they
    are: the database holds only #rrggbb (rating_colour_hex)."""
    ratings = list(Rating.objects.filter(scale__workspace=workspace))
    for rating in ratings:
        rating.swatch = rating.colour
    return ratings


def _claims_with_state(user, role, document):
    """Claims with has_verdict/has_approved/has_annotation, from what the user may see
    (permissions.claims_with_state), so colours do not leak colleagues' work."""
    return claims_with_state(user, Claim.objects.filter(document=document))


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
