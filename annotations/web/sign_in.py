"""Signing in: the login page (password and OpenID Connect), and the OIDC backend that
matches people by verified email and applies the roles claim."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from annotations.services.sign_in import apply_role_claim

PASSWORD_LOGIN_OFF = (
    "Password sign-in is switched off on this server: sign in with {provider}. Scripts use "
    "a personal API token, made on your account's API tokens page."
)
SIGN_IN_FAILED = (
    "Signing in with {provider} did not succeed. You need an email address that your "
    "provider has verified and that belongs to an account here, or ask an administrator "
    "to let new accounts be created."
)


def password_login_off_message() -> str:
    return PASSWORD_LOGIN_OFF.format(provider=settings.OIDC_PROVIDER_NAME)


class LoginView(auth_views.LoginView):
    """Django's login page, with the single sign-on button when OIDC is on and without
    the password form when password sign-in is off."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied(password_login_off_message())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_login"] = settings.PASSWORD_LOGIN
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        if self.request.GET.get("signin") == "failed":
            context["sign_in_failed"] = SIGN_IN_FAILED.format(provider=settings.OIDC_PROVIDER_NAME)
        return context


class LogoutView(auth_views.LogoutView):
    """Django's sign-out; a session that came from the OpenID Connect provider is then
    ended there too, when the provider's end-session endpoint is configured."""

    def post(self, request, *args, **kwargs):
        provider = provider_logout_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider) if provider else response


def provider_logout_url(request) -> str:
    """The provider's end-session address for this session (OpenID Connect RP-initiated
    logout), which sends the browser back to the login page; "" when no endpoint is set
    or the session was not opened by the provider (a password sign-in)."""
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if not endpoint or request.session.get(BACKEND_SESSION_KEY) != OIDC_BACKEND:
        return ""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": settings.SITE_URL + reverse("login"),
    }
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def admin_login(request, *args, **kwargs):
    """The admin site's login: Django's password form while password sign-in is on, else
    our login page (single sign-on), which comes back to the admin site."""
    if settings.PASSWORD_LOGIN:
        return admin.site.login(request, *args, **kwargs)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def password_login_required(view):
    """Password reset pages exist only while password sign-in is on."""

    def wrapped(request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied(password_login_off_message())
        return view(request, *args, **kwargs)

    return wrapped


OIDC_BACKEND = "annotations.web.sign_in.OIDCBackend"


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback, keeping the ID token it stored (the hint for
    ending the provider's session at sign-out) across the sign-in, which starts a fresh
    session when another account was signed in."""

    def login_success(self):
        id_token = self.request.session.get("oidc_id_token")
        response = super().login_success()
        if id_token:
            self.request.session["oidc_id_token"] = id_token
        return response


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching accounts by a verified email only."""

    def verify_claims(self, claims):
        # An unverified address could be anyone's: it never signs in, nor makes an account.
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims):
        return get_user_model().objects.filter(email__iexact=claims["email"], is_active=True)

    def create_user(self, claims):
        user = get_user_model().objects.create_user(
            self._free_username(claims), email=claims["email"]
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user

    def get_userinfo(self, access_token, id_token, payload):
        self._userinfo = super().get_userinfo(access_token, id_token, payload)
        return self._userinfo

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        claim = settings.OIDC_ROLES_CLAIM
        if user is not None and claim:
            # The ID token's claim, else the same claim from the userinfo endpoint.
            value = payload.get(claim, getattr(self, "_userinfo", {}).get(claim))
            apply_role_claim(user, value)
        return user

    @staticmethod
    def _free_username(claims) -> str:
        """The provider's preferred username, else the email's local part, made valid
        and unique."""
        wanted = claims.get("preferred_username") or claims["email"].split("@")[0]
        base = re.sub(r"[^\w.@+-]", "", str(wanted))[:140] or "user"
        users = get_user_model().objects
        candidate, n = base, 1
        while users.filter(username__iexact=candidate).exists():
            n += 1
            candidate = f"{base}{n}"
        return candidate
