"""The account page of our own: notification preferences (password reset is Django's views,
routed in annotations/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotations.models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Per desk: whether notifications also arrive by email."""
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        for membership in memberships:
            on = str(membership.pk) in wanted
            if membership.email_notifications != on:
                membership.email_notifications = on
                membership.save(update_fields=["email_notifications"])
        messages.success(request, "Preferences saved.")
        return redirect("preferences")
    return render(
        request,
        "registration/preferences.html",
        {"memberships": memberships, "has_email": bool(request.user.email)},
    )
