"""Every text field goes out escaped for its format: HTML, Markdown and spreadsheet
formula payloads in titles, claim text, restatements, summaries, notes, correction
notes, source titles, rating labels and the methodology."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from markdown_it import MarkdownIt

from annotations.exports import FORMATS
from annotations.exports.md import escape_markdown, safe_markdown
from annotations.models import Annotation, Event, Rating
from annotations.models.events import emit
from tests.exports.factories import correct, publish
from tests.factories import ClaimFactory, DocumentFactory, SourceFactory, WorkspaceFactory, member

pytestmark = pytest.mark.django_db

HTML = "<script>alert(1)</script>"
MD = "[x](javascript:alert(1))"
FORMULAS = ['=HYPERLINK("https://evil.example","click")', "+1", "-1", "@SUM(A1:A2)"]
PAYLOAD = f"{HTML} {MD}"


class PayloadDesk:
    pass


@pytest.fixture
def desk():
    """A published document whose every text field carries a payload."""
    from annotations.models import Role

    workspace = WorkspaceFactory(
        organisation_name=PAYLOAD, methodology=f"{PAYLOAD}\n\n[y](javascript:alert(2))"
    )
    Rating.objects.filter(scale__workspace=workspace, label="False").update(label=f"False {HTML}")
    pieces = [PAYLOAD, *FORMULAS]
    text = " ".join(pieces)
    document = DocumentFactory(
        workspace=workspace, title=PAYLOAD, speaker=PAYLOAD, text=text, report_slug="payload",
        report_published_at=timezone.now(),
    )  # fmt: skip
    d = PayloadDesk()
    d.workspace, d.document = workspace, document
    d.annotator = member(workspace, Role.ANNOTATOR, username="-annie")
    d.reviewer = member(workspace, Role.REVIEWER, first_name=HTML)
    d.editor = member(workspace, Role.EDITOR)
    start = 0
    d.claims = []
    for i, piece in enumerate(pieces):
        claim = ClaimFactory(
            document=document, start=start, end=start + len(piece), restatement=piece
        )
        start += len(piece) + 1
        summary = FORMULAS[i % len(FORMULAS)] + " " + PAYLOAD
        verdict = publish(d, claim, summary=summary, label=f"False {HTML}")
        annotation = verdict.annotation
        Annotation.objects.filter(pk=annotation.pk).update(note=f"{PAYLOAD}\n\n{MD}")
        SourceFactory(annotation=annotation, title=PAYLOAD, publisher=FORMULAS[0], position=2)
        verdict.sources = [*verdict.sources, {"url": "javascript:alert(3)", "title": PAYLOAD}]
        verdict.sources += [{"url": "https://ok.example/" + HTML, "title": FORMULAS[1]}]
        verdict.save()
        d.claims.append(claim)
    correct(d, d.claims[0], summary=PAYLOAD, note=FORMULAS[0] + PAYLOAD, label="True")
    return d


def permissive_markdown(text: str) -> str:
    """A careless CMS: raw HTML on, every link scheme accepted."""
    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True
    return renderer.render(text)


class _Tags(HTMLParser):
    """The elements and URL attributes a browser would see."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action")]


def assert_no_live_payload(html: str):
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "iframe" not in parser.tags
    for url in parser.urls:
        # Browsers ignore tabs, newlines and leading spaces in a URL's scheme.
        scheme = re.sub(r"[\x00-\x20]", "", url).split(":", 1)[0].lower()
        assert scheme not in ("javascript", "data", "vbscript"), url


def test_html_escapes_every_field(desk):
    page = FORMATS["html"].render(desk.document, desk.editor).decode()
    assert_no_live_payload(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[y](javascript:alert(2))" in page  # shown as text, not a link


def test_pdf_renders_payloads_without_fetching_anything(desk):
    assert FORMATS["pdf"].render(desk.document, desk.editor).startswith(b"%PDF-")


def test_md_escapes_plain_fields_and_defuses_markdown_links(desk):
    markdown = FORMATS["md"].render(desk.document, desk.editor).decode()
    assert (
        "# \\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(javascript:alert\\(1\\)\\)" in markdown
    )
    html = permissive_markdown(markdown)
    assert_no_live_payload(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "note",
    [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](java\tscript:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](javascript\\:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](javascript&colon;alert(1))",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x][r]\n\n[r]:\n  javascript:alert(1)",
        "<javascript:alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "<script>alert(1)</script>",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_safe_markdown_leaves_no_live_link_or_html(note):
    assert_no_live_payload(permissive_markdown(safe_markdown(note)))


def test_safe_markdown_keeps_ordinary_markdown():
    note = "See the **office** and [its table](https://stats.example.org/t).\n\n- one\n- two"
    assert safe_markdown(note) == note


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("# not a heading", "<p># not a heading</p>"),
        ("1. not a list", "<p>1. not a list</p>"),
        ("- not a list", "<p>- not a list</p>"),
        ("a *b* `c` | d", "<p>a *b* `c` | d</p>"),
        ("line\nbreak\n===", "<p>line break ===</p>"),
    ],
)
def test_escape_markdown_renders_as_the_plain_text(text, rendered):
    assert permissive_markdown(escape_markdown(text)).strip() == rendered


def test_csv_neutralises_formula_cells(desk):
    data = FORMATS["csv"].render(desk.document, desk.editor).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    text_columns = [3, 7, 8, 9, 10]
    cells = [row[i] for row in rows[1:] for i in text_columns]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    texts = [row[3] for row in rows[1:]]
    assert texts == [PAYLOAD, "'" + FORMULAS[0], "'+1", "'-1", "'@SUM(A1:A2)"]
    assert "'-annie" in [row[10] for row in rows[1:]]


@pytest.mark.parametrize("name", ["json", "claimreview", "w3c"])
def test_json_formats_carry_payloads_as_exact_strings(desk, name):
    data = FORMATS[name].render(desk.document, desk.editor).decode()
    strings = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            strings.add(value)

    walk(json.loads(data))
    assert PAYLOAD in strings


def test_the_payload_check_catches_a_live_link():
    with pytest.raises(AssertionError):
        assert_no_live_payload(permissive_markdown("[x](javascript:alert(1))"))
    with pytest.raises(AssertionError):
        assert_no_live_payload("<p><script>alert(1)</script></p>")


def test_public_page_jsonld_cannot_close_its_script_element(client, desk):
    page = client.get(f"/reports/{desk.document.report_slug}/").content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    end = page.index("</script>", start)
    body = page[start:end]
    assert "<" not in body and ">" not in body
    reviews = json.loads(body)
    assert reviews[1]["claimReviewed"] == FORMULAS[0]
    assert reviews[0]["author"]["name"] == PAYLOAD
    # The JSON-LD, and the page's live updates as a file (no inline script).
    assert page.count("<script") == 2
    live = '<script src="/static/annotations/report_live.js" defer></script>'
    assert page.count(live) == 1
    assert_no_live_payload(page[end + len("</script>") :].replace(live, ""))


def test_the_public_pages_live_events_escape_every_field(client, desk):
    for claim in desk.claims:
        verdict = claim.verdicts.get(is_current=True)
        emit(
            Event.Kind.VERDICT_PUBLISHED,
            annotation=verdict.annotation,
            actor=desk.editor,
            data=verdict.facts(),
        )
    events = client.get("/live/reports/payload/events/?after=0").json()["events"]
    assert len(events) == len(desk.claims)
    for event in events:
        for html in (event["entry"], event["row"], event["counts"], event["text"]["html"]):
            assert_no_live_payload(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in events[0]["entry"]
