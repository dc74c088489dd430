from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.models import Flag, Membership, Notification, Rating, Role
from tests.factories import (
    PASSWORD,
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    UserFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _submitted(workspace, n):
    document = DocumentFactory(workspace=workspace)
    for i in range(n):
        claim = ClaimFactory(document=document, start=i, end=i + 5)
        AnnotationFactory(claim=claim, author=member(workspace), status="submitted")


def test_review_queue_query_count_holds_at_1_and_50(client, django_assert_num_queries):
    workspace = WorkspaceFactory()
    reviewer = member(workspace, Role.REVIEWER)
    client.force_login(reviewer)
    _submitted(workspace, 1)
    # session, user, roles, the document and author choices, annotations with
    # claims/documents/workspaces, unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("review_queue"))
    assert len(response.context["annotations"]) == 1
    _submitted(workspace, 49)
    with django_assert_num_queries(6):
        response = client.get(reverse("review_queue"))
    assert len(response.context["annotations"]) == 50


def test_review_queue_is_oldest_first_and_skips_own_drafts_and_hidden(client):
    workspace = WorkspaceFactory()
    reviewer = member(workspace, Role.REVIEWER)
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace))
    first = AnnotationFactory(claim=claim, author=member(workspace))
    first.submit(first.author)
    second = AnnotationFactory(claim=claim, author=member(workspace))
    second.submit(second.author)
    AnnotationFactory(claim=claim, author=reviewer, status="submitted")
    AnnotationFactory(claim=claim, author=member(workspace), status="draft")
    AnnotationFactory(claim=claim, author=member(workspace), status="submitted", hidden=True)
    client.force_login(reviewer)
    listed = list(client.get(reverse("review_queue")).context["annotations"])
    assert listed == [first, second]


def _queue_of_three(workspace):
    """Three submitted annotations, a day apart: (oldest, middle, newest), the first two
    on one document by one author, the last on another document by another author."""
    first_doc = DocumentFactory(workspace=workspace, title="Budget <speech>")
    other_doc = DocumentFactory(workspace=workspace, title="Annual report")
    ann, ben = member(workspace, username="ann"), member(workspace, username="ben")
    now = timezone.now()
    rows = []
    for i, (document, author) in enumerate([(first_doc, ann), (first_doc, ann), (other_doc, ben)]):
        claim = ClaimFactory(document=document, start=i, end=i + 5)
        rows.append(
            AnnotationFactory(
                claim=claim,
                author=author,
                status="submitted",
                submitted_at=now - timedelta(days=3 - i),
            )
        )
    return rows, (first_doc, other_doc), (ann, ben)


def test_review_queue_sorts_newest_first_and_filters_by_document_and_author(client):
    workspace = WorkspaceFactory()
    reviewer = member(workspace, Role.REVIEWER)
    (oldest, middle, newest), (first_doc, other_doc), (ann, ben) = _queue_of_three(workspace)
    client.force_login(reviewer)
    url = reverse("review_queue")

    def listed(**query):
        return list(client.get(url, query).context["annotations"])

    assert listed() == [oldest, middle, newest]
    assert listed(order="newest") == [newest, middle, oldest]
    assert listed(document=first_doc.pk, order="newest") == [middle, oldest]
    assert listed(author=ben.pk) == [newest]
    assert listed(document=first_doc.pk, author=ben.pk) == []
    response = client.get(url, {"document": other_doc.pk})
    # The choices stay whole while one is selected; titles are escaped.
    assert response.context["documents"] == [
        (other_doc.pk, "Annual report"),
        (first_doc.pk, "Budget <speech>"),
    ]
    assert response.context["authors"] == [(ann.pk, "ann"), (ben.pk, "ben")]
    page = response.content.decode()
    assert f'<option value="{other_doc.pk}" selected>Annual report</option>' in page
    assert "Budget &lt;speech&gt;" in page and "Budget <speech>" not in page


def test_review_queue_choices_come_only_from_work_the_reviewer_may_review(client):
    workspace = WorkspaceFactory()
    reviewer = member(workspace, Role.REVIEWER)
    _queue_of_three(workspace)
    # Another desk's work, and hidden work here, never name their document or author.
    elsewhere = WorkspaceFactory()
    AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=elsewhere, title="Secret")),
        author=member(elsewhere, username="stranger"),
        status="submitted",
    )
    AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace, title="Hidden only")),
        author=member(workspace, username="hidden_author"),
        status="submitted",
        hidden=True,
    )
    client.force_login(reviewer)
    response = client.get(reverse("review_queue"))
    assert [title for _, title in response.context["documents"]] == [
        "Annual report",
        "Budget <speech>",
    ]
    assert [name for _, name in response.context["authors"]] == ["ann", "ben"]
    # Filtering by a document of another desk finds nothing there.
    secret = DocumentFactory(workspace=elsewhere)
    assert (
        list(client.get(reverse("review_queue"), {"document": secret.pk}).context["annotations"])
        == []
    )


