"""The account pages of our own: notification preferences and personal API tokens
(password reset is Django's views, routed in annotations/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from annotations.models import InvalidInput, Membership, PersonalToken


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


@login_required
@never_cache  # the answer to a POST holds a new key
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The user's personal API tokens; a new one's key is shown on this answer only."""
    new_key, error, name = None, None, ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            if len(name) > 100:
                raise InvalidInput("Use a name of at most 100 characters.", field="name")
            if "\x00" in name:
                raise InvalidInput("A name cannot contain NUL characters.", field="name")
            _token, new_key = PersonalToken.issue(request.user, name)
        except InvalidInput as exc:
            error = exc.message
        else:
            name = ""
    return render(
        request,
        "registration/tokens.html",
        {
            "tokens": PersonalToken.objects.filter(user=request.user),
            "new_key": new_key,
            "error": error,
            "name": name,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(PersonalToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, f"Revoked the token {token.name}.")
    return redirect("tokens")
