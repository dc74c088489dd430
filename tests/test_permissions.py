import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from annotations.models import Annotation, Role
from annotations.permissions import ACTIONS, can, forget_roles, visible_annotations
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    UserFactory,
    WorkspaceFactory,
    member,
)

pytestmark = pytest.mark.django_db

# DESIGN.md's table, cell by cell: who may do each action.
TABLE = {
    "document.read": {"annotator", "reviewer", "editor"},
    "document.import": {"editor"},
    "claim.create": {"annotator", "reviewer", "editor"},
    "annotation.write": {"annotator", "reviewer", "editor"},
    "annotation.review": {"reviewer", "editor"},
    "verdict.publish": {"editor"},
    "moderate": {"editor"},
    "workspace.manage": {"editor"},
    "claim.take": {"annotator", "reviewer", "editor"},
    "claim.edit": {"editor"},
    "factchecks.load": {"editor"},
    "document.append": {"editor"},
}
# Asked with no workspace: the WORKSPACE_CREATION setting answers (tests/api/test_workspaces.py).
SETTING_ACTIONS = {"workspace.create"}
WHO = ["annotator", "reviewer", "editor", "non-member", "anonymous", "inactive"]


def _user(who, workspace):
    if who == "anonymous":
        return AnonymousUser()
    if who == "non-member":
        return UserFactory()
    if who == "inactive":
        user = member(workspace, Role.EDITOR)
        user.is_active = False
        user.save()
        return user
    return member(workspace, who)


def test_table_names_every_action():
    assert set(TABLE) | SETTING_ACTIONS == ACTIONS


@pytest.mark.parametrize("action", sorted(TABLE))
@pytest.mark.parametrize("who", WHO)
def test_permission_table_cell_on_workspace_and_document(action, who):
    document = DocumentFactory()
    user = _user(who, document.workspace)
    expected = who in TABLE[action]
    assert can(user, action, document.workspace) is expected
    assert can(user, action, document) is expected


@pytest.mark.parametrize("who", WHO)
def test_review_of_anothers_submitted_annotation(who):
    claim = ClaimFactory()
    workspace = claim.document.workspace
    author = member(workspace, Role.ANNOTATOR)
    annotation = AnnotationFactory(claim=claim, author=author, status=Annotation.Status.SUBMITTED)
    user = _user(who, workspace)
    assert can(user, "annotation.review", annotation) is (who in {"reviewer", "editor"})


def test_reviewer_cannot_review_own_annotation():
    claim = ClaimFactory()
    reviewer = member(claim.document.workspace, Role.REVIEWER)
    own = AnnotationFactory(claim=claim, author=reviewer, status=Annotation.Status.SUBMITTED)
    assert can(reviewer, "annotation.review", own) is False


def test_review_needs_a_submitted_annotation():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    reviewer = member(workspace, Role.REVIEWER)
    draft = AnnotationFactory(claim=claim, author=member(workspace), status="draft")
    assert can(reviewer, "annotation.review", draft) is False


def test_only_the_author_writes_an_annotation():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    author = member(workspace)
    editor = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=author)
    assert can(author, "annotation.write", annotation) is True
    assert can(editor, "annotation.write", annotation) is False


def test_hidden_annotation_is_read_by_editors_only_not_even_its_author():
    # DESIGN.md: hidden items vanish for everyone but editors.
    claim = ClaimFactory()
    workspace = claim.document.workspace
    annotation = AnnotationFactory(claim=claim, author=member(workspace), hidden=True)
    assert can(member(workspace, Role.EDITOR), "document.read", annotation) is True
    assert can(member(workspace, Role.REVIEWER), "document.read", annotation) is False
    assert can(member(workspace, Role.ANNOTATOR), "document.read", annotation) is False
    assert can(annotation.author, "document.read", annotation) is False
    assert can(annotation.author, "annotation.write", annotation) is False
    # An editor's own hidden annotation: seen (an editor sees hidden work), read-only.
    editors = AnnotationFactory(claim=claim, author=member(workspace, Role.EDITOR), hidden=True)
    assert can(editors.author, "document.read", editors) is True
    assert can(editors.author, "annotation.write", editors) is False
    assert list(visible_annotations(annotation.author)) == []


def test_hidden_comment_is_read_by_editors_only():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    annotation = AnnotationFactory(claim=claim, author=member(workspace))
    comment = CommentFactory(annotation=annotation, author=member(workspace), hidden=True)
    assert can(member(workspace, Role.EDITOR), "document.read", comment) is True
    assert can(member(workspace, Role.REVIEWER), "document.read", comment) is False


def test_blind_workspace_hides_colleagues_work_until_own_is_submitted():
    workspace = WorkspaceFactory(blind=True)
    claim = ClaimFactory(document=DocumentFactory(workspace=workspace))
    colleague = AnnotationFactory(claim=claim, author=member(workspace), status="submitted")
    annotator = member(workspace)
    assert can(annotator, "document.read", colleague) is False
    own = AnnotationFactory(claim=claim, author=annotator, status="draft")
    assert can(annotator, "document.read", colleague) is False
    own.status = "submitted"
    own.save()
    assert can(annotator, "document.read", colleague) is True
    # Reviewers always see everything visible.
    assert can(member(workspace, Role.REVIEWER), "document.read", colleague) is True


def test_publishing_needs_an_approved_annotation():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    editor = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=member(workspace), status="submitted")
    assert can(editor, "verdict.publish", annotation) is False
    annotation.status = "approved"
    annotation.save()
    assert can(editor, "verdict.publish", annotation) is True


def test_nothing_crosses_workspaces():
    document = DocumentFactory()
    other_editor = member(WorkspaceFactory(), Role.EDITOR)
    for action in ACTIONS - SETTING_ACTIONS:
        assert can(other_editor, action, document) is False


def test_unknown_action_is_an_error_not_a_silent_no():
    document = DocumentFactory()
    editor = member(document.workspace, Role.EDITOR)
    with pytest.raises(ValueError, match="document.delete_everything"):
        can(editor, "document.delete_everything", document)
    with pytest.raises(ValueError):
        can(None, "documnet.read", document)


def test_unknown_object_answers_false():
    document = DocumentFactory()
    editor = member(document.workspace, Role.EDITOR)
    assert can(editor, "document.read", object()) is False
    assert can(editor, "document.read", None) is False
    assert can(None, "document.read", document) is False


def test_staff_moderator_moderates_every_workspace_but_does_not_publish():
    document = DocumentFactory()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="moderate_workspaces"))
    staff = type(staff).objects.get(pk=staff.pk)  # fresh object: permission cache
    assert can(staff, "moderate", document) is True
    assert can(staff, "document.read", document) is True
    assert can(staff, "verdict.publish", document) is False
    assert can(staff, "workspace.manage", document) is False


def test_role_change_is_seen_after_forgetting_the_cache():
    document = DocumentFactory()
    user = member(document.workspace, Role.ANNOTATOR)
    assert can(user, "moderate", document) is False
    user.memberships.update(role=Role.EDITOR)
    forget_roles(user)
    assert can(user, "moderate", document) is True