def test_review_queue_filtered_query_count_holds_as_rows_grow(client, django_assert_num_queries):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.REVIEWER))
    rows, (first_doc, _), (ann, _) = _queue_of_three(workspace)
    url = reverse("review_queue")
    query = {"document": first_doc.pk, "author": ann.pk, "order": "newest"}
    with django_assert_num_queries(6):
        assert len(client.get(url, query).context["annotations"]) == 2
    for i in range(20):
        claim = ClaimFactory(document=first_doc, start=10 + i, end=20 + i)
        AnnotationFactory(claim=claim, author=ann, status="submitted")
        AnnotationFactory(claim=claim, author=member(workspace), status="submitted")
    with django_assert_num_queries(6):
        assert len(client.get(url, query).context["annotations"]) == 22


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"document": "abc"}, "document: Give a whole number"),
        ({"author": "0"}, "author: Give a whole number"),
        ({"document": "1\x00"}, "document: Give a whole number"),
        ({"order": "sideways"}, "order: choose oldest or newest."),
    ],
)
def test_review_queue_refuses_bad_filters_with_400(client, query, message):
    client.force_login(member(WorkspaceFactory(), Role.REVIEWER))
    response = client.get(reverse("review_queue"), query)
    assert response.status_code == 400
    assert response.content.decode().startswith(message)


def test_annotators_have_an_empty_review_queue(client):
    workspace = WorkspaceFactory()
    _submitted(workspace, 2)
    client.force_login(member(workspace, Role.ANNOTATOR))
    assert list(client.get(reverse("review_queue")).context["annotations"]) == []


def _flags(workspace, n):
    document = DocumentFactory(workspace=workspace)
    for i in range(n):
        claim = ClaimFactory(document=document, start=i, end=i + 5)
        annotation = AnnotationFactory(claim=claim, author=member(workspace))
        FlagFactory(annotation=annotation, reporter=member(workspace))
        comment = CommentFactory(annotation=annotation, author=member(workspace))
        FlagFactory(annotation=None, comment=comment, reporter=member(workspace))


def test_flag_queue_query_count_holds_at_1_and_50(client):
    workspace = WorkspaceFactory()
    client.force_login(member(workspace, Role.EDITOR))
    _flags(workspace, 1)
    at_one, response = _count(client, reverse("flag_queue"))
    assert len(response.context["flags"]) == 2
    _flags(workspace, 24)
    at_fifty, response = _count(client, reverse("flag_queue"))
    assert len(response.context["flags"]) == 50
    assert at_fifty == at_one == 5


def test_editor_resolves_a_flag_from_the_queue(client):
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    flag = FlagFactory(
        annotation=AnnotationFactory(
            claim=ClaimFactory(document=DocumentFactory(workspace=workspace))
        )
    )
    client.force_login(editor)
    response = client.post(
        reverse("flag_queue"), {"flag": flag.pk, "decision": "hide", "note": "Abusive"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.resolution_note, flag.annotation.hidden) == (
        "hidden",
        "Abusive",
        True,
    )


def test_reviewer_cannot_resolve_flags(client):
    workspace = WorkspaceFactory()
    flag = FlagFactory(
        annotation=AnnotationFactory(
            claim=ClaimFactory(document=DocumentFactory(workspace=workspace))
        )
    )
    client.force_login(member(workspace, Role.REVIEWER))
    response = client.post(
        reverse("flag_queue"), {"flag": flag.pk, "decision": "hide"}, follow=True
    )
    assert "Only editors can resolve flags." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN


def test_outsider_resolving_a_flag_gets_404(client):
    flag = FlagFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("flag_queue"), {"flag": flag.pk}).status_code == 404


def test_notifications_counter_list_and_mark_read(client):
    workspace = WorkspaceFactory()
    author = member(workspace)
    annotation = AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace)),
        author=author,
        status="submitted",
    )
    annotation.approve(member(workspace, Role.REVIEWER), "Fine.")
    client.force_login(author)
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 1 unread"' in page
    listing = client.get(reverse("notifications")).content.decode()
    assert "Approved" in listing
    client.post(reverse("notifications"))
    assert Notification.objects.filter(recipient=author, read_at=None).count() == 0


def test_assigned_page_lists_my_claims(client):
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    annotator = member(workspace)
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace))
    client.force_login(editor)
    client.post(reverse("claim_assign", args=[claim.pk]), {"assignee": annotator.pk})
    client.force_login(annotator)
    response = client.get(reverse("assigned"))
    assert list(response.context["claims"]) == [claim]


