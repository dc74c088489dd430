"""Live documents in the pages: an editor starts one (the import page), appends a
chunk and closes it (the document page); a desk's ingest tokens (workspace settings)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annotations import parsing
from annotations.forms import ChunkForm, LiveDocumentForm
from annotations.models import Document, IngestToken, InvalidInput, NotVisible, WorkflowError
from annotations.services.live import (
    append_chunk,
    close_live_document,
    held_text,
    start_live_document,
)
from annotations.web.common import _posted, _refused, _workspace_for


@login_required
@require_POST
def live_document_start(request, slug):
    workspace = _workspace_for(request, slug, "document.import")
    form = LiveDocumentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = start_live_document(workspace, created_by=request.user, **data)
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, "The live document is open: append the transcript as it arrives."
            )
            return redirect("document", pk=document.pk)
    return render(
        request, "annotations/live_start.html", {"workspace": workspace, "form": form}, status=400
    )


def _document(request, pk) -> Document:
    return get_object_or_404(Document.objects.select_related("workspace"), pk=pk)


def _act(request, document, change):
    """Run an append or a close: 404 for a non-member, 403 for a member without the right;
    other refusals are the caller's."""
    try:
        return change()
    except NotVisible:
        raise Http404("No such document.") from None
    except WorkflowError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from None
        raise


@login_required
@require_POST
def document_append(request, pk):
    document = _document(request, pk)
    form = ChunkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appended = _act(
                request,
                document,
                lambda: append_chunk(
                    document, data["text"], sequence=data["sequence"], by=request.user
                ),
            )
        except WorkflowError as exc:  # bad text, a gap, a closed document: said on the form
            form.add_error("text" if exc.status_code == 400 else None, exc.message)
            status = exc.status_code
        else:
            count = len(appended.claims)
            done = "was appended before" if appended.replayed else "appended"
            claims = f"{count} new claim{'' if count == 1 else 's'}"
            messages.success(request, f"Chunk {appended.chunk.sequence} {done}: {claims}.")
            return redirect("document", pk=document.pk)
    else:
        status = 400
    context = {"document": document, "form": form, "max_chars": settings.MAX_CHUNK_CHARS}
    return render(request, "annotations/live_chunk.html", context, status=status)


@login_required
@require_POST
def document_close(request, pk):
    document = _document(request, pk)
    try:
        closed = _act(request, document, lambda: close_live_document(document, request.user))
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        if closed is not None:
            messages.success(
                request, "The live document is closed: its text will not change any more."
            )
    return redirect("document", pk=document.pk)


def growing_context(document, role) -> dict:
    """What the document page shows of a live document: that it is live, the text held
    for the next chunk, and for editors the form for the next chunk."""
    if not document.live:
        return {"live_document": False}
    editor = role == "editor"
    return {
        "live_document": True,
        "held_text": held_text(document),
        "chunk_form": ChunkForm(initial={"sequence": document.last_sequence + 1})
        if editor
        else None,
    }


def ingest_context(workspace) -> dict:
    return {"ingest_tokens": list(workspace.ingest_tokens.select_related("created_by"))}


def ingest_post(request, workspace, which):
    """A posted ingest-token form: what the page shows next (a new key, once; a refused
    name) or a redirect after a revocation."""
    if which == "ingest_revoke":
        try:
            pk = _posted(request, "token", parsing.parse_id)
        except InvalidInput as exc:
            return _refused(exc)
        token = get_object_or_404(workspace.ingest_tokens, pk=pk)
        token.delete()
        messages.success(request, f"Revoked the ingest token {token.name}.")
        return redirect("workspace_settings", slug=workspace.slug)
    name = request.POST.get("name", "").replace("\x00", "")
    try:
        token, key = IngestToken.issue(workspace, name, request.user)
    except InvalidInput as exc:
        return {"ingest_error": exc.message, "ingest_name": name[:100]}
    return {"new_ingest": {"name": token.name, "key": key}}
