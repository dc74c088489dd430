"""The "Checked before?" box of the workspace page: any pasted text against the desk's
verdicts and its reference fact-checks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from annotations.matching import MAX_TEXT_CHARS, find_matches
from annotations.models import InvalidInput
from annotations.web.common import _workspace_for


@login_required
@require_http_methods(["GET", "POST"])
def workspace_match(request, slug):
    """GET: the box. POST: the nearest verdicts and reference fact-checks of the pasted
    text, each with its score and the words it shares (a fragment for htmx, else the
    page)."""
    workspace = _workspace_for(request, slug)
    text, matches, error, status = "", [], "", 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            matches = find_matches(workspace, text, request.user, limit=10)
        except InvalidInput as exc:
            error, status = str(exc), 400
    template = (
        "annotations/checked_before_results.html"
        if request.headers.get("HX-Request")
        else "annotations/checked_before.html"
    )
    context = {
        "workspace": workspace,
        "text": text[:MAX_TEXT_CHARS],
        "matches": matches,
        "error": error,
        "asked": request.method == "POST",
        "max_chars": MAX_TEXT_CHARS,
    }
    return render(request, template, context, status=status)
