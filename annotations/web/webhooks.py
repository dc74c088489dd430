"""The webhooks part of the workspace settings page: add, disable, enable again, rotate
the secret, remove; and the latest attempts of the desk's webhooks."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from annotations import parsing
from annotations.models import InvalidInput, Webhook, WebhookDelivery
from annotations.web.common import _posted, _refused

RECENT_DELIVERIES = 20


def webhook_context(workspace) -> dict:
    """Two queries: the webhooks, and the latest attempts with their webhook."""
    return {
        "webhooks": list(workspace.webhooks.order_by("id")),
        "webhook_deliveries": list(
            WebhookDelivery.objects.filter(webhook__workspace=workspace)
            .select_related("webhook")
            .defer("payload")
            .order_by("-id")[:RECENT_DELIVERIES]
        ),
        "webhook_events": Webhook.EventType.choices,
    }


def webhook_post(request, workspace, which):
    """A posted webhook form: a response, or what the page shows next (a new secret,
    once; a refused webhook's reason and the URL as typed)."""
    if which == "webhook":
        answer = change_webhook(request, workspace)
        return answer if isinstance(answer, HttpResponse) else {"new_secret": answer}
    url = request.POST.get("url", "")
    try:
        hook = Webhook.create_by(
            request.user, workspace, url=url, events=request.POST.getlist("events")
        )
    except InvalidInput as exc:
        return {"webhook_error": exc.message, "webhook_url": url.replace("\x00", "")[:4000]}
    return {"new_secret": hook}


def change_webhook(request, workspace):
    """A redirect after the change; after a rotation, the webhook with its new secret for
    the page to show once."""
    try:
        pk = _posted(request, "webhook", parsing.parse_id)
    except InvalidInput as exc:
        return _refused(exc)
    hook = get_object_or_404(workspace.webhooks, pk=pk)
    change = request.POST.get("change")
    if change == "enable":
        hook.update_by(request.user, active=True)
        messages.success(request, f"{hook.url} is enabled again.")
    elif change == "disable":
        hook.update_by(request.user, active=False)
        messages.success(request, f"{hook.url} is disabled.")
    elif change == "rotate":
        hook.rotate_secret(request.user)
        return hook
    elif change == "delete":
        hook.delete_by(request.user)
        messages.success(request, f"Removed the webhook to {hook.url}.")
    else:
        return _refused(InvalidInput("Unknown change.", field="change"))
    return redirect("workspace_settings", slug=workspace.slug)
