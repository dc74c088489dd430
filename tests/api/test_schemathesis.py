"""schemathesis against /api/v1/schema/: generated requests for every operation, as each
role, get no server error and no response that contradicts the schema.

Bounded for CI: SCHEMATHESIS_EXAMPLES examples (default 8) per operation and role. Half
the generated ids are swapped for ids of real objects, so requests reach the code behind
the 404s as well as the 404s.
"""

import os

import pytest
from django.core.cache import caches
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema_dict() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _config():
    from schemathesis.config import SchemathesisConfig

    # The coverage phase sends every boundary and negative case the schema allows: about
    # ten times the requests. CI runs fuzzing; SCHEMATHESIS_COVERAGE=1 adds it by hand.
    coverage = os.environ.get("SCHEMATHESIS_COVERAGE") == "1"
    return SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}}}
    )


schema = schemathesis.openapi.from_dict(_schema_dict(), config=_config())


def _real_ids(desk) -> dict[str, list[int]]:
    return {
        "/workspaces/{workspace_slug}/members/": [m.pk for m in desk.workspace.memberships.all()],
        "/workspaces/{workspace_slug}/ratings/": list(
            desk.workspace.rating_scale.ratings.values_list("pk", flat=True)
        ),
        "/documents/": [desk.document.pk],
        "/claims/": [desk.claim.pk, desk.other_claim.pk, desk.spare_claim.pk],
        "/annotations/": [desk.draft.pk, desk.submitted.pk, desk.approved.pk],
        "/sources/": [desk.source.pk, desk.draft_source.pk],
        "/comments/": [desk.comment.pk],
        "/verdicts/": [desk.verdict.pk],
        "/flags/": [desk.flag.pk],
    }


def _aim_at_real_objects(case, desk) -> None:
    params = case.path_parameters or {}
    if "workspace_slug" in params:
        params["workspace_slug"] = "desk"
    if "id" in params and hash(str(params["id"])) % 2 == 0:
        path = case.operation.path.removeprefix("/api/v1")
        for prefix, ids in _real_ids(desk).items():
            if path.startswith(prefix) and ids:
                params["id"] = ids[hash(str(params["id"])) % len(ids)]
                break


@pytest.fixture
def wide_open(settings):
    """Calls through the WSGI handler as a server would, without closing the test's
    database connection at the end of each request (as Django's test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
    }
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.schemathesis
@pytest.mark.parametrize("role", ["annotator", "reviewer", "editor"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, role, desk, wide_open):
    from django.core.wsgi import get_wsgi_application
    from rest_framework.authtoken.models import Token

    caches["throttle"].clear()
    _aim_at_real_objects(case, desk)
    token, _ = Token.objects.get_or_create(user=desk.user(role))
    case.call_and_validate(
        app=get_wsgi_application(),
        headers={"Authorization": f"Token {token.key}"},
        checks=CHECKS,
    )
