"""Routes of /api/v1/. Every path ends in a slash."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations.api import (
    annotations,
    auth,
    claims,
    comments,
    documents,
    factchecks,
    flags,
    jobs,
    live,
    matching,
    search,
    tokens,
    verdicts,
    webhooks,
    workspaces,
)
from annotations.api.base import endpoint_not_found

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("auth/tokens", tokens.PersonalTokenViewSet, basename="personal-token")
router.register("workspaces", workspaces.WorkspaceViewSet, basename="workspace")
router.register(
    r"workspaces/(?P<workspace_slug>[-a-zA-Z0-9_]{1,50})/members",
    workspaces.MembershipViewSet,
    basename="membership",
)
router.register(
    r"workspaces/(?P<workspace_slug>[-a-zA-Z0-9_]{1,50})/ratings",
    workspaces.RatingViewSet,
    basename="rating",
)
router.register(
    r"workspaces/(?P<workspace_slug>[-a-zA-Z0-9_]{1,50})/factchecks",
    factchecks.ReferenceFactCheckViewSet,
    basename="factcheck",
)
router.register(
    r"workspaces/(?P<workspace_slug>[-a-zA-Z0-9_]{1,50})/webhooks",
    webhooks.WebhookViewSet,
    basename="webhook",
)
router.register(
    r"workspaces/(?P<workspace_slug>[-a-zA-Z0-9_]{1,50})/ingest-tokens",
    live.IngestTokenViewSet,
    basename="ingest-token",
)
router.register("documents", documents.DocumentViewSet, basename="document")
router.register("claims", claims.ClaimViewSet, basename="claim")
router.register("annotations", annotations.AnnotationViewSet, basename="annotation")
router.register("sources", annotations.SourceViewSet, basename="source")
router.register("comments", comments.CommentViewSet, basename="comment")
router.register("verdicts", verdicts.VerdictViewSet, basename="verdict")
router.register("flags", flags.FlagViewSet, basename="flag")

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path(
        "workspaces/<slug:workspace_slug>/rating-scale/",
        workspaces.RatingScaleView.as_view(),
        name="api-rating-scale",
    ),
    path(
        "documents/<int:pk>/export/<str:format>/",
        documents.DocumentExportView.as_view(),
        name="api-document-export",
    ),
    path(
        "workspaces/<slug:workspace_slug>/match/",
        matching.MatchView.as_view(),
        name="api-match",
    ),
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="api-job"),
    path("jobs/<int:pk>/download/", jobs.JobDownloadView.as_view(), name="api-job-download"),
    path("search/", search.SearchView.as_view(), name="api-search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
    # Anything else under /api/v1/ gets a JSON 404, not the site's HTML page.
    re_path(r"^", endpoint_not_found),
]
