"""Notices about a comment or a review decision quote the comment's first words, in the
list and in their email; a hidden comment only to those who may see it."""

import pytest
from django.core import mail
from django.urls import reverse

from annotations.models import Comment, Membership, Role
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    DocumentFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _submitted(workspace, author):
    return AnnotationFactory(
        claim=ClaimFactory(document=DocumentFactory(workspace=workspace)),
        author=author,
        status="submitted",
    )


def _quotes(client, user):
    client.force_login(user)
    response = client.get(reverse("notifications"))
    return [(n.kind, n.quote) for n in response.context["items"]], response.content.decode()


def test_review_decision_and_comment_are_quoted_escaped_and_cut_at_200(client):
    workspace = WorkspaceFactory()
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    annotation = _submitted(workspace, author)
    long_body = "<script>alert(1)</script> " + "word " * 60
    annotation.request_changes(reviewer, long_body)
    Comment.post(annotation, reviewer, "Check the  2019\nfigure & the source.")
    quotes, page = _quotes(client, author)
    expected_long = " ".join(long_body.split())[:199] + "…"
    assert quotes == [
        ("commented", "Check the 2019 figure & the source."),
        ("changes_requested", expected_long),
    ]
    assert len(expected_long) == 200
    assert "<script>alert(1)</script>" not in page
    assert '<blockquote class="quote">&lt;script&gt;alert(1)&lt;/script&gt; word' in page
    assert "Check the 2019 figure &amp; the source." in page


def test_approval_without_words_quotes_nothing_not_an_earlier_comment(client):
    workspace = WorkspaceFactory()
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    annotation = _submitted(workspace, author)
    Comment.post(annotation, reviewer, "Looking at it now.")
    annotation.approve(reviewer)
    quotes, _ = _quotes(client, author)
    assert quotes == [("approved", ""), ("commented", "Looking at it now.")]


def test_hidden_comment_is_quoted_to_editors_only(client):
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    author = member(workspace)
    annotation = _submitted(workspace, editor)
    mine = _submitted(workspace, author)
    rude = Comment.post(mine, editor, "A remark to hide.")
    Comment.post(annotation, author, "A remark the editor gets.")
    rude.hide(editor, "Off topic")
    # The author (an annotator) no longer sees the hidden comment: the notice stays, bare.
    assert _quotes(client, author)[0] == [("commented", "")]
    assert "A remark to hide." not in _quotes(client, author)[1]
    # An editor sees hidden comments: their notice keeps its quote.
    other = Comment.post(annotation, author, "Second remark.")
    other.hide(editor, "Duplicate")
    assert _quotes(client, editor)[0] == [
        ("commented", "Second remark."),
        ("commented", "A remark the editor gets."),
    ]


def test_notifications_list_query_count_holds_as_quotes_grow(client, django_assert_num_queries):
    workspace = WorkspaceFactory()
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    client.force_login(author)
    Comment.post(_submitted(workspace, author), reviewer, "First.")
    # session, user, notifications (with their comment's id), memberships, the quoted
    # comments, unread count
    with django_assert_num_queries(6):
        assert len(client.get(reverse("notifications")).context["items"]) == 1
    for i in range(15):
        annotation = _submitted(workspace, author)
        Comment.post(annotation, reviewer, f"Remark {i}.")
        annotation.request_changes(member(workspace, Role.EDITOR), f"Change {i}.")
    with django_assert_num_queries(6):
        items = client.get(reverse("notifications")).context["items"]
    assert len(items) == 31
    assert items[0].quote == "Change 14."


def test_email_of_a_comment_quotes_it(django_capture_on_commit_callbacks):
    workspace = WorkspaceFactory()
    author = member(workspace, email="author@example.org")
    Membership.objects.filter(user=author).update(email_notifications=True)
    reviewer = member(workspace, Role.REVIEWER, username="rev")
    annotation = _submitted(workspace, author)
    with django_capture_on_commit_callbacks(execute=True):
        annotation.request_changes(reviewer, "Cite the <b>2019</b> report.\n" + "x" * 300)
    [message] = mail.outbox
    assert message.subject.startswith("Changes requested: ")
    assert "rev wrote: “Cite the <b>2019</b> report. " + "x" * 170 + "…”" in message.body


def test_email_of_an_approval_without_words_has_no_quote(django_capture_on_commit_callbacks):
    workspace = WorkspaceFactory()
    author = member(workspace, email="author@example.org")
    Membership.objects.filter(user=author).update(email_notifications=True)
    annotation = _submitted(workspace, author)
    with django_capture_on_commit_callbacks(execute=True):
        annotation.approve(member(workspace, Role.REVIEWER))
    [message] = mail.outbox
    assert "wrote:" not in message.body
