from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from annotations.web import sign_in

admin.site.site_header = "Fact-checking workbench"
admin.site.site_title = "Fact-checking workbench"

urlpatterns = [
    # Before admin.site.urls: with password sign-in off, staff sign in through the provider.
    path("admin/login/", sign_in.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]
if settings.OIDC_ENABLED:
    # /oidc/authenticate/ starts the sign-in; /oidc/callback/ is the redirect URI.
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "annotations.errors.bad_request"
handler403 = "annotations.errors.permission_denied"
handler404 = "annotations.errors.page_not_found"
handler500 = "annotations.errors.server_error"
