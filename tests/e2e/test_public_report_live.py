"""The public report in the browser shows a new verdict live: an editor publishes in the
workbench while an anonymous reader has the report open, and the reader's page shows the
fact-check without reloading. Served by uvicorn the page follows the stream; served by a
WSGI server it polls."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, ClaimKind, Role, Verdict
from tests.factories import AnnotationFactory, ClaimFactory, DocumentFactory, SourceFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Unemployment fell to 5% last year. We must act now. Taxes rose by 3.5%."


@pytest.fixture(params=["stream", "poll"])
def site(request, settings):
    if request.param == "stream":
        return request.getfixturevalue("asgi_server")
    # Asked for by name here, so pytest-django's helper does not allow its host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    return request.getfixturevalue("live_server")


def _desk():
    document = DocumentFactory(text=TEXT, title="Budget speech")
    claims = [
        ClaimFactory(document=document, start=s, end=e, kind=ClaimKind.SENTENCE)
        for s, e in ((0, 34), (35, 51), (52, 71))
    ]
    editor = member(document.workspace, Role.EDITOR)
    for claim, summary in zip(
        claims, ("It rose to 7%.", "Opinion.", "They rose by 2%."), strict=True
    ):
        annotation = AnnotationFactory(
            claim=claim, author=member(document.workspace), status="approved", summary=summary
        )
        SourceFactory(annotation=annotation)
    return document, claims, editor


def _follow(reader):
    reader.goto("/reports/budget/")
    expect(reader.locator("#report-live")).to_have_attribute("data-state", "live")
    reader.evaluate("window.notReloaded = true")


def test_the_public_report_shows_a_new_verdict_live(open_as):
    document, claims, editor = _desk()
    Verdict.publish(Annotation.objects.get(claim=claims[2]), editor)
    document.publish_report(editor, slug="budget")
    reader = open_as(None)
    _follow(reader)
    expect(reader.locator("article.claim")).to_have_count(1)
    editors = open_as(editor)
    editors.goto(f"/documents/{document.pk}/")
    editors.locator(f'a.claim-badge[data-claim="{claims[0].pk}"]').click()
    editors.locator("#panel").get_by_role("button", name="Publish verdict").click()
    editors.get_by_role("dialog", name="Publish this verdict?").get_by_role(
        "button", name="Publish"
    ).click()
    expect(editors.locator("#panel .panel-message")).to_have_text("Verdict published.")
    expect(reader.locator("#report-live-status")).to_have_text("New fact-check: claim 1.")
    entries = reader.locator("article.claim")
    expect(entries).to_have_count(2)
    expect(entries.first).to_have_attribute("id", f"claim-{claims[0].pk}")
    expect(entries.first).to_contain_text("It rose to 7%.")
    expect(reader.locator("#report-table tbody tr").first).to_contain_text("False")
    expect(reader.locator("#report-counts")).to_contain_text("2 published verdicts.")
    mark = reader.locator(f"#text-claim-{claims[0].pk} + mark")
    expect(mark).to_have_class("published")
    expect(mark).to_have_text(TEXT[0:34])
    # The text is whole, with the claims' numbers before them.
    expect(reader.locator(".document-text")).to_have_text(
        "1Unemployment fell to 5% last year. We must act now. 3Taxes rose by 3.5%."
    )
    assert reader.evaluate("window.notReloaded") is True
    # A reload shows the same.
    live_html = entries.first.inner_html()
    reader.reload()
    assert reader.locator("article.claim").first.inner_html() == live_html


def test_an_empty_report_fills_and_a_withdrawn_one_says_so(open_as):
    document, claims, editor = _desk()
    document.publish_report(editor, slug="budget")
    reader = open_as(None)
    _follow(reader)
    expect(reader.locator("#report-counts")).to_contain_text(
        "No verdict has been published for this document yet."
    )
    expect(reader.locator("#report-claims")).to_be_hidden()
    Verdict.publish(Annotation.objects.get(claim=claims[1]), editor)
    expect(reader.locator("#report-claims")).to_be_visible()
    expect(reader.locator(f"#claim-{claims[1].pk}")).to_contain_text("Opinion.")
    expect(reader.locator("#report-counts")).to_contain_text("1 published verdict.")
    document.withdraw_report(editor)
    expect(reader.locator("#report-live")).to_have_attribute("data-state", "closed")
    expect(reader.locator("#report-live-status")).to_have_text(
        "This report has been withdrawn: it is no longer public, and this page shows it as it was."
    )
    assert reader.evaluate("window.notReloaded") is True
