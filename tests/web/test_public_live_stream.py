"""The public report's stream on a real ASGI server: anonymous readers get the report's
new verdicts and nothing of the desk's work; a withdrawn report's stream closes; a
reconnect catches up; the process holds a bounded number of public streams."""

import pytest

from annotations.models import Annotation, Comment, Event, Role, Verdict
from tests.exports.factories import make_desk
from tests.factories import member, rating
from tests.live_client import Stream

PATH = "/live/reports/budget/"


@pytest.fixture
def desk(transactional_db):
    desk = make_desk(claims=3, blind=True)
    Verdict.objects.filter(claim__in=desk.claims[1:]).delete()
    desk.document.publish_report(desk.editor, slug="budget")
    return desk


def waiting(desk, claim):
    return Annotation.objects.get(claim=claim, author=desk.annotator)


def test_an_anonymous_reader_gets_new_verdicts_and_nothing_of_the_desks_work(asgi_server, desk):
    stream = Stream(asgi_server.url, PATH)
    try:
        assert stream.status == 200
        claim = desk.claims[1]
        colleague = member(desk.workspace, Role.ANNOTATOR)
        draft = Annotation.start(claim, colleague, rating=rating(desk.workspace), summary="zq")
        draft.submit(colleague)
        Comment.post(draft, desk.reviewer, "zq-comment")
        claim.take(colleague)
        Verdict.publish(waiting(desk, claim), desk.editor)
        change = stream.next_change()
        assert (change["kind"], change["claim"], change["number"]) == (
            "verdict.published",
            claim.pk,
            claim.number,
        )
        assert change["id"] == Event.objects.latest("pk").pk
        assert "zq" not in str(change)
        assert f'<article class="claim" id="claim-{claim.pk}">' in change["entry"]
        assert "2 published verdicts." in change["counts"]
    finally:
        stream.close()


def test_a_withdrawn_reports_stream_closes(asgi_server, desk):
    stream = Stream(asgi_server.url, PATH)
    try:
        desk.document.withdraw_report(desk.editor)
        assert stream.next() == ("closed", {})
        assert stream.next() == (None, None)
    finally:
        stream.close()
    refused = Stream(asgi_server.url, PATH)
    assert refused.status == 404
    refused.close()


def test_a_reconnect_catches_up_from_its_last_event_id(asgi_server, desk):
    after = Event.objects.latest("pk").pk
    Verdict.publish(waiting(desk, desk.claims[1]), desk.editor)
    Verdict.publish(waiting(desk, desk.claims[2]), desk.editor)
    stream = Stream(asgi_server.url, PATH, last_event_id=after)
    try:
        assert [(name, data["claim"]) for name, data in stream.backlog] == [
            ("change", desk.claims[1].pk),
            ("change", desk.claims[2].pk),
        ]
    finally:
        stream.close()


def test_bad_ids_unknown_reports_and_a_full_process_are_refused(asgi_server, desk, settings):
    bad = Stream(asgi_server.url, PATH, last_event_id="x")
    assert (bad.status, bad.response.read().decode()) == (
        400,
        "after: Give a whole number from 0 to 9223372036854775807.",
    )
    bad.close()
    unknown = Stream(asgi_server.url, "/live/reports/nothing/")
    assert unknown.status == 404
    unknown.close()
    settings.LIVE_PUBLIC_STREAMS = 1
    first = Stream(asgi_server.url, PATH)
    second = Stream(asgi_server.url, PATH)
    try:
        assert first.status == 200
        assert (second.status, second.response.getheader("Retry-After")) == (503, "30")
        assert second.response.read().decode() == (
            "Too many readers follow reports on this server just now; "
            "the page checks for new verdicts every few seconds instead."
        )
    finally:
        first.close()
        second.close()
