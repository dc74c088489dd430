"""Reference fact-checks: loading a file of them (from the import page) and the page
that lists a workspace's, attributed to their publishers. They are fact-checks published
elsewhere, never this desk's verdicts."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from annotations import importers
from annotations.forms import FactCheckFileForm, ImportForm
from annotations.models import ReferenceFactCheck
from annotations.permissions import Action, can
from annotations.services.factcheck_files import load_factchecks
from annotations.web.common import _workspace_for

PAGE_SIZE = 50
# The page lists this many of the records left out; the counts cover them all.
SHOWN_PROBLEMS = 200
QUERY_MAX = 200


def factcheck_section(request, workspace) -> dict:
    """What the import page needs for its "Load reference fact-checks" section, which
    only those allowed to load them see."""
    return {
        "can_load_factchecks": can(request.user, Action.FACTCHECKS_LOAD, workspace),
        "factcheck_form": FactCheckFileForm(),
    }


@require_POST
def factchecks_load(request, slug):
    """The import page's "Load reference fact-checks" form: the page again, with what
    was loaded and the records left out (or why the file was refused)."""
    workspace = _workspace_for(request, slug, Action.FACTCHECKS_LOAD)
    form = FactCheckFileForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = min(settings.MAX_UPLOAD_BYTES, settings.FACTCHECKS_MAX_BYTES)
        if upload.size > limit:
            form.add_error(
                "file",
                f"The file has {upload.size:,} bytes; the limit here is {limit:,}. "
                "Load it with manage.py import_factchecks, or split it.",
            )
        else:
            try:
                data = upload.read()
                report = load_factchecks(workspace, data, request.user, filename=upload.name)
            except importers.ImportRefused as exc:
                form.add_error("file", str(exc))
    context = {
        "workspace": workspace,
        "form": ImportForm(),
        "factcheck_form": form if report is None else FactCheckFileForm(),
        "can_load_factchecks": True,
        "factcheck_report": report,
        "factcheck_problems": report.problems[:SHOWN_PROBLEMS] if report else [],
    }
    status = 400 if form.errors else 200
    return render(request, "annotations/import.html", context, status=status)


@require_GET
def factcheck_list(request, slug):
    """The workspace's reference fact-checks, newest loaded first, searchable by text
    and publisher."""
    workspace = _workspace_for(request, slug)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:QUERY_MAX]
    publisher = request.GET.get("publisher", "").replace("\x00", "").strip()[:QUERY_MAX]
    rows = ReferenceFactCheck.objects.filter(workspace=workspace).defer(
        "match_text", "search_vector", "match_vector"
    )
    if query:
        rows = rows.filter(
            Q(claim__icontains=query) | Q(title__icontains=query) | Q(claimant__icontains=query)
        )
    if publisher:
        rows = rows.filter(publisher__icontains=publisher)
    page = Paginator(rows.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/factchecks.html",
        {"workspace": workspace, "page": page, "q": query, "publisher": publisher},
    )
