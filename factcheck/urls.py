from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fact-checking workbench"
admin.site.site_title = "Fact-checking workbench"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]

handler400 = "annotations.errors.bad_request"
handler403 = "annotations.errors.permission_denied"
handler404 = "annotations.errors.page_not_found"
handler500 = "annotations.errors.server_error"
