"""The public report page, its publication, and the members' download of any export format
(PDF through a background job)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST, require_safe

from annotations import jobs
from annotations.exports import FORMATS, TRUE_VALUES
from annotations.exports.claimreview import claim_reviews
from annotations.exports.html import render
from annotations.exports.report import build_report
from annotations.models import Document, WorkflowError
from annotations.permissions import can
from annotations.web.public_live import live_config


@require_safe
def public_report(request, slug):
    """/reports/<slug>/: the html report with its ClaimReview JSON-LD, for anyone, while an
    editor has it published (report_published_at set); 404 otherwise. The page follows
    new verdicts (annotations.web.public_live); no cache may keep it without asking
    again, so a reload always shows the verdicts published by then."""
    document = get_object_or_404(
        Document.objects.select_related("workspace"),
        report_slug=slug,
        report_published_at__isnull=False,
    )
    report = build_report(document, include_approved=document.report_include_approved)
    # The page's JSON-LD is for published verdicts only, whatever the page shows.
    reviews = claim_reviews(report)
    html = render(report, jsonld=reviews, live=live_config(request, document))
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def download(request, pk, format):
    """/documents/<pk>/export/<format>/ as an attachment; ?include_approved=1 adds approved
    work to the public formats. Non-members and unknown formats get 404."""
    exporter = FORMATS.get(format)
    if exporter is None:
        raise Http404("No such export format.")
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    include_approved = request.GET.get("include_approved") in TRUE_VALUES
    if exporter.background:
        return _pdf_job(request, document, include_approved)
    return exporter.response(document, request.user, include_approved=include_approved)


def _pdf_job(request, document, include_approved):
    """PDF takes seconds to render: it is made by a background job (inline when
    TASK_BACKEND=immediate) whose page offers the file when it is ready."""
    job = jobs.start_export(document, request.user, include_approved=include_approved)
    return redirect("job", pk=job.pk)


@login_required
@require_POST
def report_publication(request, pk):
    """An editor publishes the report at /reports/<slug>/, or withdraws it."""
    document = get_object_or_404(Document.objects.select_related("workspace"), pk=pk)
    if not can(request.user, "document.read", document):
        raise Http404("No such document.")
    try:
        if request.POST.get("action") == "withdraw":
            document.withdraw_report(request.user)
            messages.success(request, "The public report is withdrawn.")
        else:
            document.publish_report(
                request.user,
                slug=request.POST.get("slug", ""),
                include_approved=request.POST.get("include_approved") == "on",
            )
            messages.success(request, f"The report is public at /reports/{document.report_slug}/.")
    except WorkflowError as exc:
        if exc.status_code == 403:
            return HttpResponse(exc.message, status=403, content_type="text/plain")
        messages.error(request, exc.message)
    return redirect("document", pk=document.pk)
