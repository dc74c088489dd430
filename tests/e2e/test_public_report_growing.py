"""The public report of a live document, open in a reader's browser while the transcript
grows: a chunk is appended, a verdict on one of its claims is published, and the page
shows the new text and the new fact-check without a reload; closing the document changes
nothing the page shows, and a verdict published after the close still arrives. Served by
uvicorn the page follows the stream; served by a WSGI server it polls."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Role, Verdict
from annotations.services.live import append_chunk, close_live_document, start_live_document
from tests.factories import AnnotationFactory, SourceFactory, WorkspaceFactory, member, rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "JONES: Unemployment fell to 5% last year.\n"
SECOND = "SMITH: Taxes rose by 3.5% in 2023. The deficit doubled. And"


@pytest.fixture(params=["stream", "poll"])
def site(request, settings):
    if request.param == "stream":
        return request.getfixturevalue("asgi_server")
    # Asked for by name here, so pytest-django's helper does not allow its host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return request.getfixturevalue("live_server")


@pytest.fixture
def desk():
    """A live document with its first chunk, the one claim of it published as "False",
    and its report public at /reports/debate/."""
    workspace = WorkspaceFactory()
    editor = member(workspace, Role.EDITOR)
    document = start_live_document(workspace, title="Debate", created_by=editor)
    [claim] = append_chunk(document, FIRST, sequence=1, by=editor).claims
    Verdict.publish(_approved(claim, "It rose to 7%."), editor)
    document.publish_report(editor, slug="debate")
    return workspace, editor, document, claim


def _approved(claim, summary, label="False") -> Annotation:
    workspace = claim.document.workspace
    annotation = AnnotationFactory(
        claim=claim,
        author=member(workspace),
        rating=rating(workspace, label),
        summary=summary,
        status=Annotation.Status.APPROVED,
    )
    SourceFactory(annotation=annotation)
    return annotation


def _follow(reader):
    reader.goto("/reports/debate/")
    expect(reader.locator("#report-live")).to_have_attribute("data-state", "live")
    reader.evaluate("window.notReloaded = true")


def test_a_growing_documents_new_text_and_verdict_reach_an_open_report(open_as, desk):
    workspace, editor, document, first = desk
    reader = open_as(None)
    _follow(reader)
    expect(reader.locator("article.claim")).to_have_count(1)
    expect(reader.locator(".document-text")).to_have_text(
        "JONES: 1Unemployment fell to 5% last year."
    )

    taxes, deficit = append_chunk(document, SECOND, sequence=2, by=editor).claims
    assert (taxes.text, deficit.text) == ("Taxes rose by 3.5% in 2023.", "The deficit doubled.")
    # Work on the other new claim that is not published stays on the desk.
    colleague = member(workspace, Role.ANNOTATOR)
    Annotation.start(
        deficit, colleague, rating=rating(workspace, "True"), summary="zq-draft"
    ).submit(colleague)
    Verdict.publish(_approved(taxes, "They rose by 2%.", "Mostly false"), editor)

    expect(reader.locator("#report-live-status")).to_have_text(
        f"New fact-check: claim {taxes.number}."
    )
    entries = reader.locator("article.claim")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_have_attribute("id", f"claim-{first.pk}")
    expect(entries.nth(1)).to_have_attribute("id", f"claim-{taxes.pk}")
    expect(reader.locator(f"#claim-{first.pk}")).to_have_count(1)
    expect(reader.locator(f"#claim-{taxes.pk}")).to_have_count(1)
    expect(reader.locator(f"#claim-{taxes.pk}")).to_contain_text("They rose by 2%.")
    expect(reader.locator(f"#claim-{first.pk}")).to_contain_text("It rose to 7%.")
    rows = reader.locator("#report-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".rating")).to_have_text("False")
    expect(rows.nth(1).locator(".rating")).to_have_text("Mostly false")
    expect(reader.locator("#report-counts")).to_contain_text("2 published verdicts.")
    # The appended text, the new claim marked in it; the held "And" is there as said.
    text = reader.locator(".document-text")
    expect(text).to_have_text(
        "JONES: 1Unemployment fell to 5% last year.\n"
        "SMITH: 2Taxes rose by 3.5% in 2023. The deficit doubled. And"
    )
    expect(text).to_have_attribute("data-length", str(len(FIRST + SECOND)))
    mark = reader.locator(f"#text-claim-{taxes.pk} + mark")
    expect(mark).to_have_class("published")
    expect(mark).to_have_text("Taxes rose by 3.5% in 2023.")
    expect(reader.locator("body")).not_to_contain_text("zq-draft")
    assert reader.evaluate("window.notReloaded") is True

    # Closed: the held word becomes a claim, the text stays; the page still shows the
    # two verdicts once each, and a verdict published now arrives as before.
    closed = close_live_document(document, editor)
    assert [c.text for c in closed.claims] == ["And"]
    Verdict.publish(_approved(deficit, "It grew by half.", "Half true"), editor)
    expect(reader.locator("#report-live-status")).to_have_text(
        f"New fact-check: claim {deficit.number}."
    )
    expect(entries).to_have_count(3)
    for claim in (first, taxes, deficit):
        expect(reader.locator(f"#claim-{claim.pk}")).to_have_count(1)
    expect(rows).to_have_count(3)
    expect(rows.locator(".rating")).to_have_text(["False", "Mostly false", "Half true"])
    expect(reader.locator("#report-counts")).to_contain_text("3 published verdicts.")
    expect(text).to_have_text(
        "JONES: 1Unemployment fell to 5% last year.\n"
        "SMITH: 2Taxes rose by 3.5% in 2023. 3The deficit doubled. And"
    )
    assert reader.evaluate("window.notReloaded") is True
    # A reload shows the same.
    live_text = reader.locator(".document-text").inner_html()
    live_entries = [entry.inner_html() for entry in entries.all()]
    reader.reload()
    assert reader.locator(".document-text").inner_html() == live_text
    assert [entry.inner_html() for entry in entries.all()] == live_entries


def test_a_late_answer_to_an_older_fetch_of_the_text_does_not_undo_a_newer_one(open_as, desk):
    """Two verdicts on new claims, each making the page load the grown text again; the
    first load answers last (held here), with the text as it stood before the second
    verdict. The page keeps the newer text."""
    workspace, editor, document, first = desk
    reader = open_as(None)
    _follow(reader)
    # Counts the answers the page has read and acted on (a task after the read, so
    # after the code awaiting it has run).
    reader.evaluate(
        """() => {
        window.textsRead = 0;
        const text = Response.prototype.text;
        Response.prototype.text = function () {
          return text.call(this).then((body) => {
            setTimeout(() => window.textsRead++, 0);
            return body;
          });
        };
      }"""
    )
    held = []

    def hold_the_first(route):
        if route.request.resource_type != "fetch" or held:
            route.continue_()
            return
        held.append((route, route.fetch()))  # answered now, handed to the page later

    reader.route(lambda url: urlsplit(url).path == "/reports/debate/", hold_the_first)
    taxes, deficit = append_chunk(document, SECOND, sequence=2, by=editor).claims
    Verdict.publish(_approved(taxes, "They rose by 2%."), editor)
    expect(reader.locator(f"#claim-{taxes.pk}")).to_have_count(1)
    for _ in range(200):
        if held:
            break
        reader.evaluate("0")  # lets Playwright hand the page's request to the route
    assert len(held) == 1
    Verdict.publish(_approved(deficit, "It grew by half.", "Half true"), editor)
    deficit_mark = reader.locator(f"#text-claim-{deficit.pk} + mark")
    expect(deficit_mark).to_have_text("The deficit doubled.")
    route, response = held[0]
    reader.wait_for_function("() => window.textsRead === 1")
    route.fulfill(response=response)
    reader.wait_for_function("() => window.textsRead === 2")
    expect(reader.locator(f"#text-claim-{taxes.pk} + mark")).to_have_class("published")
    expect(deficit_mark).to_have_class("published")
    expect(reader.locator(".document-text")).to_have_text(
        "JONES: 1Unemployment fell to 5% last year.\n"
        "SMITH: 2Taxes rose by 3.5% in 2023. 3The deficit doubled. And"
    )
