from django.contrib.auth import views as auth_views
from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("review/", views.review_queue, name="review_queue"),
    path("flags/", views.flag_queue, name="flag_queue"),
    path("notifications/", views.notifications, name="notifications"),
    path("assigned/", views.assigned_to_me, name="assigned"),
    path("w/<slug:slug>/", views.workspace_detail, name="workspace"),
    path("w/<slug:slug>/settings/", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:slug>/import/", views.document_import, name="document_import"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim_assign"),
]
