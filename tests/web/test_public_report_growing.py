"""The public report of a live document as it grows: an appended chunk says nothing to the
report's readers until a verdict on one of its claims is published; that verdict's event
is rendered from the grown text (its length tells the page to load the text again), and
the desk's unpublished work on the new claims stays out of the events and the page."""

import json

import pytest

from annotations.models import Annotation, Comment, Document, Event, Role, Verdict
from annotations.services.live import append_chunk, close_live_document, start_live_document
from tests.factories import AnnotationFactory, WorkspaceFactory, member, rating

pytestmark = pytest.mark.django_db

URL = "/live/reports/debate/events/"
FIRST = "JONES: Unemployment fell to 5% last year.\n"
SECOND = "SMITH: Taxes rose by 3.5% in 2023. The deficit doubled. Prices went up. And"


@pytest.fixture
def desk():
    """A live document with its first chunk, the one claim of it published, and its
    report public at /reports/debate/."""
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    document = start_live_document(workspace, title="Debate", created_by=editor)
    [claim] = append_chunk(document, FIRST, sequence=1, by=editor).claims
    Verdict.publish(approved(claim, "It rose to 7%."), editor)
    document.publish_report(editor, slug="debate")
    return workspace, editor, document, claim


def approved(claim, summary, label="False") -> Annotation:
    workspace = claim.document.workspace
    return AnnotationFactory(
        claim=claim,
        author=member(workspace),
        rating=rating(workspace, label),
        summary=summary,
        status=Annotation.Status.APPROVED,
    )


def events_after(client, after):
    response = client.get(f"{URL}?after={after}")
    assert response.status_code == 200, response.content
    return response.json()


def newest_event() -> int:
    return Event.objects.latest("pk").pk


def test_an_append_alone_gives_the_reader_nothing(client, desk):
    workspace, editor, document, first = desk
    after = newest_event()
    appended = append_chunk(document, SECOND, sequence=2, by=editor)
    assert len(appended.claims) == 3
    # The claims' events are the desk's alone: none is the report's.
    assert Event.objects.filter(pk__gt=after).count() == 3
    assert events_after(client, after) == {"events": [], "last": after}
    closed = close_live_document(document, editor)
    assert [c.text for c in closed.claims] == ["And"]
    assert events_after(client, after) == {"events": [], "last": after}


def test_a_verdict_on_a_new_claim_carries_the_grown_text_and_nothing_unpublished(client, desk):
    workspace, editor, document, first = desk
    before = client.get("/reports/debate/").content.decode()
    assert f'data-length="{len(FIRST)}"' in before
    after = newest_event()
    taxes, deficit, prices = append_chunk(document, SECOND, sequence=2, by=editor).claims
    assert [c.text for c in (taxes, deficit, prices)] == [
        "Taxes rose by 3.5% in 2023.",
        "The deficit doubled.",
        "Prices went up.",
    ]
    # On the new claims: a submitted annotation with a comment, an approved one that
    # waits for its verdict, a draft.
    colleague = member(workspace, Role.ANNOTATOR)
    submitted = Annotation.start(
        deficit, colleague, rating=rating(workspace, "True"), summary="zq-submitted"
    )
    submitted.submit(colleague)
    Comment.post(submitted, editor, "zq-comment")
    approved(prices, "zq-approved", "Half true")
    Annotation.start(taxes, colleague, rating=rating(workspace, "True"), summary="zq-draft")
    verdict = Verdict.publish(approved(taxes, "They rose by 2%.", "Mostly false"), editor)

    answer = events_after(client, after)
    assert answer["last"] == newest_event()
    [event] = answer["events"]
    assert (event["id"], event["kind"], event["claim"], event["number"]) == (
        Event.objects.get(kind="verdict.published", claim=taxes).pk,
        "verdict.published",
        taxes.pk,
        2,
    )
    # Rendered from the grown text: the page, loaded before, has another length.
    assert event["length"] == len(FIRST + SECOND) == len(Document.objects.get().text)
    assert event["text"] == {
        "start": taxes.start,
        "end": taxes.end,
        "html": (
            f'<span class="claims" data-start="{taxes.start}" data-end="{taxes.end}">'
            f'<a class="claim-number" id="text-claim-{taxes.pk}" href="#claim-{taxes.pk}">2</a>'
            '<mark class="published">Taxes rose by 3.5% in 2023.</mark></span>'
        ),
    }
    assert verdict.summary in event["entry"]
    assert f'<article class="claim" id="claim-{taxes.pk}">' in event["entry"]
    assert "Mostly false" in event["row"]
    assert "2 published verdicts." in event["counts"]
    assert "zq" not in json.dumps(event)

    page = client.get("/reports/debate/").content.decode()
    assert f'data-length="{len(FIRST + SECOND)}"' in page
    assert event["text"]["html"] in page
    assert event["entry"].strip() in page
    assert "The deficit doubled. Prices went up. And" in page
    assert "zq" not in page
    assert [page.count(f'id="claim-{c.pk}"') for c in (first, taxes, deficit, prices)] == [
        1,
        1,
        0,
        0,
    ]
