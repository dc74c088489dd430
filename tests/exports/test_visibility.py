"""Hidden work appears in no export but an editor's json; blind workspaces hold for an
annotator's member exports; permissions.Viewer answers as permissions.can does."""

import csv
import io
import json

import pytest
from django.utils import timezone

from annotations.exports import FORMATS
from annotations.exports.loading import member_claims
from annotations.models import Annotation, Comment, Event, Role, Source
from annotations.models.events import emit
from annotations.permissions import can, viewer_for
from tests.exports.factories import HIDDEN, approved_annotation, make_desk
from tests.factories import AnnotationFactory, CommentFactory, FlagFactory, SourceFactory, member

pytestmark = pytest.mark.django_db


def hide_things(desk):
    """Hidden work on every claim: a hidden approved annotation with a hidden comment and a
    source, a hidden comment under visible work, and the verdict's annotation hidden
    later (its note must go; the published snapshot stays)."""
    colleague = member(desk.workspace, Role.ANNOTATOR, username="hidden-hal")
    for claim in desk.claims:
        hidden = approved_annotation(
            desk, claim, author=colleague, summary=f"{HIDDEN} summary", note=f"{HIDDEN} note"
        )
        SourceFactory(annotation=hidden, title=f"{HIDDEN} source", url="https://hidden.example/x")
        CommentFactory(annotation=hidden, author=desk.reviewer, body=f"{HIDDEN} comment")
        FlagFactory(annotation=hidden, reporter=desk.reviewer, reason=f"{HIDDEN} flag")
        Annotation.objects.filter(pk=hidden.pk).update(hidden=True)
        visible = claim.annotations.get(author=desk.annotator)
        CommentFactory(annotation=visible, author=desk.reviewer, body=f"{HIDDEN} c2", hidden=True)
    verdict_annotation = desk.claims[0].annotations.get(author=desk.annotator)
    Annotation.objects.filter(pk=verdict_annotation.pk).update(note=f"{HIDDEN} later", hidden=True)


def every_output(desk, user, client):
    for name in FORMATS:
        for include_approved in (False, True):
            yield name, FORMATS[name].render(desk.document, user, include_approved=include_approved)
    client.force_login(user)
    for name in FORMATS:
        if name == "pdf":
            continue  # made by a job; the pdf is the html's text, checked above
        url = f"/documents/{desk.document.pk}/export/{name}/?include_approved=1"
        response = client.get(url)
        assert response.status_code == 200
        body = response.content if not response.streaming else b"".join(response.streaming_content)
        yield f"download {name}", body
    desk.document.report_slug = "leak"
    desk.document.report_published_at = timezone.now()
    desk.document.report_include_approved = True
    desk.document.save()
    client.logout()
    yield "public page", client.get("/reports/leak/").content
    for claim in desk.claims:  # the verdicts as the public page's live updates carry them
        verdict = claim.verdicts.get()
        kind, annotation = Event.Kind.VERDICT_PUBLISHED, verdict.annotation
        emit(kind, annotation=annotation, actor=desk.editor, data=verdict.facts())
    events = client.get("/live/reports/leak/events/?after=0")
    assert len(events.json()["events"]) == len(desk.claims)
    yield "public live events", events.content


@pytest.mark.parametrize("role", ["annotator", "reviewer", "editor"])
def test_hidden_work_appears_in_no_export_but_an_editors_json(role, client):
    desk = make_desk(claims=2)
    hide_things(desk)
    user = {"annotator": desk.annotator, "reviewer": desk.reviewer, "editor": desk.editor}[role]
    for name, output in every_output(desk, user, client):
        if role == "editor" and name in ("json", "download json"):
            continue
        if name == "pdf" or name == "download pdf":
            continue  # compressed; it is the html's text, checked above
        # Not even the annotator's own hidden annotation (DESIGN.md: hidden items
        # vanish for everyone but editors).
        assert HIDDEN.encode() not in output, name
        assert b"hidden-hal" not in output, name
        assert b"hidden.example" not in output, name


def test_pdf_is_made_from_the_html_that_hides_hidden_work(monkeypatch):
    desk = make_desk(claims=2)
    hide_things(desk)
    seen = []
    import weasyprint

    original = weasyprint.HTML

    def spy(*args, string, **kwargs):
        seen.append(string)
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    for include_approved in (False, True):
        FORMATS["pdf"].render(desk.document, None, include_approved=include_approved)
    assert len(seen) == 2 and all(HIDDEN not in html for html in seen)


