"""Who gets which status code from every endpoint and method of the API.

Columns: annotator, reviewer, editor (members of the desk), outsider (an editor of another
workspace: 404, as if nothing existed) and anonymous (401).
"""

import pytest

from tests.api.conftest import ROLES
from tests.factories import UserFactory, rating

pytestmark = pytest.mark.django_db

R = "/api/v1"


def _annotation_etag(annotation):
    annotation.refresh_from_db()
    return {"HTTP_IF_MATCH": annotation.etag}


def _annotators_job(desk, done=False):
    from annotations.models import Job

    return Job.objects.create(
        kind=Job.Kind.EXPORT,
        workspace=desk.workspace,
        created_by=desk.annotator,
        document=desk.document,
        status=Job.Status.SUCCEEDED if done else Job.Status.QUEUED,
        result_data=b"%PDF-1.7" if done else None,
        result_name="document.pdf",
        result_content_type="application/pdf",
    )


def _revised(annotation, author, reviewer):
    """The annotation edited by its author and approved again: a new version to publish."""
    annotation.edit(author, summary="New figures came out in March.")
    annotation.approve(reviewer)
    return annotation.pk


def _reference(desk):
    from annotations.services.factchecks import FactCheckRecord, store_references

    record = FactCheckRecord(claim="Taxes rose.", url="https://checks.example.org/t")
    store_references(desk.workspace, [record], None)
    return desk.workspace.reference_factchecks.get()


