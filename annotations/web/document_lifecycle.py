"""Editors delete a document nobody has worked on, or archive one that has work (out of
the lists; its page, verdicts and public report stay), and bring it back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotations.models import Document, NotVisible, WorkflowError
from annotations.permissions import Action, require


def _document(request, pk) -> Document:
    document = get_object_or_404(Document.objects.select_related("workspace").defer("text"), pk=pk)
    try:
        require(request.user, Action.DOCUMENT_READ, document)
    except NotVisible:
        raise Http404("No such document.") from None
    return document


def _act(request, pk, change, done: str, *, archived_list: bool):
    document = _document(request, pk)
    try:
        change(document, request.user)
    except NotVisible:
        raise Http404("No such document.") from None
    except WorkflowError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(title=document.title))
    url = reverse("workspace", args=[document.workspace.slug])
    return redirect(f"{url}?archived=1" if archived_list else url)


@login_required
@require_POST
def document_delete(request, pk):
    return _act(request, pk, Document.delete_by, "Deleted “{title}”.", archived_list=False)


@login_required
@require_POST
def document_archive(request, pk):
    return _act(
        request,
        pk,
        Document.archive,
        "Archived “{title}”: it is out of the lists; its page, verdicts and report stay.",
        archived_list=False,
    )


@login_required
@require_POST
def document_unarchive(request, pk):
    return _act(
        request, pk, Document.unarchive, "“{title}” is back in the list.", archived_list=True
    )
