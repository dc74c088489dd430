"""The import page: a preview of the claims found, then the import (large files in the
background)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotations import importers, jobs
from annotations.forms import ImportForm, LiveDocumentForm
from annotations.services import document_language, import_document, segment
from annotations.web.common import _workspace_for
from annotations.web.factchecks import factcheck_section

PREVIEW_LIMIT = 300


@login_required
@require_http_methods(["GET", "POST"])
def document_import(request, slug):
    """Import with a preview: "Preview" shows the claims the splitter finds (an uploaded
    file is converted and its text put in the form), "Import" stores the document."""
    workspace = _workspace_for(request, slug, "document.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid() and _imported_later(form.cleaned_data):
        if "preview" not in request.POST:
            return _import_job(request, workspace, form.cleaned_data)
        # Converting a large file is the slow part: it is not done in the request.
        form.add_error(
            "file",
            f"Files over {settings.BACKGROUND_IMPORT_BYTES:,} bytes are imported in the "
            "background, without a preview: choose the file again and press Import.",
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            imported = _imported(data)
        except importers.ImportRefused as exc:
            form.add_error("file" if data.get("file") else "text", str(exc))
        else:
            if "preview" in request.POST:
                language = document_language(imported.text, data["language"], imported.language)
                claims = segment(imported.text, language)
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
                try:
                    result = import_document(
                        workspace,
                        imported,
                        title=data["title"],
                        speaker=data["speaker"],
                        speaker_type=data["speaker_type"],
                        source_url=data["source_url"],
                        published=data["published"],
                        language=data["language"],
                        created_by=request.user,
                    )
                except importers.ImportRefused as exc:
                    field = exc.field or ("file" if data.get("file") else "text")
                    form.add_error(field, str(exc))
                else:
                    if result.created:
                        messages.success(request, f"Imported with {result.claims} claims.")
                    else:
                        messages.info(request, "This text was already imported; here it is.")
                    return redirect("document", pk=result.document.pk)
    return render(
        request,
        "annotations/import.html",
        {
            "workspace": workspace,
            "form": form,
            "preview": preview,
            "live_form": LiveDocumentForm(),
            **factcheck_section(request, workspace),
        },
    )


def _imported_later(data) -> bool:
    """An upload over BACKGROUND_IMPORT_BYTES (and within MAX_UPLOAD_BYTES, or it is
    refused with the limit named) is imported by a background job."""
    upload = data.get("file")
    return (
        upload is not None
        and settings.BACKGROUND_IMPORT_BYTES < upload.size <= settings.MAX_UPLOAD_BYTES
    )


def _import_job(request, workspace, data):
    upload = data["file"]
    job = jobs.start_import(
        workspace,
        request.user,
        upload.read(),
        filename=upload.name,
        content_type=upload.content_type,
        title=data["title"],
        speaker=data["speaker"],
        speaker_type=data["speaker_type"],
        source_url=data["source_url"],
        published=data["published"],
        language=data["language"],
    )
    messages.info(request, "The file is large: it is imported in the background.")
    return redirect("job", pk=job.pk)


def _imported(data) -> importers.ImportedText:
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
