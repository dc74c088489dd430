"""The public report's live events as JSON (the page polls them where a WSGI server serves
it, or when its stream is refused): only what the public report shows, rendered as the
page renders it, for published reports only; bad input refused."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, Comment, Event, Role, Verdict
from tests.exports.factories import approved_annotation, make_desk
from tests.factories import ClaimFactory, DocumentFactory, member, rating

pytestmark = pytest.mark.django_db

URL = "/live/reports/budget/events/"


@pytest.fixture
def desk():
    """Two claims with a published verdict each, and a third claim with approved work
    waiting for its verdict; the report published at /reports/budget/."""
    desk = make_desk(claims=3)
    Verdict.objects.filter(claim=desk.claims[2]).delete()
    desk.document.publish_report(desk.editor, slug="budget")
    return desk


def waiting(desk, claim=None) -> Annotation:
    return Annotation.objects.get(claim=claim or desk.claims[2])


def events_after(client, after):
    response = client.get(f"{URL}?after={after}")
    assert response.status_code == 200, response.content
    return response.json()


def newest_event() -> int:
    return Event.objects.latest("pk").pk


def page_part(page, pattern):
    """The one piece of the public page that `pattern` (a regex) finds."""
    found = re.findall(pattern, page, flags=re.S)
    assert len(found) == 1, pattern
    return found[0]


def test_a_published_verdict_arrives_as_a_reload_of_the_page_shows_it(client, desk):
    after = newest_event()
    verdict = Verdict.publish(waiting(desk), desk.editor)
    answer = events_after(client, after)
    assert answer["last"] == newest_event()
    [event] = answer["events"]
    claim = desk.claims[2]
    assert sorted(event) == [
        "claim",
        "counts",
        "entry",
        "id",
        "kind",
        "length",
        "number",
        "row",
        "text",
    ]
    assert (event["id"], event["kind"], event["claim"], event["number"]) == (
        answer["last"],
        "verdict.published",
        claim.pk,
        claim.number,
    )
    assert event["length"] == len(desk.document.text)
    assert (event["text"]["start"], event["text"]["end"]) == (claim.start, claim.end)
    # The same partials as the page: a reload shows exactly what the event carried.
    page = client.get("/reports/budget/").content.decode()
    assert event["entry"].strip() in page
    assert event["row"].strip() in page
    assert event["text"]["html"] in page
    assert page_part(page, r'<div id="report-counts">(.*?)</div>\n') == event["counts"]
    assert f'<article class="claim" id="claim-{claim.pk}">' in event["entry"]
    assert verdict.summary in event["entry"] and "Checked by Alice Ant." in event["entry"]
    assert "3 published verdicts" in event["counts"]


def test_a_correction_and_a_retraction_show_as_the_report_prints_them(client, desk):
    claim = desk.claims[0]
    annotation = waiting(desk, claim)
    annotation.version += 1
    annotation.summary = "Unemployment rose by more."
    annotation.save()
    after = newest_event()
    corrected = Verdict.publish(annotation, desk.editor, note="The figure was revised.")
    corrected.retract(desk.editor, "The source was withdrawn.")
    events = events_after(client, after)["events"]
    assert [e["kind"] for e in events] == ["verdict.corrected", "verdict.retracted"]
    # Both rendered as the report stands now: the verdict retracted, with its note.
    for event in events:
        assert "Verdict retracted</strong>" in event["entry"]
        assert "The source was withdrawn." in event["entry"]
        assert "Earlier verdicts" in event["entry"]
        assert event["row"].count("Retracted") == 1
        assert "1 published verdict." in event["counts"]
        assert '<mark class="other">' in event["text"]["html"]


def test_the_events_carry_nothing_of_the_desks_work(client):
    desk = make_desk(claims=3, blind=True)
    Verdict.objects.filter(claim=desk.claims[2]).delete()
    desk.document.publish_report(desk.editor, slug="budget")
    first = waiting(desk, desk.claims[0])
    first.note = "zq-hidden-note"
    first.save()
    after = newest_event()
    claim = desk.claims[1]
    colleague = member(desk.workspace, Role.ANNOTATOR, username="zq-colleague")
    draft = Annotation.start(claim, colleague, rating=rating(desk.workspace), summary="zq-draft")
    draft.submit(colleague)
    Comment.post(draft, desk.reviewer, "zq-comment")
    draft.hide(desk.editor, "zq-moderation")
    claim.mark_presence(colleague, here=True)
    claim.take(colleague)
    first.hide(desk.editor, "zq-hidden")
    Verdict.publish(waiting(desk), desk.editor)
    events = events_after(client, after)["events"]
    assert [e["kind"] for e in events] == ["verdict.published"]
    assert "zq-" not in json.dumps(events)
    # A hidden annotation's note leaves the report, as on the page.
    assert "zq-hidden-note" not in client.get("/reports/budget/").content.decode()


def test_other_documents_and_unpublished_reports_give_nothing(client, desk):
    other = make_desk(claims=1, report_slug="draft")
    Verdict.objects.filter(claim=other.claims[0]).delete()
    after = newest_event()
    Verdict.publish(waiting(other, other.claims[0]), other.editor)
    assert events_after(client, after) == {"events": [], "last": after}
    for url in ("/live/reports/draft/events/?after=0", "/live/reports/nothing/events/?after=0"):
        assert client.get(url).status_code == 404


def test_a_withdrawn_report_answers_404_and_a_republished_one_reloads(client, desk):
    after = newest_event()
    desk.document.withdraw_report(desk.editor)
    Verdict.publish(waiting(desk), desk.editor)
    assert client.get(f"{URL}?after={after}").status_code == 404
    assert client.get("/live/reports/budget/").status_code == 404
    desk.document.publish_report(desk.editor, slug="budget", include_approved=True)
    events = events_after(client, after)["events"]
    assert [e["kind"] for e in events] == ["report.changed", "verdict.published", "report.changed"]
    assert events[0] == {"id": events[0]["id"], "kind": "report.changed", "url": "/reports/budget/"}


def test_a_reader_older_than_the_events_kept_loads_the_page_again(client, desk):
    Verdict.publish(waiting(desk), desk.editor)
    Event.objects.all().delete()
    ClaimFactory(document=DocumentFactory(workspace=desk.workspace)).emit_created(desk.editor)
    newest = newest_event()
    assert events_after(client, 1) == {
        "events": [{"id": 1, "kind": "report.changed", "url": "/reports/budget/"}],
        "last": 1,
    }
    assert events_after(client, newest) == {"events": [], "last": newest}


def test_without_after_it_starts_from_the_newest_event(client, desk):
    response = client.get(URL)
    assert response.json() == {"events": [], "last": newest_event()}


@pytest.mark.parametrize("bad", ["x", "-1", "1" * 30, "%00", "1.5", "<script>"])
def test_a_bad_event_id_is_refused(client, desk, bad):
    response = client.get(f"{URL}?after={bad}")
    assert (response.status_code, response.content.decode()) == (
        400,
        "after: Give a whole number from 0 to 9223372036854775807.",
    )
    response = client.get(URL, HTTP_LAST_EVENT_ID=bad)
    assert response.status_code == 400


def test_polling_costs_the_same_queries_however_many_verdicts_arrive(client, desk):
    desk.document.refresh_from_db()
    after = newest_event()
    Verdict.publish(waiting(desk), desk.editor)

    def queries(after):
        with CaptureQueriesContext(connection) as context:
            answer = events_after(client, after)
        return len(context.captured_queries), len(answer["events"])

    one = queries(after)
    for i in range(4):
        claim = ClaimFactory(document=desk.document, start=i, end=i + 5)
        annotation = approved_annotation(desk, claim, rating=rating(desk.workspace))
        Verdict.publish(annotation, desk.editor)
    assert queries(after) == (one[0], 5)
    # The report by its address (document and desk), the oldest event kept, the events;
    # the report read again as the payloads are rendered (still published?), then its
    # rows: ratings, claims, verdicts, the verdicts' notes, the people named.
    assert one == (9, 1)
    # Another reader asking for the same events just after: rendered once by the process,
    # so only the report by its address, the oldest event kept and the events.
    assert queries(after) == (3, 5)


def test_the_page_and_the_exports_show_a_verdict_as_soon_as_it_is_published(client, desk):
    summary = "Unemployment rose in year 2."  # the waiting work's, not yet published
    member_client = Client()
    member_client.force_login(desk.reviewer)
    pk = desk.document.pk

    def outputs():
        page = client.get("/reports/budget/")
        assert page["Cache-Control"] == "no-cache"  # no cache keeps it without asking
        yield "public page", page.content.decode()
        for name in ("html", "md", "claimreview"):
            for url in (
                f"/documents/{pk}/export/{name}/",
                f"/api/v1/documents/{pk}/export/{name}/",
            ):
                response = member_client.get(url)
                assert (response.status_code, response["Cache-Control"]) == (
                    200,
                    "private, no-store",
                )
                yield url, response.content.decode()

    assert [url for url, body in outputs() if summary in body] == []
    Verdict.publish(waiting(desk), desk.editor)
    assert [url for url, body in outputs() if summary not in body] == []
