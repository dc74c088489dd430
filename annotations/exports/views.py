"""The public report page and the members' download of any export format."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from annotations.exports import FORMATS
from annotations.exports.claimreview import claim_reviews
from annotations.exports.html import render
from annotations.exports.report import build_report
from annotations.models import Document
from annotations.permissions import can


@require_GET
def public_report(request, slug):
    """/reports/<slug>/: the html report with its ClaimReview JSON-LD, for anyone, while an
    editor has it published (report_published_at set); 404 otherwise."""
    document = get_object_or_404(
        Document.objects.select_related("workspace"),
        report_slug=slug,
        report_published_at__isnull=False,
    )
    report = build_report(document, include_approved=document.report_include_approved)
    # The page's JSON-LD is for published verdicts only, whatever the page shows.
    reviews = claim_reviews(report)
    return HttpResponse(render(report, jsonld=reviews), content_type="text/html; charset=utf-8")


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
    include_approved = request.GET.get("include_approved") in ("1", "true", "on")
    result = exporter.export(document, request.user, include_approved=include_approved)
    if isinstance(result, bytes):
        response = HttpResponse(result, content_type=exporter.content_type)
    else:
        response = StreamingHttpResponse(result, content_type=exporter.content_type)
    name = f"{slugify(document.title)[:60] or 'document'}-{document.pk}.{exporter.extension}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    # Member exports carry what this user may see: never cache them for anyone else.
    response["Cache-Control"] = "private, no-store"
    return response
