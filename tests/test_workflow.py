"""The review workflow of DESIGN.md, walked cell by cell."""

import itertools

import pytest

from annotations.models import (
    Annotation,
    Comment,
    InvalidInput,
    ModerationEvent,
    Notification,
    NotVisible,
    Role,
    Verdict,
    WorkflowError,
)
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    SourceFactory,
    UserFactory,
    member,
    rating,
)

pytestmark = pytest.mark.django_db

STATUSES = ["draft", "submitted", "changes_requested", "approved"]
ACTIONS = ["edit", "submit", "approve", "request_changes", "delete", "publish"]
ROLES = ["annotator", "reviewer", "editor"]


def expected(status, action, role, own):
    """The resulting status ("deleted", "published") or None when refused."""
    if own:
        if action == "edit":
            return "submitted" if status == "approved" else status
        if action == "submit":
            return "submitted" if status in ("draft", "changes_requested") else None
        if action == "delete":
            return "deleted" if status == "draft" else None
        return None  # never review or publish one's own work
    if action in ("approve", "request_changes"):
        if role in ("reviewer", "editor") and status == "submitted":
            return "approved" if action == "approve" else "changes_requested"
        return None
    if action == "publish":
        return "published" if role == "editor" and status == "approved" else None
    return None


def act(annotation, action, user):
    if action == "edit":
        annotation.edit(user, summary="Edited summary.")
    elif action == "submit":
        annotation.submit(user)
    elif action == "approve":
        annotation.approve(user, "Well sourced.")
    elif action == "request_changes":
        annotation.request_changes(user, "Add the primary source.")
    elif action == "delete":
        annotation.delete_draft(user)
    elif action == "publish":
        Verdict.publish(annotation, user)


CASES = list(itertools.product(STATUSES, ACTIONS, ROLES, [True, False]))


@pytest.mark.parametrize(("status", "action", "role", "own"), CASES)
def test_workflow_cell(status, action, role, own):
    claim = ClaimFactory()
    workspace = claim.document.workspace
    user = member(workspace, role)
    author = user if own else member(workspace, Role.ANNOTATOR)
    annotation = AnnotationFactory(claim=claim, author=author, status=status)
    before = (annotation.status, annotation.version, annotation.summary)
    outcome = expected(status, action, role, own)
    if outcome is None:
        with pytest.raises(WorkflowError) as excinfo:
            act(annotation, action, user)
        assert excinfo.value.status_code == 403
        annotation.refresh_from_db()
        assert (annotation.status, annotation.version, annotation.summary) == before
        assert not Verdict.objects.exists()
        return
    act(annotation, action, user)
    if outcome == "deleted":
        assert not Annotation.objects.filter(pk=annotation.pk).exists()
        return
    annotation.refresh_from_db()
    if outcome == "published":
        verdict = Verdict.objects.get()
        assert (verdict.rating, verdict.summary, verdict.published_by) == (
            annotation.rating,
            annotation.summary,
            user,
        )
        assert annotation.status == "approved"
        return
    assert annotation.status == outcome
    assert annotation.version == before[1] + 1


def test_approval_is_a_comment_with_a_decision_and_notifies_the_author():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    annotation = AnnotationFactory(claim=claim, author=author, status="submitted")
    comment = annotation.approve(reviewer, "Good work.")
    assert (comment.decision, comment.body, comment.author) == ("approve", "Good work.", reviewer)
    assert list(Notification.objects.values_list("recipient", "kind")) == [(author.pk, "approved")]


def test_request_changes_needs_a_message():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    annotation = AnnotationFactory(claim=claim, author=member(workspace), status="submitted")
    with pytest.raises(InvalidInput, match="Say what should change"):
        annotation.request_changes(member(workspace, Role.REVIEWER), "  ")
    annotation.refresh_from_db()
    assert annotation.status == "submitted"


def test_submit_needs_rating_and_summary():
    claim = ClaimFactory()
    author = member(claim.document.workspace)
    annotation = AnnotationFactory(claim=claim, author=author, rating=None)
    with pytest.raises(InvalidInput, match="Choose a rating"):
        annotation.submit(author)
    annotation.edit(author, rating=rating(claim.document.workspace), summary="")
    with pytest.raises(InvalidInput, match="Write a summary"):
        annotation.submit(author)


def test_submit_notifies_reviewers_and_editors():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    member(workspace, Role.ANNOTATOR)
    AnnotationFactory(claim=claim, author=author).submit(author)
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {reviewer.pk, editor.pk}


