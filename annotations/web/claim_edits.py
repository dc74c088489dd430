"""An editor's fixes to claims from the panel: delete, merge with a neighbour, split.

Each POST calls one Claim method (models/claim_edits.py). On success the document's
marked text has changed, so the page reloads on the claim that remains (htmx:
HX-Redirect; without htmx a redirect with a flash message). A refusal (403, 409, 400)
answers in the panel like every other panel POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotations import parsing
from annotations.models import Claim, InvalidInput, WorkflowError
from annotations.web.common import _posted, _readable_claim, _refused
from annotations.web.panel import _panel


def _reload(request, document_id, number, message):
    """Back to the document page, the panel open on claim `number` (if any)."""
    url = reverse("document", args=[document_id])
    if number is not None:
        url += f"?claim={number}"
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refusal(request, claim, exc):
    if exc.status_code == 404:
        raise Http404(exc.message)
    if request.htmx:
        return _panel(request, claim, error=exc)
    messages.error(request, exc.message)
    return redirect(f"{reverse('document', args=[claim.document_id])}?claim={claim.number}")


@login_required
@require_POST
def claim_delete(request, pk):
    claim = _readable_claim(request, pk)
    try:
        claim.delete_unworked(request.user)
    except WorkflowError as exc:
        return _refusal(request, claim, exc)
    return _reload(request, claim.document_id, None, f"Claim {claim.number} deleted.")


@login_required
@require_POST
def claim_merge(request, pk):
    claim = _readable_claim(request, pk)
    try:
        other_id = _posted(request, "other", parsing.parse_id)
    except InvalidInput as exc:
        return _refused(exc)
    other = Claim.objects.filter(pk=other_id, document_id=claim.document_id).first()
    try:
        if other is None:
            raise InvalidInput("No claim of this document has this id.", field="other")
        kept = claim.merge_with(other, request.user)
    except WorkflowError as exc:
        return _refusal(request, claim, exc)
    gone = other.number if kept.pk == claim.pk else claim.number
    return _reload(
        request, kept.document_id, kept.number, f"Claim {gone} merged into claim {kept.number}."
    )


@login_required
@require_POST
def claim_split(request, pk):
    claim = _readable_claim(request, pk)
    try:
        offset = _posted(request, "offset", parsing.parse_int)
    except InvalidInput as exc:
        return _refused(exc)
    try:
        first, second = claim.split_at(offset, request.user)
    except WorkflowError as exc:
        return _refusal(request, claim, exc)
    return _reload(
        request,
        first.document_id,
        first.number,
        f"Claim {first.number} split; its second part is claim {second.number}.",
    )
