"""Every page route of the app (the API's are in annotations/api/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from annotations.web import (
    accounts,
    claim_edits,
    document_lifecycle,
    documents,
    exports,
    factchecks,
    health,
    imports,
    jobs,
    live,
    live_documents,
    matching,
    panel,
    public_live,
    queues,
    sign_in,
    workspace_settings,
)

urlpatterns = [
    path("", documents.home, name="home"),
    path("login/", sign_in.LoginView.as_view(), name="login"),
    path("logout/", sign_in.LogoutView.as_view(), name="logout"),
    path("healthz", health.healthz, name="healthz"),
    path("review/", queues.review_queue, name="review_queue"),
    path("flags/", queues.flag_queue, name="flag_queue"),
    path("notifications/", queues.notifications, name="notifications"),
    path("notifications/<int:pk>/", queues.notification_open, name="notification_open"),
    path("assigned/", queues.assigned_to_me, name="assigned"),
    path("workspaces/new/", workspace_settings.workspace_create, name="workspace_create"),
    path("w/<slug:slug>/", documents.workspace_detail, name="workspace"),
    path(
        "w/<slug:slug>/settings/",
        workspace_settings.workspace_settings,
        name="workspace_settings",
    ),
    path("w/<slug:slug>/import/", imports.document_import, name="document_import"),
    path("w/<slug:slug>/factchecks/", factchecks.factcheck_list, name="factcheck_list"),
    path("w/<slug:slug>/import/factchecks/", factchecks.factchecks_load, name="factchecks_load"),
    path("w/<slug:slug>/search/", documents.workspace_search, name="workspace_search"),
    path("w/<slug:slug>/checked-before/", matching.workspace_match, name="workspace_match"),
    path("documents/<int:pk>/", documents.document_detail, name="document"),
    path("documents/<int:pk>/delete/", document_lifecycle.document_delete, name="document_delete"),
    path(
        "documents/<int:pk>/archive/", document_lifecycle.document_archive, name="document_archive"
    ),
    path(
        "documents/<int:pk>/unarchive/",
        document_lifecycle.document_unarchive,
        name="document_unarchive",
    ),
    path("documents/<int:pk>/append/", live_documents.document_append, name="document_append"),
    path("documents/<int:pk>/close/", live_documents.document_close, name="document_close"),
    path("w/<slug:slug>/live/", live_documents.live_document_start, name="live_document_start"),
    path("documents/<int:pk>/agreement/", documents.document_agreement, name="document_agreement"),
    path("documents/<int:pk>/claims/", documents.claim_create, name="claim_create"),
    path("live/", live.desk_stream, name="desk_stream"),
    path("live/events/", live.desk_events, name="desk_events"),
    path("live/documents/<int:pk>/", live.document_stream, name="document_stream"),
    path("live/documents/<int:pk>/events/", live.document_events, name="document_events"),
    path("claims/<int:pk>/presence/", live.claim_presence, name="claim_presence"),
    path("live/reports/<slug:slug>/", public_live.report_stream, name="report_stream"),
    path("live/reports/<slug:slug>/events/", public_live.report_events, name="report_events"),
    path("claims/<int:pk>/reuse/", panel.claim_reuse, name="claim_reuse"),
    path("claims/<int:pk>/assign/", documents.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/panel/", panel.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/details/", documents.claim_details, name="claim_details"),
    path("claims/<int:pk>/delete/", claim_edits.claim_delete, name="claim_delete"),
    path("claims/<int:pk>/merge/", claim_edits.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/split/", claim_edits.claim_split, name="claim_split"),
    path("claims/<int:pk>/annotation/", panel.claim_annotation, name="claim_annotation"),
    path("claims/<int:pk>/sources/", panel.source_add, name="source_add"),
    path("sources/<int:pk>/", panel.source_edit, name="source_edit"),
    path("annotations/<int:pk>/review/", panel.annotation_review, name="annotation_review"),
    path("annotations/<int:pk>/comments/", panel.annotation_comment, name="annotation_comment"),
    path("annotations/<int:pk>/flag/", panel.annotation_flag, name="annotation_flag"),
    path("annotations/<int:pk>/hide/", panel.annotation_hide, name="annotation_hide"),
    path("annotations/<int:pk>/publish/", panel.annotation_publish, name="annotation_publish"),
    path("comments/<int:pk>/resolve/", panel.comment_resolve, name="comment_resolve"),
    path("comments/<int:pk>/flag/", panel.comment_flag, name="comment_flag"),
    path("comments/<int:pk>/hide/", panel.comment_hide, name="comment_hide"),
    path("verdicts/<int:pk>/retract/", panel.verdict_retract, name="verdict_retract"),
    path("notes/preview/", panel.note_preview, name="note_preview"),
    # Accounts: notification preferences, and Django's password reset.
    path("account/preferences/", accounts.preferences, name="preferences"),
    path("account/tokens/", accounts.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path(
        "password-reset/",
        sign_in.password_login_required(
            auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done"))
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        sign_in.password_login_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        sign_in.password_login_required(
            auth_views.PasswordResetConfirmView.as_view(
                success_url=reverse_lazy("password_reset_complete")
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        sign_in.password_login_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    # Background jobs.
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job_download"),
    path("jobs/<int:pk>/retry/", jobs.job_retry, name="job_retry"),
    # Exports and the public report.
    path("reports/<slug:slug>/", exports.public_report, name="report"),
    path("documents/<int:pk>/export/<str:format>/", exports.download, name="document_export"),
    path("documents/<int:pk>/report/", exports.report_publication, name="report_publication"),
]