def test_editing_an_approved_annotation_clears_the_approval():
    claim = ClaimFactory()
    author = member(claim.document.workspace)
    annotation = AnnotationFactory(claim=claim, author=author, status="approved")
    annotation.edit(author, note="More reasoning.")
    assert (annotation.status, annotation.note, annotation.version) == (
        "submitted",
        "More reasoning.",
        2,
    )


def test_a_stale_version_is_refused_and_changes_nothing():
    from annotations.models import VersionConflict

    claim = ClaimFactory()
    author = member(claim.document.workspace)
    annotation = AnnotationFactory(claim=claim, author=author)
    annotation.edit(author, summary="first", expected_version=1)
    with pytest.raises(VersionConflict) as excinfo:
        annotation.edit(author, summary="second", expected_version=1)
    assert excinfo.value.status_code == 412
    assert excinfo.value.current.summary == "first"
    annotation.refresh_from_db()
    assert (annotation.summary, annotation.version) == ("first", 2)


def test_rating_from_another_workspace_is_refused():
    claim = ClaimFactory()
    author = member(claim.document.workspace)
    annotation = AnnotationFactory(claim=claim, author=author)
    foreign = rating(ClaimFactory().document.workspace, "True")
    with pytest.raises(InvalidInput, match="not on this workspace's scale"):
        annotation.edit(author, rating=foreign)


def test_non_member_sees_not_found():
    annotation = AnnotationFactory(status="submitted")
    with pytest.raises(NotVisible):
        annotation.approve(UserFactory(), "ok")


def test_second_annotation_by_same_author_is_refused():
    claim = ClaimFactory()
    author = member(claim.document.workspace)
    Annotation.start(claim, author, summary="One.")
    with pytest.raises(WorkflowError, match="already have an annotation"):
        Annotation.start(claim, author, summary="Two.")


def _approved_annotation():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    author = member(workspace)
    reviewer = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=author, status="submitted")
    SourceFactory(annotation=annotation, url="https://stats.example.org/a")
    annotation.approve(reviewer)
    return annotation, author, reviewer, editor


def test_verdict_is_a_snapshot_that_survives_later_edits():
    annotation, author, reviewer, editor = _approved_annotation()
    verdict = Verdict.publish(annotation, editor)
    assert verdict.sources[0]["url"] == "https://stats.example.org/a"
    assert (verdict.checked_by, verdict.reviewed_by) == (author, reviewer)
    annotation.edit(author, summary="Changed later.")
    verdict.refresh_from_db()
    assert verdict.summary == "The official figure is different."
    assert verdict.is_current
    assert annotation.claim.state == "published"


def test_correction_needs_a_note_and_keeps_the_earlier_verdict():
    annotation, author, reviewer, editor = _approved_annotation()
    first = Verdict.publish(annotation, editor)
    annotation.edit(author, summary="The figure was revised in March.")
    annotation.approve(reviewer)
    with pytest.raises(InvalidInput, match="correction note"):
        Verdict.publish(annotation, editor)
    second = Verdict.publish(annotation, editor, note="The figure was revised.")
    first.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert second.correction_note == "The figure was revised."
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "publish",
        "correct",
    ]


def test_retraction_needs_a_note_and_the_claim_is_no_longer_published():
    annotation, author, reviewer, editor = _approved_annotation()
    verdict = Verdict.publish(annotation, editor)
    with pytest.raises(InvalidInput, match="why the verdict is retracted"):
        verdict.retract(editor, "")
    verdict.retract(editor, "The source was withdrawn.")
    assert verdict.is_retracted
    assert annotation.claim.state == "approved"
    with pytest.raises(WorkflowError, match="Only the current verdict"):
        verdict.retract(editor, "Again.")


def test_reviewer_cannot_publish():
    annotation, author, reviewer, editor = _approved_annotation()
    with pytest.raises(WorkflowError, match="Only editors"):
        Verdict.publish(annotation, reviewer)


def test_hidden_annotation_cannot_be_published():
    annotation, author, reviewer, editor = _approved_annotation()
    annotation.hide(editor, "Abusive.")
    with pytest.raises(WorkflowError, match="hidden annotation cannot be published"):
        Verdict.publish(annotation, editor)


def test_hide_and_unhide_are_logged():
    annotation, author, reviewer, editor = _approved_annotation()
    annotation.hide(editor, "Off topic.")
    annotation.unhide(editor, "Restored.")
    events = list(ModerationEvent.objects.order_by("id").values_list("action", "note", "actor"))
    assert events == [("hide", "Off topic.", editor.pk), ("unhide", "Restored.", editor.pk)]


