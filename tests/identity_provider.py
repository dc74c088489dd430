"""A real OpenID Connect provider inside the test server: django-oidc-provider at
/openid/, beside the workbench with its /oidc/ sign-in routes (URL conf `urlpatterns`).

The provider's accounts are Django users too (same table); what the provider tells about
them (email, whether it is verified, the roles claim) comes from PEOPLE, keyed by the
provider account's username, so the workbench account it signs into is a different row.
"""

from django.urls import include, path

import factcheck.urls

PEOPLE: dict[str, dict] = {}


def userinfo(claims, user):
    person = PEOPLE.get(user.username, {})
    claims["email"] = person.get("email")
    claims["email_verified"] = person.get("email_verified", False)
    claims["preferred_username"] = person.get("preferred_username")
    claims["name"] = person.get("name")
    return claims


def add_roles_claim(id_token, user, **kwargs):
    roles = PEOPLE.get(user.username, {}).get("factcheck_roles")
    if roles is not None:
        id_token["factcheck_roles"] = roles
    return id_token


urlpatterns = [
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    *factcheck.urls.urlpatterns,
]
handler400 = factcheck.urls.handler400
handler403 = factcheck.urls.handler403
handler404 = factcheck.urls.handler404
handler500 = factcheck.urls.handler500
