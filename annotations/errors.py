"""Error pages that say what happened without a stack trace."""

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import server_error as default_server_error

from annotations.middleware import too_large

UNAVAILABLE = (
    "The workbench cannot reach its database right now. Nothing you saved is lost; "
    "try again in a minute."
)
CONFLICT = (
    "The request clashed with a change saved at the same moment and was not applied; "
    "reload and try again."
)


NOT_FOUND = "There is nothing here, or it is not yours to see."
FORBIDDEN = "You may not do this here."


def _error_page(request, status, title, message):
    """A styled page that says what happened and links back; inside the claim panel
    (htmx), a short message in place of the panel rather than a whole page."""
    template = "errors/fragment.html" if getattr(request, "htmx", False) else "errors/page.html"
    context = {"title": title, "message": message}
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def permission_denied(request, exception, *args, **kwargs):
    message = str(exception) if exception and str(exception) else FORBIDDEN
    return _error_page(request, 403, "Not allowed", message)


def page_not_found(request, exception, *args, **kwargs):
    return _error_page(request, 404, "Not found", NOT_FOUND)


def bad_request(request, exception, *args, **kwargs):
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return default_bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """500; 503 when the database is unreachable; 409 when a constraint refused a write
    that raced another (an IntegrityError is a conflict, not an outage)."""
    _, exc, _ = sys.exc_info()
    if isinstance(exc, (OperationalError, InterfaceError)):
        return _plain(request, UNAVAILABLE, "unavailable", 503)
    if isinstance(exc, IntegrityError):
        return _plain(request, CONFLICT, "conflict", 409)
    return default_server_error(request, *args, **kwargs)


def _plain(request, message: str, code: str, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code, "errors": {}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
