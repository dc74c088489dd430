"""Access follows current membership and the one rule everywhere: a removed member loses
the desk's notifications and jobs at once; the admin lists only what a staff user may
see and changes workflow fields only through the model methods; ids of other desks
answer like missing ones; roles change under a lock."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from annotations import jobs
from annotations.models import (
    Annotation,
    Claim,
    Comment,
    InvalidInput,
    Job,
    Membership,
    ModerationEvent,
    Notification,
    Role,
    WorkflowError,
)
from annotations.text import checkworthiness
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


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- removed members ------------------------------------------------------------------


def test_removed_member_loses_the_desks_notifications_at_once():
    claim = ClaimFactory()
    workspace = claim.document.workspace
    editor = member(workspace, Role.EDITOR)
    alice = member(workspace, Role.ANNOTATOR)
    other_claim = ClaimFactory()  # another desk alice stays in
    Membership.objects.create(workspace=other_claim.document.workspace, user=alice)
    claim.assign(alice, editor)
    Notification.send([alice.pk], Notification.Kind.ASSIGNED, actor=editor, claim=other_claim)
    client = _client(alice)
    page = client.get("/notifications/").content.decode()
    assert claim.text in page and other_claim.text in page

    Membership.objects.get(workspace=workspace, user=alice).remove(editor)

    page = client.get("/notifications/").content.decode()
    assert claim.text not in page
    assert other_claim.text in page


def test_unread_counter_counts_only_what_the_user_may_still_read():
    from annotations.permissions import notifications_for

    claim = ClaimFactory()
    workspace = claim.document.workspace
    editor = member(workspace, Role.EDITOR)
    alice = member(workspace, Role.ANNOTATOR)
    claim.assign(alice, editor)
    assert notifications_for(alice).filter(read_at=None).count() == 1
    Membership.objects.get(workspace=workspace, user=alice).remove(editor)
    alice = type(alice).objects.get(pk=alice.pk)  # a later request's user object
    assert notifications_for(alice).filter(read_at=None).count() == 0


def test_notification_about_work_now_hidden_from_the_user_is_not_shown():
    annotation = AnnotationFactory(status=Annotation.Status.SUBMITTED)
    workspace = annotation.claim.document.workspace
    editor = member(workspace, Role.EDITOR)
    reviewer = member(workspace, Role.REVIEWER)
    Notification.send(
        [reviewer.pk], Notification.Kind.REVIEW_REQUESTED, actor=editor, annotation=annotation
    )
    from annotations.permissions import notifications_for

    assert notifications_for(reviewer).count() == 1
    annotation.hide(editor, "off topic")
    assert notifications_for(reviewer).count() == 0


def _export_job(document, user):
    return Job.objects.create(
        kind=Job.Kind.EXPORT,
        workspace=document.workspace,
        document=document,
        created_by=user,
        params={"format": "md", "approved": False},
    )


def test_removed_member_loses_job_pages_and_downloads_at_once():
    document = DocumentFactory()
    editor = member(document.workspace, Role.EDITOR)
    alice = member(document.workspace, Role.REVIEWER)
    job = _export_job(document, alice)
    jobs.run(job.pk)
    client = _client(alice)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200

    Membership.objects.get(workspace=document.workspace, user=alice).remove(editor)

    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    api = APIClient()
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk}/download/").status_code == 404


def test_export_job_of_a_removed_member_fails_instead_of_exporting():
    document = DocumentFactory()
    editor = member(document.workspace, Role.EDITOR)
    alice = member(document.workspace, Role.ANNOTATOR)
    job = _export_job(document, alice)
    Membership.objects.get(workspace=document.workspace, user=alice).remove(editor)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.result_data) == (
        Job.Status.FAILED,
        "You are no longer a member of this desk.",
        None,
    )


# --- the admin --------------------------------------------------------------------------


@pytest.fixture
def two_desks():
    mine, theirs = (
        AnnotationFactory(summary="mine-summary"),
        AnnotationFactory(summary="theirs-summary"),
    )
    hidden_here = AnnotationFactory(claim=mine.claim, summary="hidden-here-summary", hidden=True)
    CommentFactory(annotation=mine, body="hidden-comment-here", hidden=True)
    CommentFactory(annotation=theirs, body="their-comment")
    staff = member(mine.claim.document.workspace, Role.REVIEWER, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="annotations", codename__startswith="view_"
        )
    )
    return mine, theirs, hidden_here, staff


def _change_link(annotation):
    return f"/admin/annotations/annotation/{annotation.pk}/change/"


def test_staff_member_lists_only_what_they_may_see_of_their_own_desks(two_desks):
    mine, theirs, hidden_here, staff = two_desks
    client = _client(staff)
    annotations = client.get("/admin/annotations/annotation/").content.decode()
    assert _change_link(mine) in annotations
    assert _change_link(theirs) not in annotations
    assert _change_link(hidden_here) not in annotations
    comments = client.get("/admin/annotations/comment/").content.decode()
    assert "hidden-comment-here" not in comments and "their-comment" not in comments
    documents = client.get("/admin/annotations/document/").content.decode()
    assert mine.claim.document.title in documents
    assert theirs.claim.document.title not in documents
    workspaces = client.get("/admin/annotations/workspace/").content.decode()
    assert theirs.claim.document.workspace.name not in workspaces


def test_staff_member_cannot_open_another_desks_objects_in_the_admin(two_desks):
    mine, theirs, hidden_here, staff = two_desks
    client = _client(staff)
    assert client.get(f"/admin/annotations/annotation/{mine.pk}/change/").status_code == 200
    for url in (
        f"/admin/annotations/annotation/{theirs.pk}/change/",
        f"/admin/annotations/annotation/{hidden_here.pk}/change/",
        f"/admin/annotations/document/{theirs.claim.document.pk}/change/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == "/admin/", url
        assert "doesn’t exist" in response.content.decode()


def test_superuser_and_staff_moderators_see_every_desk(two_desks):
    mine, theirs, hidden_here, staff = two_desks
    staff.user_permissions.add(Permission.objects.get(codename="moderate_workspaces"))
    page = _client(staff).get("/admin/annotations/annotation/").content.decode()
    assert all(_change_link(a) in page for a in (mine, theirs, hidden_here))
    root = UserFactory(is_staff=True, is_superuser=True)
    page = _client(root).get("/admin/annotations/annotation/").content.decode()
    assert all(_change_link(a) in page for a in (mine, theirs, hidden_here))


def test_admin_change_form_keeps_workflow_fields_read_only():
    root = UserFactory(is_staff=True, is_superuser=True)
    annotation = AnnotationFactory(status=Annotation.Status.SUBMITTED)
    comment = CommentFactory(annotation=annotation, decision="")
    client = _client(root)
    url = f"/admin/annotations/annotation/{annotation.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "status" not in form.fields and "hidden" not in form.fields
    response = client.post(
        url,
        {
            "claim": annotation.claim_id,
            "author": annotation.author_id,
            "rating": annotation.rating_id,
            "summary": annotation.summary,
            "note": annotation.note,
            "status": "approved",
            "hidden": "on",
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "comments-TOTAL_FORMS": 1,
            "comments-INITIAL_FORMS": 1,
            "comments-0-id": comment.pk,
            "comments-0-annotation": annotation.pk,
            "comments-0-author": comment.author_id,
            "comments-0-body": comment.body,
            "comments-0-hidden": "on",
            "comments-0-decision": "approve",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    annotation.refresh_from_db()
    comment.refresh_from_db()
    assert (annotation.status, annotation.hidden) == (Annotation.Status.SUBMITTED, False)
    assert (comment.hidden, comment.decision) == (False, "")
    assert not ModerationEvent.objects.exists()
    for model, fields in (
        ("comment", {"hidden", "decision"}),
        ("verdict", {"is_current", "retracted_at"}),
        ("flag", {"status"}),
    ):
        from django.contrib import admin

        from annotations import models

        model_admin = admin.site._registry[getattr(models, model.capitalize())]
        assert fields <= set(model_admin.readonly_fields), model


# --- ids of other desks answer like missing ones ---------------------------------------


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_replying_to_another_desks_comment_answers_like_a_missing_comment():
    annotation = AnnotationFactory(status=Annotation.Status.SUBMITTED)
    reviewer = member(annotation.claim.document.workspace, Role.REVIEWER)
    foreign = CommentFactory()
    missing = Comment.objects.order_by("-pk").first().pk + 1000
    replies = [
        _api(reviewer).post(
            f"/api/v1/annotations/{annotation.pk}/comments/",
            {"body": "Which table?", "parent": parent},
            format="json",
        )
        for parent in (foreign.pk, missing)
    ]
    assert [r.status_code for r in replies] == [400, 400]
    assert replies[0].json() == replies[1].json()
    assert replies[0].json()["errors"] == {"parent": ["No such comment."]}


def test_assigning_to_a_stranger_answers_like_assigning_to_nobody_known():
    claim = ClaimFactory()
    editor = member(claim.document.workspace, Role.EDITOR)
    stranger = UserFactory()
    missing = stranger.pk + 1000
    answers = [
        _api(editor).post(f"/api/v1/claims/{claim.pk}/assign/", {"assignee": pk}, format="json")
        for pk in (stranger.pk, missing)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["errors"] == {"assignee": ["No member of this workspace has this id."]}
    client = _client(editor)
    pages = [
        client.post(f"/claims/{claim.pk}/assign/", {"assignee": pk}, HTTP_HX_REQUEST="true")
        for pk in (stranger.pk, missing)
    ]
    assert [p.status_code for p in pages] == [400, 400]
    assert all("No member of this workspace has this id." in p.content.decode() for p in pages)
    claim.refresh_from_db()
    assert claim.assignee is None


# --- memberships and selections ----------------------------------------------------------


def test_last_editor_cannot_demote_or_remove_themselves():
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    membership = Membership.objects.get(user=editor)
    with pytest.raises(InvalidInput, match="keeps at least one editor"):
        membership.change_role(Role.ANNOTATOR, editor)
    with pytest.raises(InvalidInput, match="keeps at least one editor"):
        membership.remove(editor)
    assert Membership.objects.get(user=editor).role == Role.EDITOR


def test_only_editors_change_roles():
    workspace = WorkspaceFactory()
    member(workspace, Role.EDITOR)
    reviewer = member(workspace, Role.REVIEWER)
    annotator = member(workspace, Role.ANNOTATOR)
    with pytest.raises(WorkflowError, match="Only editors can change roles"):
        Membership.objects.get(user=annotator).change_role(Role.EDITOR, reviewer)
    with pytest.raises(InvalidInput, match="Unknown role"):
        Membership.objects.get(user=annotator).change_role(
            "overlord", Membership.objects.get(workspace=workspace, role=Role.EDITOR).user
        )


@pytest.mark.django_db(transaction=True)
def test_two_editors_demoting_each_other_at_once_leave_one_editor():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency: PostgreSQL only (SQLite serialises writes)")
    workspace = WorkspaceFactory()
    first, second = member(workspace, Role.EDITOR), member(workspace, Role.EDITOR)
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(victim, by):
        from django.db import connections

        barrier.wait()
        try:
            Membership.objects.get(user=victim).change_role(Role.ANNOTATOR, by)
            outcomes.append("demoted")
        except (InvalidInput, WorkflowError) as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=demote, args=(second, first)),
        threading.Thread(target=demote, args=(first, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Membership.objects.filter(workspace=workspace, role=Role.EDITOR).count() == 1
    # The loser is refused either for the last editor or, when the winner committed
    # before it even asked, because it is no longer an editor itself.
    refusals = {"A workspace keeps at least one editor.", "Only editors can change roles."}
    assert sorted(outcomes)[1] == "demoted" and sorted(outcomes)[0] in refusals, outcomes


def test_claim_from_selection_scores_in_the_documents_language(monkeypatch):
    document = DocumentFactory(language="de")
    annotator = member(document.workspace, Role.ANNOTATOR)
    calls = []
    real = checkworthiness.score
    monkeypatch.setattr(
        checkworthiness,
        "score",
        lambda text, kind, language: calls.append(language) or real(text, kind, language),
    )
    claim, created = Claim.from_selection(document, 0, 12, annotator)
    assert created and claim.kind == "selection" and calls == ["de"]
    again, created = Claim.from_selection(document, 0, 12, annotator)
    assert (again.pk, created) == (claim.pk, False)