# (name, method, path(desk), body(desk) or None, headers(desk) or None,
#  {role: status} for annotator, reviewer, editor, outsider, anonymous)
CASES = [
    ("workspaces list", "get", lambda d: f"{R}/workspaces/", None, None, (200, 200, 200, 200, 401)),
    (
        "workspace detail",
        "get",
        lambda d: f"{R}/workspaces/desk/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "workspace settings",
        "patch",
        lambda d: f"{R}/workspaces/desk/",
        lambda d: {"methodology": "We check numbers."},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "members list",
        "get",
        lambda d: f"{R}/workspaces/desk/members/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "member add",
        "post",
        lambda d: f"{R}/workspaces/desk/members/",
        lambda d: {"username": UserFactory(username="newbie").username, "role": "annotator"},
        None,
        (403, 403, 201, 404, 401),
    ),
    (
        "member detail",
        "get",
        lambda d: f"{R}/workspaces/desk/members/{d.colleague.memberships.get().pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "member role",
        "patch",
        lambda d: f"{R}/workspaces/desk/members/{d.colleague.memberships.get().pk}/",
        lambda d: {"role": "reviewer"},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "member remove",
        "delete",
        lambda d: f"{R}/workspaces/desk/members/{d.colleague.memberships.get().pk}/",
        None,
        None,
        (403, 403, 204, 404, 401),
    ),
    (
        "ratings list",
        "get",
        lambda d: f"{R}/workspaces/desk/ratings/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "rating add",
        "post",
        lambda d: f"{R}/workspaces/desk/ratings/",
        lambda d: {"label": "Satire", "position": 20},
        None,
        (403, 403, 201, 404, 401),
    ),
    (
        "rating detail",
        "get",
        lambda d: f"{R}/workspaces/desk/ratings/{rating(d.workspace, 'Opinion').pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "rating change",
        "patch",
        lambda d: f"{R}/workspaces/desk/ratings/{rating(d.workspace, 'Opinion').pk}/",
        lambda d: {"description": "A view, not a fact."},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "rating remove",
        "delete",
        lambda d: f"{R}/workspaces/desk/ratings/{rating(d.workspace, 'Opinion').pk}/",
        None,
        None,
        (403, 403, 204, 404, 401),
    ),
    (
        "rating scale",
        "get",
        lambda d: f"{R}/workspaces/desk/rating-scale/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "rating scale rename",
        "patch",
        lambda d: f"{R}/workspaces/desk/rating-scale/",
        lambda d: {"name": "House scale"},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "reference fact-checks list",
        "get",
        lambda d: f"{R}/workspaces/desk/factchecks/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "reference fact-check detail",
        "get",
        lambda d: f"{R}/workspaces/desk/factchecks/{_reference(d).pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "reference fact-checks load",
        "post",
        lambda d: f"{R}/workspaces/desk/factchecks/",
        lambda d: {
            "@type": "ClaimReview",
            "claimReviewed": "Taxes rose by 3.5%.",
            "url": "https://checks.example.org/taxes",
        },
        None,
        (403, 403, 201, 404, 401),
    ),
    ("documents list", "get", lambda d: f"{R}/documents/", None, None, (200, 200, 200, 200, 401)),
    (
        "document import",
        "post",
        lambda d: f"{R}/documents/",
        lambda d: {"workspace": "desk", "text": "Prices rose by 9% in May. Wages did not."},
        None,
        (403, 403, 201, 404, 401),
    ),
    (
        "document detail",
        "get",
        lambda d: f"{R}/documents/{d.document.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "document annotations",
        "get",
        lambda d: f"{R}/documents/{d.document.pk}/annotations/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "document export",
        "get",
        lambda d: f"{R}/documents/{d.document.pk}/export/csv/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "document pdf export (a job)",
        "get",
        lambda d: f"{R}/documents/{d.document.pk}/export/pdf/",
        None,
        None,
        (202, 202, 202, 404, 401),
    ),
    (
        "job detail (the annotator's)",
        "get",
        lambda d: f"{R}/jobs/{_annotators_job(d).pk}/",
        None,
        None,
        (200, 404, 404, 404, 401),
    ),
    (
        "job download (the annotator's, done)",
        "get",
        lambda d: f"{R}/jobs/{_annotators_job(d, done=True).pk}/download/",
        None,
        None,
        (200, 404, 404, 404, 401),
    ),
    ("claims list", "get", lambda d: f"{R}/claims/", None, None, (200, 200, 200, 200, 401)),
    (
        "claim create",
        "post",
        lambda d: f"{R}/claims/",
        lambda d: {"document": d.document.pk, "start": 0, "end": 12},
        None,
        (201, 201, 201, 404, 401),
    ),
    (
        "claim detail",
        "get",
        lambda d: f"{R}/claims/{d.claim.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "claim restate",
        "patch",
        lambda d: f"{R}/claims/{d.claim.pk}/",
        lambda d: {"restatement": "Unemployment was 4%."},
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "claim assign",
        "post",
        lambda d: f"{R}/claims/{d.claim.pk}/assign/",
        lambda d: {"assignee": d.annotator.pk},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "annotations list",
        "get",
        lambda d: f"{R}/annotations/",
        None,
        None,
        (200, 200, 200, 200, 401),
    ),
    (
        "annotation create",
        "post",
        lambda d: f"{R}/annotations/",
        lambda d: {"claim": d.spare_claim.pk, "rating": rating(d.workspace).pk, "note": "n"},
        None,
        (201, 201, 201, 404, 401),
    ),
    (
        "annotation detail",
        "get",
        lambda d: f"{R}/annotations/{d.draft.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "annotation patch",
        "patch",
        lambda d: f"{R}/annotations/{d.draft.pk}/",
        lambda d: {"summary": "Edited."},
        lambda d: _annotation_etag(d.draft),
        (200, 403, 403, 404, 401),
    ),
    (
        "annotation put",
        "put",
        lambda d: f"{R}/annotations/{d.draft.pk}/",
        lambda d: {"rating": rating(d.workspace).pk, "summary": "S.", "note": "N."},
        lambda d: _annotation_etag(d.draft),
        (200, 403, 403, 404, 401),
    ),
    (
        "annotation delete",
        "delete",
        lambda d: f"{R}/annotations/{d.draft.pk}/",
        None,
        lambda d: _annotation_etag(d.draft),
        (204, 403, 403, 404, 401),
    ),
    (
        "annotation submit",
        "post",
        lambda d: f"{R}/annotations/{d.draft.pk}/submit/",
        None,
        None,
        (200, 403, 403, 404, 401),
    ),
    (
        "annotation approve",
        "post",
        lambda d: f"{R}/annotations/{d.submitted.pk}/approve/",
        lambda d: {"body": "Well sourced."},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "annotation request changes",
        "post",
        lambda d: f"{R}/annotations/{d.submitted.pk}/request-changes/",
        lambda d: {"body": "Which table?"},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "annotation hide",
        "post",
        lambda d: f"{R}/annotations/{d.approved.pk}/hide/",
        lambda d: {"note": "Off topic."},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "annotation unhide",
        "post",
        lambda d: f"{R}/annotations/{d.approved.pk}/unhide/",
        None,
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "annotation sources",
        "get",
        lambda d: f"{R}/annotations/{d.approved.pk}/sources/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "annotation source add",
        "post",
        lambda d: f"{R}/annotations/{d.draft.pk}/sources/",
        lambda d: {"url": "https://example.org/a"},
        None,
        (201, 403, 403, 404, 401),
    ),
    (
        "annotation comments",
        "get",
        lambda d: f"{R}/annotations/{d.approved.pk}/comments/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "annotation comment add",
        "post",
        lambda d: f"{R}/annotations/{d.approved.pk}/comments/",
        lambda d: {"body": "Nice."},
        None,
        (201, 201, 201, 404, 401),
    ),
    ("sources list", "get", lambda d: f"{R}/sources/", None, None, (200, 200, 200, 200, 401)),
    (
        "source detail",
        "get",
        lambda d: f"{R}/sources/{d.source.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "source add",
        "post",
        lambda d: f"{R}/sources/",
        lambda d: {"annotation": d.draft.pk, "url": "https://example.org/b"},
        None,
        (201, 403, 403, 404, 401),
    ),
    (
        "source edit",
        "patch",
        lambda d: f"{R}/sources/{d.draft_source.pk}/",
        lambda d: {"title": "Better title"},
        None,
        (200, 403, 403, 404, 401),
    ),
    (
        "source remove",
        "delete",
        lambda d: f"{R}/sources/{d.draft_source.pk}/",
        None,
        None,
        (204, 403, 403, 404, 401),
    ),
    ("comments list", "get", lambda d: f"{R}/comments/", None, None, (200, 200, 200, 200, 401)),
    (
        "comment detail",
        "get",
        lambda d: f"{R}/comments/{d.comment.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "comment post",
        "post",
        lambda d: f"{R}/comments/",
        lambda d: {"annotation": d.approved.pk, "body": "Agreed."},
        None,
        (201, 201, 201, 404, 401),
    ),
    (
        "comment hide",
        "post",
        lambda d: f"{R}/comments/{d.comment.pk}/hide/",
        None,
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "comment unhide",
        "post",
        lambda d: f"{R}/comments/{d.comment.pk}/unhide/",
        None,
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "comment resolve",
        "post",
        lambda d: f"{R}/comments/{d.comment.pk}/resolve/",
        None,
        None,
        (403, 200, 200, 404, 401),
    ),
    ("verdicts list", "get", lambda d: f"{R}/verdicts/", None, None, (200, 200, 200, 200, 401)),
    (
        "verdict detail",
        "get",
        lambda d: f"{R}/verdicts/{d.verdict.pk}/",
        None,
        None,
        (200, 200, 200, 404, 401),
    ),
    (
        "verdict correct",
        "post",
        lambda d: f"{R}/verdicts/",
        lambda d: {
            "annotation": _revised(d.approved, d.colleague, d.reviewer),
            "note": "New figures came out.",
        },
        None,
        (403, 403, 201, 404, 401),
    ),
    (
        "verdict publish again",  # the same version: the verdict it made
        "post",
        lambda d: f"{R}/verdicts/",
        lambda d: {"annotation": d.approved.pk, "note": "New figures came out."},
        None,
        (403, 403, 200, 404, 401),
    ),
    (
        "verdict retract",
        "post",
        lambda d: f"{R}/verdicts/{d.verdict.pk}/retract/",
        lambda d: {"note": "The speech was misquoted."},
        None,
        (403, 403, 200, 404, 401),
    ),
    ("flags list", "get", lambda d: f"{R}/flags/", None, None, (200, 200, 200, 200, 401)),
    (
        "flag detail",
        "get",
        lambda d: f"{R}/flags/{d.flag.pk}/",
        None,
        None,
        (200, 404, 200, 404, 401),
    ),
    (
        "flag raise",
        "post",
        lambda d: f"{R}/flags/",
        lambda d: {"comment": d.comment.pk, "reason": "Spam."},
        None,
        (201, 201, 201, 404, 401),
    ),
    (
        "flag resolve",
        "post",
        lambda d: f"{R}/flags/{d.flag.pk}/resolve/",
        lambda d: {"decision": "dismiss"},
        None,
        (403, 404, 200, 404, 401),
    ),
    ("schema", "get", lambda d: f"{R}/schema/", None, None, (200, 200, 200, 200, 200)),
    ("docs", "get", lambda d: f"{R}/docs/", None, None, (200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_status_code(desk, role, method, path, body, headers, expected):
    client = desk.client(role)
    kwargs = dict(headers(desk)) if headers else {}
    if body is not None:
        kwargs["data"] = body(desk)
        kwargs["format"] = "json"
    response = getattr(client, method)(path(desk), **kwargs)
    want = dict(zip(ROLES, expected, strict=True))[role]
    assert response.status_code == want, getattr(response, "data", response)
    if want >= 400:
        assert set(response.json()) >= {"detail", "code", "errors"}


@pytest.mark.parametrize("role", ["annotator", "reviewer", "editor"])
def test_token_is_issued_for_valid_credentials(desk, role):
    from tests.factories import PASSWORD

    response = desk.client("anonymous").post(
        f"{R}/auth/token/",
        {"username": desk.user(role).username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert (
        desk.client("anonymous")
        .get(f"{R}/workspaces/", HTTP_AUTHORIZATION=f"Token {token}")
        .status_code
        == 200
    )


def test_token_refused_for_wrong_password(desk):
    response = desk.client("anonymous").post(
        f"{R}/auth/token/", {"username": "anna", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_token_endpoint_is_throttled_with_retry_after(desk, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "token": "3/min"},
    }
    client = desk.client("anonymous")
    codes = [
        client.post(
            f"{R}/auth/token/", {"username": "anna", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    response = client.post(f"{R}/auth/token/", {"username": "anna", "password": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


def test_user_requests_are_throttled(desk, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "2/min", "token": "3/min"},
    }
    client = desk.client("annotator")
    codes = [client.get(f"{R}/workspaces/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_session_writes_need_csrf(desk):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(desk.annotator)
    assert client.get(f"{R}/claims/").status_code == 200
    response = client.patch(f"{R}/claims/{desk.claim.pk}/", {"restatement": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_every_route_is_in_the_matrix():
    """A new endpoint must get its row above."""
    from django.urls import get_resolver

    from annotations.api import urls

    named = {p.name for p in urls.urlpatterns if getattr(p, "name", None)}
    assert {
        "api-token",
        "api-rating-scale",
        "api-document-export",
        "api-job",
        "api-job-download",
        "api-schema",
    } <= named
    assert get_resolver()  # the URLconf loads


def test_a_second_annotation_or_flag_by_the_same_person_is_a_conflict(desk):
    client = desk.client("annotator")
    body = {"claim": desk.spare_claim.pk, "rating": rating(desk.workspace).pk, "note": "n"}
    assert client.post(f"{R}/annotations/", body, format="json").status_code == 201
    again = client.post(f"{R}/annotations/", body, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "You already have an annotation on this claim; edit it instead.",
        "code": "duplicate",
        "errors": {},
    }
    flag = {"comment": desk.comment.pk, "reason": "Spam."}
    assert client.post(f"{R}/flags/", flag, format="json").status_code == 201
    again = client.post(f"{R}/flags/", flag, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")
    assert again.json()["detail"] == "You have already flagged this; an editor will look at it."