def test_editors_json_carries_hidden_items_marked_hidden():
    desk = make_desk(claims=2)
    hide_things(desk)
    data = json.loads(FORMATS["json"].render(desk.document, desk.editor))
    annotations = [a for c in data["claims"] for a in c["annotations"]]
    hidden = [a for a in annotations if a["hidden"]]
    assert len(hidden) == 3  # hal's two and the verdict's annotation
    assert {a["summary"] for a in hidden} >= {f"{HIDDEN} summary"}
    comments = [c for a in annotations for c in a["comments"]]
    assert {c["body"] for c in comments if c["hidden"]} == {f"{HIDDEN} c2"}
    assert any(f["reason"] == f"{HIDDEN} flag" for a in hidden for f in a["flags"])


def test_system_export_without_user_is_the_editors_view():
    desk = make_desk(claims=1)
    hide_things(desk)
    assert HIDDEN.encode() in FORMATS["json"].render(desk.document, None)


def blind_desk():
    desk = make_desk(claims=2, blind=True)
    colleague = member(desk.workspace, Role.ANNOTATOR, username="colleague-cal")
    for claim in desk.claims:
        AnnotationFactory(
            claim=claim, author=colleague, summary="COLLEAGUE-WORK",
            status=Annotation.Status.SUBMITTED,
        )  # fmt: skip
    # The desk's annotator has approved work on both claims; a new one has none.
    newcomer = member(desk.workspace, Role.ANNOTATOR, username="new-nina")
    return desk, newcomer


@pytest.mark.parametrize("name", ["csv", "json", "w3c"])
def test_blind_workspace_hides_colleagues_work_until_the_annotator_submits(name):
    desk, newcomer = blind_desk()
    output = FORMATS[name].render(desk.document, newcomer)
    assert b"COLLEAGUE-WORK" not in output and b"colleague-cal" not in output
    assert (
        desk.annotator.username.encode() not in output.replace(b"checked_by", b"") or name == "json"
    )
    # A draft is not enough; submitting on the first claim opens that claim only.
    own = AnnotationFactory(claim=desk.claims[0], author=newcomer, summary="NINA")
    assert b"COLLEAGUE-WORK" not in FORMATS[name].render(desk.document, newcomer)
    Annotation.objects.filter(pk=own.pk).update(status=Annotation.Status.SUBMITTED)
    output = FORMATS[name].render(desk.document, newcomer)
    assert output.count(b"COLLEAGUE-WORK") == (0 if name == "csv" else 1)
    assert b"colleague-cal" in output


def test_blind_csv_rows_list_only_visible_annotators():
    desk, newcomer = blind_desk()
    AnnotationFactory(claim=desk.claims[0], author=newcomer, status=Annotation.Status.SUBMITTED)
    data = FORMATS["csv"].render(desk.document, newcomer).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][10].split("\n") == [desk.annotator.username, "colleague-cal", "new-nina"]
    assert rows[2][10] == ""


def test_blind_workspace_does_not_hide_from_reviewers():
    desk, _ = blind_desk()
    assert b"COLLEAGUE-WORK" in FORMATS["json"].render(desk.document, desk.reviewer)


def test_viewer_agrees_with_can_for_every_annotation_and_comment():
    desk, newcomer = blind_desk()
    hide_things(desk)
    AnnotationFactory(claim=desk.claims[0], author=newcomer, status=Annotation.Status.SUBMITTED)
    users = [desk.annotator, desk.reviewer, desk.editor, newcomer]
    claims = list(member_claims(desk.document))
    for user in users:
        viewer = viewer_for(user, desk.document)
        for claim in claims:
            for annotation in claim.annotations.all():
                fresh = Annotation.objects.get(pk=annotation.pk)
                assert viewer.sees_annotation(annotation) == can(user, "document.read", fresh)
                for comment in annotation.comments.all():
                    expected = can(user, "document.read", Comment.objects.get(pk=comment.pk))
                    assert (
                        viewer.sees_annotation(annotation) and viewer.sees_comment(comment)
                    ) == expected
                for source in annotation.sources.all():
                    expected = can(user, "document.read", Source.objects.get(pk=source.pk))
                    assert viewer.sees_annotation(annotation) == expected


def test_non_member_may_not_export_member_formats():
    from annotations.models import NotVisible
    from tests.factories import UserFactory

    desk = make_desk(claims=1)
    for name in ("csv", "json", "w3c"):
        with pytest.raises(NotVisible):
            FORMATS[name].export(desk.document, UserFactory())
