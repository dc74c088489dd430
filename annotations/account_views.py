"""Account pages: password reset (Django's views) and notification preferences."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
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


urlpatterns = [
    path("account/preferences/", preferences, name="preferences"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