def test_only_editors_hide():
    annotation, author, reviewer, editor = _approved_annotation()
    with pytest.raises(WorkflowError, match="Only editors"):
        annotation.hide(reviewer)
    annotation.refresh_from_db()
    assert annotation.hidden is False


def test_flag_once_then_editor_resolves_by_hiding():
    from annotations.models import Flag

    annotation, author, reviewer, editor = _approved_annotation()
    flag = Flag.raise_on(annotation, reviewer, "Insulting.")
    with pytest.raises(WorkflowError, match="already flagged"):
        Flag.raise_on(annotation, reviewer, "Again.")
    with pytest.raises(WorkflowError, match="Only editors"):
        flag.resolve(reviewer, hide=True)
    flag.resolve(editor, hide=True, note="Agreed.")
    annotation.refresh_from_db()
    assert (flag.status, annotation.hidden) == ("hidden", True)
    assert list(ModerationEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "hide",
        "resolve_flag",
    ]
    with pytest.raises(WorkflowError, match="already resolved"):
        flag.resolve(editor, hide=False)


def test_flag_on_a_comment_can_be_dismissed():
    from annotations.models import Flag

    annotation, author, reviewer, editor = _approved_annotation()
    comment = CommentFactory(annotation=annotation, author=reviewer)
    flag = Flag.raise_on(comment, author, "Rude.")
    flag.resolve(editor, hide=False, note="Not rude.")
    comment.refresh_from_db()
    assert (flag.status, comment.hidden) == ("dismissed", False)


def test_flag_needs_a_reason():
    from annotations.models import Flag

    annotation, author, reviewer, editor = _approved_annotation()
    with pytest.raises(InvalidInput, match="Say what the problem is"):
        Flag.raise_on(annotation, reviewer, " ")


def test_comments_thread_and_resolve():
    annotation, author, reviewer, editor = _approved_annotation()
    root = Comment.post(annotation, reviewer, "Which year?")
    reply = Comment.post(annotation, author, "2023.", parent=root)
    reply.resolve_thread(author)
    root.refresh_from_db()
    assert root.resolved is True
    assert list(root.replies.values_list("body", flat=True)) == ["2023."]


def test_empty_comment_is_refused():
    annotation, author, reviewer, editor = _approved_annotation()
    with pytest.raises(InvalidInput, match="Write a comment"):
        Comment.post(annotation, reviewer, "   ")


def test_assignment_notifies_the_member_and_is_for_editors_only():
    annotation, author, reviewer, editor = _approved_annotation()
    claim = annotation.claim
    with pytest.raises(WorkflowError, match="Only editors"):
        claim.assign(reviewer, reviewer)
    with pytest.raises(InvalidInput, match="No member of this workspace has this id"):
        claim.assign(UserFactory(), editor)
    claim.assign(reviewer, editor)
    assert claim.assignee == reviewer
    assert Notification.objects.filter(recipient=reviewer, kind="assigned").count() == 1


def test_source_change_on_an_approved_annotation_sends_it_back_to_review():
    annotation, author, reviewer, editor = _approved_annotation()
    annotation.add_source(author, url="https://example.org/new", title="New")
    assert annotation.status == "submitted"
    assert annotation.sources.count() == 2


def test_source_with_javascript_url_is_refused_with_a_message():
    from django.core.exceptions import ValidationError

    annotation, author, reviewer, editor = _approved_annotation()
    with pytest.raises(ValidationError, match="Only http:// and https:// links"):
        annotation.add_source(author, url="javascript:alert(1)")
    assert annotation.sources.count() == 1


def test_claims_marked_with_a_verdict_follow_its_correction_and_lose_it_on_retraction():
    from tests.factories import ClaimFactory, DocumentFactory

    annotation, author, reviewer, editor = _approved_annotation()
    first = Verdict.publish(annotation, editor)
    elsewhere = DocumentFactory(workspace=annotation.claim.document.workspace)
    marked = ClaimFactory(document=elsewhere, start=0, end=10)
    type(marked).objects.filter(pk=marked.pk).update(prior_verdict=first, prior_similarity=0.9996)
    annotation.edit(author, summary="The figure was revised in March.")
    annotation.approve(reviewer)
    second = Verdict.publish(annotation, editor, note="The figure was revised.")
    marked.refresh_from_db()
    assert (marked.prior_verdict, marked.prior_similarity) == (second, 0.9996)
    second.retract(editor, "Wrong claim.")
    marked.refresh_from_db()
    assert (marked.prior_verdict, marked.prior_similarity) == (None, None)