class TestWorkspaceSettings:
    def test_annotator_gets_403_and_outsider_404(self, client):
        workspace = WorkspaceFactory()
        url = reverse("workspace_settings", args=[workspace.slug])
        client.force_login(member(workspace, Role.ANNOTATOR))
        assert client.get(url).status_code == 403
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404

    def test_editor_changes_settings(self, client):
        workspace = WorkspaceFactory()
        client.force_login(member(workspace, Role.EDITOR))
        response = client.post(
            reverse("workspace_settings", args=[workspace.slug]),
            {
                "form": "settings",
                "name": "Desk <b>One</b>",
                "organisation_name": "Checkers",
                "organisation_url": "https://checkers.example.org",
                "methodology": "We check.",
                "blind": "on",
                "checkworthiness_threshold": "0.6",
            },
        )
        assert response.status_code == 302
        workspace.refresh_from_db()
        assert (workspace.name, workspace.blind, workspace.checkworthiness_threshold) == (
            "Desk <b>One</b>",
            True,
            0.6,
        )

    def test_javascript_organisation_url_is_refused_at_the_field(self, client):
        workspace = WorkspaceFactory()
        client.force_login(member(workspace, Role.EDITOR))
        response = client.post(
            reverse("workspace_settings", args=[workspace.slug]),
            {
                "form": "settings",
                "name": "X",
                "organisation_url": "javascript:alert(1)",
                "checkworthiness_threshold": "0.5",
            },
        )
        assert response.status_code == 200
        assert response.context["settings_form"].errors["organisation_url"] == [
            "Enter a valid URL."
        ]

    def test_editor_adds_existing_user_and_creates_account(self, client):
        workspace = WorkspaceFactory()
        client.force_login(member(workspace, Role.EDITOR))
        url = reverse("workspace_settings", args=[workspace.slug])
        existing = UserFactory(username="dora")
        client.post(url, {"form": "add_member", "username": "dora", "role": "reviewer"})
        client.post(
            url,
            {
                "form": "create_account",
                "username": "finn",
                "email": "",
                "password": PASSWORD,
                "role": "annotator",
            },
        )
        roles = dict(workspace.memberships.values_list("user__username", "role"))
        assert roles["dora"] == "reviewer" and roles["finn"] == "annotator"
        assert existing.memberships.count() == 1

    def test_weak_password_is_refused(self, client):
        workspace = WorkspaceFactory()
        client.force_login(member(workspace, Role.EDITOR))
        response = client.post(
            reverse("workspace_settings", args=[workspace.slug]),
            {"form": "create_account", "username": "gus", "password": "123", "role": "annotator"},
        )
        assert "This password is too short." in str(response.context["create_form"].errors)
        assert not Membership.objects.filter(user__username="gus").exists()

    def test_last_editor_cannot_be_demoted_or_removed(self, client):
        workspace = WorkspaceFactory()
        editor = member(workspace, Role.EDITOR)
        client.force_login(editor)
        membership = editor.memberships.get()
        url = reverse("workspace_settings", args=[workspace.slug])
        response = client.post(
            url, {"form": "member", "membership": membership.pk, "role": "annotator"}, follow=True
        )
        assert "A workspace keeps at least one editor." in response.content.decode()
        client.post(url, {"form": "member", "membership": membership.pk, "remove": "1"})
        membership.refresh_from_db()
        assert membership.role == "editor"

    def test_rating_scale_can_be_relabelled(self, client):
        workspace = WorkspaceFactory()
        client.force_login(member(workspace, Role.EDITOR))
        url = reverse("workspace_settings", args=[workspace.slug])
        ratings = list(Rating.objects.filter(scale__workspace=workspace))
        data = {
            "form": "ratings",
            "ratings-TOTAL_FORMS": len(ratings) + 1,
            "ratings-INITIAL_FORMS": len(ratings),
            "ratings-MIN_NUM_FORMS": 0,
            "ratings-MAX_NUM_FORMS": 1000,
        }
        for i, r in enumerate(ratings):
            data.update(
                {
                    f"ratings-{i}-id": r.pk,
                    f"ratings-{i}-label": r.label,
                    f"ratings-{i}-position": r.position,
                    f"ratings-{i}-colour": r.colour,
                }
            )
            if r.ordinal:
                data[f"ratings-{i}-ordinal"] = "on"
        data["ratings-0-label"] = "Accurate"
        n = len(ratings)
        data.update(
            {
                f"ratings-{n}-label": "Satire",
                f"ratings-{n}-position": 20,
                f"ratings-{n}-colour": "#123456",
            }
        )
        response = client.post(url, data)
        assert response.status_code == 302
        labels = list(
            Rating.objects.filter(scale__workspace=workspace).values_list("label", flat=True)
        )
        assert labels[0] == "Accurate" and labels[-1] == "Satire"
        assert Rating.objects.get(scale__workspace=workspace, label="Satire").ordinal is False
