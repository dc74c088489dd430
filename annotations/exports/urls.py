from django.urls import path

from annotations.exports import views

urlpatterns = [
    path("reports/<slug:slug>/", views.public_report, name="report"),
    path("documents/<int:pk>/export/<str:format>/", views.download, name="document_export"),
    path("documents/<int:pk>/report/", views.report_publication, name="report_publication"),
]
