"""Every admin changelist runs the same number of queries at 1 and at 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Flag, ModerationEvent
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
    VerdictFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def _moderation_event():
    comment = CommentFactory()
    annotation = comment.annotation
    return ModerationEvent.objects.create(
        workspace=annotation.claim.document.workspace,
        actor=UserFactory(),
        action=ModerationEvent.Action.HIDE,
        annotation=annotation,
        comment=comment,
        verdict=VerdictFactory(claim=annotation.claim),
        flag=FlagFactory(annotation=annotation),
    )


def _claim():
    document = DocumentFactory()
    return ClaimFactory(document=document)


def _rating():
    return WorkspaceFactory()  # every workspace brings seven ratings and a scale


def _flag_on_comment():
    return FlagFactory(annotation=None, comment=CommentFactory())


def _notification():
    from annotations.models import Notification

    annotation = AnnotationFactory()
    return Notification.objects.create(
        recipient=annotation.author,
        actor=UserFactory(),
        kind="approved",
        claim=annotation.claim,
        annotation=annotation,
    )


def _reference_factcheck():
    from annotations.models import ReferenceFactCheck

    return ReferenceFactCheck.objects.create(
        workspace=WorkspaceFactory(),
        claim="Taxes rose by 3.5%.",
        url="https://checks.example.org/taxes",
        publisher="Example Checks",
    )


MAKERS = {
    "notification": _notification,
    "workspace": WorkspaceFactory,
    "membership": MembershipFactory,
    "ratingscale": WorkspaceFactory,
    "rating": _rating,
    "document": DocumentFactory,
    "claim": _claim,
    "annotation": AnnotationFactory,
    "source": SourceFactory,
    "comment": CommentFactory,
    "verdict": VerdictFactory,
    "flag": FlagFactory,
    "moderationevent": _moderation_event,
    "referencefactcheck": _reference_factcheck,
}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model):
    url = reverse(f"admin:annotations_{model}_changelist")
    MAKERS[model]()
    at_one, _ = _queries(admin_client, url)
    for _ in range(49):
        MAKERS[model]()
    at_fifty, response = _queries(admin_client, url)
    assert at_fifty == at_one
    assert response.context["cl"].result_count >= 50


def test_flag_on_comment_is_listed(admin_client):
    flag = _flag_on_comment()
    response = admin_client.get(reverse("admin:annotations_flag_changelist"))
    assert response.status_code == 200
    assert f"Flag on comment {flag.comment_id}" in str(Flag.objects.get())
    assert f"/admin/annotations/flag/{flag.pk}/change/" in response.content.decode()


@pytest.mark.parametrize("model", sorted(MAKERS))
def test_change_page_opens(admin_client, model):
    obj = MAKERS[model]()
    if model == "rating":
        obj = obj.rating_scale.ratings.first()
    if model == "ratingscale":
        obj = obj.rating_scale
    response = admin_client.get(reverse(f"admin:annotations_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_document_admin_links_to_workbench(admin_client):
    document = DocumentFactory()
    response = admin_client.get(reverse("admin:annotations_document_changelist"))
    assert reverse("document", args=[document.pk]) in response.content.decode()


def _staff_moderator():
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "moderate_workspaces",
                "view_annotation",
                "change_annotation",
                "view_flag",
                "change_flag",
            ]
        )
    )
    return staff


def test_staff_bulk_approve_is_a_review_decision_refused_on_own_work(client):
    from annotations.models import Annotation

    staff = _staff_moderator()
    client.force_login(staff)
    other = AnnotationFactory(status="submitted")
    own = AnnotationFactory(status="submitted", author=staff)
    response = client.post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": "approve_selected", "_selected_action": [other.pk, own.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Approved 1 item(s)." in page
    assert "You cannot review your own annotation." in page
    assert Annotation.objects.get(pk=other.pk).status == "approved"
    assert Annotation.objects.get(pk=own.pk).status == "submitted"
    assert other.comments.get().author == staff


def test_staff_bulk_hide_and_resolve_are_logged(client):
    from annotations.models import Flag

    staff = _staff_moderator()
    client.force_login(staff)
    flag = FlagFactory()
    response = client.post(
        reverse("admin:annotations_flag_changelist"),
        {"action": "resolve_by_hiding", "_selected_action": [flag.pk]},
        follow=True,
    )
    assert "Resolved 1 item(s)." in response.content.decode()
    flag = Flag.objects.get(pk=flag.pk)
    assert (flag.status, flag.annotation.hidden, flag.resolved_by) == ("hidden", True, staff)
    assert list(ModerationEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "hide",
        "resolve_flag",
    ]
