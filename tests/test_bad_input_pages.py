"""The pages refuse bad input with a 400 that names the field, and change nothing: ids
that are not ASCII digits, NUL in free text, metadata longer than its column, ZIP bombs."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Document,
    Flag,
    Membership,
    ModerationEvent,
    Role,
    Verdict,
)
from tests.factories import (
    AnnotationFactory,
    ClaimFactory,
    CommentFactory,
    DocumentFactory,
    FlagFactory,
    VerdictFactory,
    WorkspaceFactory,
    member,
    rating,
)
from tests.zip_bombs import BOMB_MESSAGE, docx_bomb

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ID_REASON = "Give a whole number from 1 to 9223372036854775807."
NUL_REASON = "Text may not contain NUL characters."


@dataclass
class Desk:
    workspace: object
    annotator: object
    reviewer: object
    editor: object
    document: object
    claim: object
    submitted: object  # the annotator's, waiting for review
    approved: object  # a colleague's, with the current verdict
    comment: object
    verdict: object
    flag: object


@pytest.fixture
def desk():
    workspace = WorkspaceFactory()
    annotator = member(workspace, Role.ANNOTATOR)
    colleague = member(workspace, Role.ANNOTATOR)
    reviewer = member(workspace, Role.REVIEWER)
    editor = member(workspace, Role.EDITOR)
    document = DocumentFactory(workspace=workspace)
    claim = ClaimFactory(document=document, restatement="Unemployment fell.")
    submitted = AnnotationFactory(claim=claim, author=annotator, status=Annotation.Status.SUBMITTED)
    approved = AnnotationFactory(
        claim=claim, author=colleague, status=Annotation.Status.APPROVED, rating=rating(workspace)
    )
    comment = CommentFactory(annotation=approved, author=reviewer, body="Good work.")
    verdict = VerdictFactory(
        claim=claim, annotation=approved, published_by=editor, checked_by=colleague
    )
    flag = FlagFactory(annotation=approved, reporter=annotator, reason="Rude wording.")
    return Desk(
        workspace,
        annotator,
        reviewer,
        editor,
        document,
        claim,
        submitted,
        approved,
        comment,
        verdict,
        flag,
    )


def _state():
    return (
        list(Claim.objects.values("id", "assignee_id", "restatement", "not_checkable")),
        list(Annotation.objects.values("id", "status", "hidden", "version")),
        list(Comment.objects.values("id", "body", "hidden", "decision")),
        list(Verdict.objects.values("id", "is_current", "retracted_at", "retraction_note")),
        list(Flag.objects.values("id", "status", "reason", "resolution_note")),
        list(Membership.objects.values("id", "role")),
        ModerationEvent.objects.count(),
        Document.objects.count(),
    )


# --- ids that are not ASCII digits ------------------------------------------------------


APPROVE = {"decision": "approve"}
CHANGES = {"decision": "request_changes"}


def _id_cases(d):
    """(who, url name, url argument, field, value, the other fields posted)."""
    return [
        ("reviewer", "annotation_comment", d.approved.pk, "parent", "²", {"body": "Yes."}),
        ("reviewer", "annotation_comment", d.approved.pk, "parent", "٣", {"body": "Yes."}),
        ("reviewer", "annotation_review", d.submitted.pk, "version", "²", APPROVE),
        ("reviewer", "annotation_review", d.submitted.pk, "version", "١", APPROVE),
        ("editor", "claim_assign", d.claim.pk, "assignee", "abc", {}),
        ("editor", "claim_assign", d.claim.pk, "assignee", "²", {}),
        ("annotator", "claim_reuse", d.claim.pk, "verdict", "abc", {}),
        ("annotator", "claim_reuse", d.claim.pk, "verdict", "٣", {}),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("index", range(8))
def test_form_id_that_is_not_ascii_digits_is_400_with_field_named(client, desk, index, htmx):
    who, name, pk, field, value, others = _id_cases(desk)[index]
    client.force_login(getattr(desk, who))
    before = _state()
    data = {**others, field: value}
    response = client.post(reverse(name, args=[pk]), data, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert response.content.decode() == f"{field}: {ID_REASON}"
    assert _state() == before


@pytest.mark.parametrize("value", ["abc", "²", "٣", ""])
def test_flag_queue_flag_that_is_not_an_id_is_400_with_field_named(client, desk, value):
    client.force_login(desk.editor)
    before = _state()
    response = client.post(reverse("flag_queue"), {"flag": value, "decision": "dismiss"})
    assert response.status_code == 400
    assert response.content.decode() == f"flag: {ID_REASON}"
    assert _state() == before


@pytest.mark.parametrize("value", ["abc", "²", "٣"])
def test_member_form_membership_that_is_not_an_id_is_400_with_field_named(client, desk, value):
    client.force_login(desk.editor)
    before = _state()
    response = client.post(
        reverse("workspace_settings", args=[desk.workspace.slug]),
        {"form": "member", "membership": value, "role": Role.EDITOR},
    )
    assert response.status_code == 400
    assert response.content.decode() == f"membership: {ID_REASON}"
    assert _state() == before


@pytest.mark.parametrize("value", ["²", "٣", "-1"])
def test_document_page_claim_that_is_not_an_id_is_400_with_field_named(client, desk, value):
    client.force_login(desk.annotator)
    response = client.get(reverse("document", args=[desk.document.pk]), {"claim": value})
    assert response.status_code == 400
    assert response.content.decode() == f"claim: {ID_REASON}"


def test_selection_offsets_that_are_not_ascii_digits_add_no_claim(client, desk):
    client.force_login(desk.annotator)
    before = _state()
    url = reverse("claim_create", args=[desk.document.pk])
    response = client.post(url, {"start": "٠", "end": "٣"})
    assert response.status_code == 400
    assert response.json() == {"error": "Select some words of the text first."}
    assert _state() == before


def test_well_formed_ids_still_work(client, desk):
    client.force_login(desk.editor)
    url = reverse("claim_assign", args=[desk.claim.pk])
    response = client.post(url, {"assignee": str(desk.annotator.pk)}, **HTMX)
    assert response.status_code == 200
    assert Claim.objects.get(pk=desk.claim.pk).assignee == desk.annotator
    response = client.post(url, {"assignee": ""}, **HTMX)
    assert response.status_code == 200
    assert Claim.objects.get(pk=desk.claim.pk).assignee is None


# --- NUL in free text ---------------------------------------------------------------------


def _nul_cases(d):
    """(who, url name, url argument, field, the other fields posted)."""
    return [
        ("annotator", "annotation_flag", d.approved.pk, "reason", {}),
        ("annotator", "comment_flag", d.comment.pk, "reason", {}),
        ("reviewer", "annotation_review", d.submitted.pk, "body", APPROVE),
        ("reviewer", "annotation_review", d.submitted.pk, "body", CHANGES),
        ("reviewer", "annotation_comment", d.approved.pk, "body", {}),
        ("editor", "annotation_hide", d.approved.pk, "note", {"hidden": "1"}),
        ("editor", "comment_hide", d.comment.pk, "note", {"hidden": "1"}),
        ("editor", "annotation_publish", d.approved.pk, "note", {}),
        ("editor", "verdict_retract", d.verdict.pk, "note", {}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_nul_in_free_text_is_400_with_field_named_and_changes_nothing(client, desk, index):
    who, name, pk, field, others = _nul_cases(desk)[index]
    client.force_login(getattr(desk, who))
    before = _state()
    data = {**others, field: "Rude \x00wording."}
    response = client.post(reverse(name, args=[pk]), data, **HTMX)
    assert response.status_code == 400
    assert f"{field}: {NUL_REASON}" in response.content.decode()
    assert _state() == before


def test_without_htmx_nul_in_free_text_is_refused_on_the_document_page(client, desk):
    client.force_login(desk.annotator)
    before = _state()
    response = client.post(
        reverse("annotation_flag", args=[desk.approved.pk]), {"reason": "a\x00b"}, follow=True
    )
    assert response.status_code == 200
    assert f"reason: {NUL_REASON}" in response.content.decode()
    assert _state() == before


def test_nul_in_flag_queue_note_is_400_with_field_named(client, desk):
    client.force_login(desk.editor)
    before = _state()
    response = client.post(
        reverse("flag_queue"), {"flag": desk.flag.pk, "decision": "hide", "note": "a\x00b"}
    )
    assert response.status_code == 400
    assert response.content.decode() == f"note: {NUL_REASON}"
    assert _state() == before


# --- claim details: nothing is saved from an invalid form -------------------------------


def test_restatement_with_nul_is_400_and_keeps_the_old_restatement(client, desk):
    client.force_login(desk.annotator)
    before = _state()
    response = client.post(
        reverse("claim_details", args=[desk.claim.pk]),
        {"restatement": "Jobless \x00rate fell.", "not_checkable": "on"},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "restatement: Null characters are not allowed." in page
    assert "Claim details saved." not in page
    assert _state() == before
    assert Claim.objects.get(pk=desk.claim.pk).restatement == "Unemployment fell."


def test_without_htmx_restatement_with_nul_is_not_saved(client, desk):
    client.force_login(desk.annotator)
    response = client.post(
        reverse("claim_details", args=[desk.claim.pk]),
        {"restatement": "Jobless \x00rate fell."},
        follow=True,
    )
    page = response.content.decode()
    assert "restatement: Null characters are not allowed." in page
    assert "Claim details saved." not in page
    assert Claim.objects.get(pk=desk.claim.pk).restatement == "Unemployment fell."


def test_valid_restatement_is_saved(client, desk):
    client.force_login(desk.annotator)
    response = client.post(
        reverse("claim_details", args=[desk.claim.pk]), {"restatement": " Jobs rose. "}, **HTMX
    )
    assert response.status_code == 200
    assert "Claim details saved." in response.content.decode()
    assert Claim.objects.get(pk=desk.claim.pk).restatement == "Jobs rose."


# --- import page --------------------------------------------------------------------------


def _import(client, desk, upload):
    client.force_login(desk.editor)
    url = reverse("document_import", args=[desk.workspace.slug])
    return client.post(url, {"file": upload, "language": "en", "import": "1"})


@pytest.mark.parametrize(
    ("front_matter", "field", "message"),
    [
        (
            "author: " + "A" * 250,
            "speaker",
            "The speaker has 250 characters; the limit is 200. Give a shorter speaker with "
            "the import, or shorten the one in the document.",
        ),
        (
            "url: https://example.org/" + "a" * 2080,
            "source_url",
            "The source URL has 2,100 characters; the limit is 2,000. Give a shorter source "
            "URL with the import, or shorten the one in the document.",
        ),
    ],
)
def test_markdown_front_matter_longer_than_its_column_is_refused_at_the_field(
    client, desk, front_matter, field, message
):
    markdown = f"---\n{front_matter}\n---\n\n# Budget\n\nPrices rose 9% in May.\n"
    upload = SimpleUploadedFile("speech.md", markdown.encode(), content_type="text/markdown")
    before = _state()
    response = _import(client, desk, upload)
    # The import page shows every refusal at its field, on the form (as for a bad file).
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert _state() == before


@pytest.mark.parametrize("lying", [False, True], ids=["honest", "lying"])
def test_docx_zip_bomb_is_refused_at_the_file_field(client, desk, lying):
    upload = SimpleUploadedFile("speech.docx", docx_bomb(lying=lying))
    before = _state()
    response = _import(client, desk, upload)
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [BOMB_MESSAGE.format(name='"speech.docx"')]}
    assert _state() == before
