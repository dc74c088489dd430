"""The claim panel: annotating, sources, review, comments, flags, hiding, details."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import (
    Annotation,
    Comment,
    Flag,
    Role,
    Source,
    Verdict,
)
from tests.factories import (
    AnnotationFactory,
    SourceFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.web.workbench import _speech

pytestmark = pytest.mark.django_db


# --- Claim panel ---------------------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def _post(client, name, pk, data, status=200):
    response = client.post(reverse(name, args=[pk]), data, **HTMX)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def test_panel_shows_claim_reasons_and_rating_buttons_of_the_scale(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    client.force_login(member(document.workspace))
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "<li>contains a percentage (5%)</li>" in page
    labels = re.findall(r'data-key="(\d)">.*?</kbd> ([^<]+)</label>', page)
    assert labels == [
        ("1", "True"),
        ("2", "Mostly true"),
        ("3", "Half true"),
        ("4", "Mostly false"),
        ("5", "False"),
        ("6", "Unverifiable"),
        ("7", "Opinion"),
    ]


def test_author_saves_then_submits_and_stale_save_shows_both_versions(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    author = member(document.workspace)
    client.force_login(author)
    false = rating(document.workspace, "False")
    page = _post(client, "claim_annotation", claim.pk, {"rating": false.pk, "note": "n"})
    assert "Saved." in page
    mine = Annotation.objects.get(claim=claim, author=author)
    assert (mine.status, mine.rating, mine.version) == ("draft", false, 1)
    data = {"action": "submit", "version": 1, "rating": false.pk}
    page = _post(client, "claim_annotation", claim.pk, data, 400)
    assert "Write a summary before submitting." in page
    assert 'id="summary-error" class="error">Write a summary before submitting.' in page
    data = {"action": "submit", "version": 1, "rating": false.pk, "summary": "It rose."}
    assert "Submitted for review." in _post(client, "claim_annotation", claim.pk, data)
    mine.refresh_from_db()
    assert (mine.status, mine.summary, mine.version) == ("submitted", "It rose.", 3)
    stale = {"version": 1, "rating": false.pk, "summary": "My stale text"}
    page = _post(client, "claim_annotation", claim.pk, stale, 412)
    assert "changed by someone else" in page
    assert "My stale text" in page and "It rose." in page
    assert 'name="version" value="3"' in page
    mine.refresh_from_db()
    assert mine.summary == "It rose."


def test_without_htmx_a_post_redirects_to_the_document_with_the_panel_open(client):
    document, claims = _speech()
    claim = claims["We must act now."]
    client.force_login(member(document.workspace))
    response = client.post(reverse("claim_annotation", args=[claim.pk]), {"summary": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"/documents/{document.pk}/?claim=3#claim-{claim.pk}"


def test_sources_are_added_edited_and_removed_and_bad_urls_refused_at_the_field(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    author = member(document.workspace)
    client.force_login(author)
    bad = {"new-url": "javascript:alert(1)", "new-stance": "refutes"}
    page = _post(client, "source_add", claim.pk, bad, 400)
    assert "Only http:// and https:// links are allowed." in page
    assert not Source.objects.exists()
    good = {
        "new-url": "https://stats.example.org/t1",
        "new-title": "Table 1",
        "new-publisher": "Stats office",
        "new-published": "2024-01-31",
        "new-excerpt": "Unemployment: 7%",
        "new-stance": "refutes",
        "new-archive_url": "https://web.archive.org/x",
    }
    assert "Source added." in _post(client, "source_add", claim.pk, good)
    source = Source.objects.get()
    assert (source.annotation.author, source.title, str(source.published)) == (
        author,
        "Table 1",
        "2024-01-31",
    )
    prefix = f"source-{source.pk}-"
    edit = {prefix + k.removeprefix("new-"): v for k, v in good.items()}
    edit[prefix + "archive_url"] = "ftp://archive.example.org/x"
    page = _post(client, "source_edit", source.pk, edit, 400)
    assert "Only http:// and https:// links are allowed." in page
    edit[prefix + "archive_url"] = ""
    edit[prefix + "title"] = "Table 2"
    assert "Source saved." in _post(client, "source_edit", source.pk, edit)
    source.refresh_from_db()
    assert source.title == "Table 2"
    assert source.annotation.version == 3  # add, edit: each an edit of the annotation
    assert "Source removed." in _post(client, "source_edit", source.pk, {"action": "remove"})
    assert not Source.objects.exists()


def test_nobody_else_edits_my_sources(client):
    source = SourceFactory()
    workspace = source.annotation.claim.document.workspace
    client.force_login(member(workspace, Role.EDITOR))
    page = _post(client, "source_edit", source.pk, {"action": "remove"}, 403)
    assert "Only its author can edit an annotation." in page
    assert Source.objects.filter(pk=source.pk).exists()


def test_review_cycle_from_the_panel(client):
    document, claims = _speech()
    claim = claims["Unemployment fell to 5% last year."]
    workspace = document.workspace
    author, reviewer, editor = member(workspace), member(workspace, Role.REVIEWER), None
    editor = member(workspace, Role.EDITOR)
    annotation = AnnotationFactory(claim=claim, author=author)
    annotation.submit(author)
    client.force_login(member(workspace))
    page = _post(client, "annotation_review", annotation.pk, {"decision": "approve"}, 403)
    assert "Only reviewers and editors can review annotations." in page
    client.force_login(reviewer)
    page = _post(client, "annotation_review", annotation.pk, {"decision": "request_changes"}, 400)
    assert "Say what should change." in page
    data = {"decision": "request_changes", "body": "Cite the table."}
    assert "Changes requested." in _post(client, "annotation_review", annotation.pk, data)
    client.force_login(author)
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Cite the table." in page and "Resubmit" in page
    _post(client, "claim_annotation", claim.pk, {"action": "submit", "version": 3,
          "rating": annotation.rating_id, "summary": "Fixed."})  # fmt: skip
    client.force_login(reviewer)
    assert "Approved." in _post(client, "annotation_review", annotation.pk, {"decision": "approve"})
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Publish verdict" not in page
    client.force_login(editor)
    page = _post(client, "annotation_publish", annotation.pk, {})
    assert "Verdict published." in page and 'data-state="published"' in page
    page = _post(client, "annotation_publish", annotation.pk, {})
    assert "This version of the annotation is already the published verdict." in page
    verdict = Verdict.objects.get()
    assert "Say why the verdict is retracted." in _post(
        client, "verdict_retract", verdict.pk, {"note": ""}, 400
    )
    assert "Verdict retracted." in _post(client, "verdict_retract", verdict.pk, {"note": "Wrong"})
    verdict.refresh_from_db()
    assert verdict.is_retracted


def test_blind_workspace_hides_colleagues_until_i_submit(client):
    workspace = WorkspaceFactory(blind=True)
    document, claims = _speech(workspace)
    claim = claims["We must act now."]
    AnnotationFactory(claim=claim, author=member(workspace), summary="Colleague secret")
    annotator = member(workspace)
    client.force_login(annotator)
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Colleague secret" not in page
    assert "colleagues' annotations show once you submit yours" in page
    _post(client, "claim_annotation", claim.pk, {"rating": rating(workspace).pk, "summary": "s"})
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Colleague secret" not in page
    _post(client, "claim_annotation", claim.pk, {"action": "submit", "version": 1,
          "rating": rating(workspace).pk, "summary": "s"})  # fmt: skip
    page = client.get(reverse("claim_panel", args=[claim.pk])).content.decode()
    assert "Colleague secret" in page


def test_note_with_script_shows_as_text_and_preview_is_sanitised(client):
    annotation = AnnotationFactory(
        note="<script>alert(1)</script> **bold** [x](javascript:alert(2))"
    )
    workspace = annotation.claim.document.workspace
    client.force_login(member(workspace, Role.REVIEWER))
    page = client.get(reverse("claim_panel", args=[annotation.claim_id])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<strong>bold</strong>" in page
    assert 'href="javascript' not in page
    preview = client.post(reverse("note_preview"), {"note": annotation.note}).content.decode()
    assert "<script>" not in preview and "<strong>bold</strong>" in preview


def test_comments_flags_and_hiding(client):
    annotation = AnnotationFactory(status="submitted")
    workspace = annotation.claim.document.workspace
    colleague, editor = member(workspace), member(workspace, Role.EDITOR)
    client.force_login(colleague)
    page = _post(client, "annotation_comment", annotation.pk, {"body": "<b>Which</b> table?"})
    assert "&lt;b&gt;Which&lt;/b&gt; table?" in page
    comment = Comment.objects.get()
    _post(client, "annotation_comment", annotation.pk, {"body": "Reply", "parent": comment.pk})
    assert Comment.objects.get(body="Reply").parent == comment
    assert "Say what the problem is." in _post(client, "annotation_flag", annotation.pk, {}, 400)
    _post(client, "annotation_flag", annotation.pk, {"reason": "Rude"})
    page = _post(client, "annotation_flag", annotation.pk, {"reason": "Rude"}, 409)
    assert "You have already flagged this" in page
    _post(client, "comment_flag", comment.pk, {"reason": "Spam"})
    assert Flag.objects.count() == 2
    page = _post(client, "annotation_hide", annotation.pk, {"hidden": "1"}, 403)
    assert "Only editors can hide or unhide annotations." in page
    client.force_login(editor)
    _post(client, "comment_hide", comment.pk, {"hidden": "1"})
    _post(client, "annotation_hide", annotation.pk, {"hidden": "1"})
    annotation.refresh_from_db()
    assert annotation.hidden
    client.force_login(colleague)
    # Hidden: the annotation vanishes for everyone but editors.
    assert client.post(reverse("annotation_flag", args=[annotation.pk]), **HTMX).status_code == 404


def test_details_and_assignment_from_the_panel(client):
    document, claims = _speech()
    claim = claims["We must act now."]
    annotator, editor = member(document.workspace), member(document.workspace, Role.EDITOR)
    client.force_login(annotator)
    data = {"restatement": "The speaker urges action.", "not_checkable": "on"}
    assert "Claim details saved." in _post(client, "claim_details", claim.pk, data)
    claim.refresh_from_db()
    assert (claim.restatement, claim.not_checkable) == ("The speaker urges action.", True)
    page = _post(client, "claim_assign", claim.pk, {"assignee": annotator.pk}, 403)
    assert "Only editors can assign claims." in page
    client.force_login(editor)
    page = _post(client, "claim_assign", claim.pk, {"assignee": annotator.pk})
    assert f"Assigned to {annotator.username}." in page
    claim.refresh_from_db()
    assert claim.assignee == annotator


def test_posts_need_the_csrf_token(client):
    document, claims = _speech()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member(document.workspace))
    claim = claims["We must act now."]
    assert strict.post(reverse("claim_annotation", args=[claim.pk]), {}).status_code == 403
    assert strict.post(reverse("claim_create", args=[document.pk]), {}).status_code == 403
