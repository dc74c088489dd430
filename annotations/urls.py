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
    path("w/<slug:slug>/search/", views.workspace_search, name="workspace_search"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/agreement/", views.document_agreement, name="document_agreement"),
    path("documents/<int:pk>/claims/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/reuse/", views.claim_reuse, name="claim_reuse"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/panel/", views.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/details/", views.claim_details, name="claim_details"),
    path("claims/<int:pk>/annotation/", views.claim_annotation, name="claim_annotation"),
    path("claims/<int:pk>/sources/", views.source_add, name="source_add"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("annotations/<int:pk>/review/", views.annotation_review, name="annotation_review"),
    path("annotations/<int:pk>/comments/", views.annotation_comment, name="annotation_comment"),
    path("annotations/<int:pk>/flag/", views.annotation_flag, name="annotation_flag"),
    path("annotations/<int:pk>/hide/", views.annotation_hide, name="annotation_hide"),
    path("annotations/<int:pk>/publish/", views.annotation_publish, name="annotation_publish"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("comments/<int:pk>/flag/", views.comment_flag, name="comment_flag"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("verdicts/<int:pk>/retract/", views.verdict_retract, name="verdict_retract"),
    path("notes/preview/", views.note_preview, name="note_preview"),
]
