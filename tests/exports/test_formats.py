import csv
import io
import json

import pytest

from annotations.exports import FORMATS
from annotations.models import Verdict
from tests.exports.factories import correct, make_desk
from tests.factories import ClaimFactory, DocumentFactory, member

pytestmark = pytest.mark.django_db

PUBLIC = ["html", "pdf", "md", "claimreview"]


def text_of(name, document, user=None, **options) -> str:
    return FORMATS[name].render(document, user, **options).decode("utf-8")


def test_registry_names_the_formats_of_design_md():
    assert list(FORMATS) == ["html", "pdf", "md", "csv", "json", "claimreview", "w3c"]
    assert {name: f.streams for name, f in FORMATS.items() if f.streams} == {
        "csv": True,
        "json": True,
    }


@pytest.mark.parametrize("name", ["csv", "json"])
def test_csv_and_json_stream_as_an_iterator_of_chunks(name):
    desk = make_desk(claims=3)
    result = FORMATS[name].export(desk.document, desk.editor)
    assert not isinstance(result, bytes)
    chunks = list(result)
    assert len(chunks) >= 2
    assert all(isinstance(chunk, bytes) for chunk in chunks)


def test_html_report_has_facts_chart_text_verdicts_sources_people_and_methodology():
    desk = make_desk(claims=2)
    claim = desk.claims[0]
    page = text_of("html", desk.document)
    assert "<title>Budget speech — fact-check report</title>" in page
    assert "Jane Minister" in page and "1 March 2024" in page
    assert 'href="https://news.example.org/speech"' in page
    assert '<svg class="chart"' in page and "<rect" in page
    assert f'<article class="claim" id="claim-{claim.pk}">' in page
    assert f'href="#claim-{claim.pk}">1</a>' in page  # numbered highlight in the text
    assert '<mark class="published">Claim 0: unemployment fell by 0% last year.</mark>' in page
    assert "Unemployment rose in year 0." in page
    assert 'rel="noopener noreferrer">Labour market report</a>' in page
    assert "Checked by Alice Ant." in page and "Reviewed by Bob Rev." in page
    assert "Published by Erin Ed" in page
    assert "<strong>facts</strong>" in page  # methodology rendered from Markdown
    assert "@media print" in page


def test_html_report_is_self_contained():
    page = text_of("html", make_desk(claims=2).document)
    for external in ("<link", "<script", "<img", "@import", "url(", "<iframe"):
        assert external not in page


def test_corrections_show_with_dates_and_notes_in_public_formats():
    desk = make_desk(claims=1)
    correct(desk, desk.claims[0], summary="Corrected summary.", note="The office revised it.")
    page = text_of("html", desk.document)
    assert "Corrected summary." in page
    assert "The office revised it." in page
    assert "Earlier verdicts" in page and "Unemployment rose in year 0." in page
    markdown = text_of("md", desk.document)
    assert "*Correction (" in markdown and "The office revised it." in markdown
    assert "**Earlier verdicts**" in markdown


def test_retracted_verdict_is_listed_as_retracted_and_not_as_a_claimreview():
    desk = make_desk(claims=2)
    verdict = Verdict.objects.get(claim=desk.claims[0])
    verdict.retracted_at = verdict.published_at
    verdict.retracted_by = desk.editor
    verdict.retraction_note = "The speech was misquoted."
    verdict.save()
    page = text_of("html", desk.document)
    assert "Verdict retracted" in page and "The speech was misquoted." in page
    reviews = json.loads(text_of("claimreview", desk.document))
    assert [r["claimReviewed"] for r in reviews] == [desk.claims[1].text]


@pytest.mark.parametrize("name", ["html", "md"])
def test_a_document_without_published_verdicts_says_so(name):
    document = DocumentFactory()
    member(document.workspace)
    assert "No verdict has been published for this document yet" in text_of(name, document)


def test_pdf_of_a_document_without_verdicts_is_a_pdf():
    pdf = FORMATS["pdf"].render(DocumentFactory(), None)
    assert pdf.startswith(b"%PDF-")


def test_pdf_report_is_a_pdf_with_pages():
    pdf = FORMATS["pdf"].render(make_desk(claims=2).document, None)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > len(FORMATS["pdf"].render(DocumentFactory(), None))


def test_claimreview_of_a_document_without_verdicts_is_an_empty_list():
    assert json.loads(text_of("claimreview", DocumentFactory())) == []


def test_md_report_lists_verdicts_sources_and_methodology():
    desk = make_desk(claims=2)
    markdown = text_of("md", desk.document)
    assert markdown.startswith("# Budget speech\n")
    assert "- **Speaker:** Jane Minister" in markdown
    assert "**Verdict: False.** Unemployment rose in year 0." in markdown
    assert "- [Labour market report](<https://stats.example.org/report/" in markdown
    assert "Checked by Alice Ant. Reviewed by Bob Rev." in markdown
    assert "## Methodology\n\nWe check **facts** against [sources](https://example.org/m)." in (
        markdown
    )
    assert "| False | 2 |" in markdown


def test_include_approved_adds_approved_work_without_a_verdict():
    desk = make_desk(claims=2)
    Verdict.objects.filter(claim=desk.claims[1]).delete()
    without = text_of("html", desk.document)
    assert "Unemployment rose in year 1." not in without
    with_approved = text_of("html", desk.document, include_approved=True)
    assert "Approved, not yet published" in with_approved
    assert "Unemployment rose in year 1." in with_approved
    # ClaimReview stays published-only.
    reviews = json.loads(text_of("claimreview", desk.document, include_approved=True))
    assert len(reviews) == 1


def test_csv_has_one_row_per_claim_with_the_columns_of_the_issue():
    desk = make_desk(claims=2)
    data = FORMATS["csv"].render(desk.document, desk.editor)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "id", "start", "end", "text", "kind", "checkworthiness", "state",
        "verdict_rating", "verdict_summary", "sources", "annotators", "speaker", "spoken_at",
        "number",
    ]  # fmt: skip
    claim = desk.claims[0]
    assert len(rows) == 3
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(claim.pk)
    assert (rows[1][-1], rows[2][-1]) == ("1", "2")
    assert (row["start"], row["end"]) == (str(claim.start), str(claim.end))
    assert row["text"] == claim.text
    assert row["kind"] == "sentence" and row["checkworthiness"] == "0.9"
    assert row["state"] == "published"
    assert row["verdict_rating"] == "False"
    assert row["verdict_summary"] == "Unemployment rose in year 0."
    assert len(row["sources"].split("\n")) == 2
    assert row["annotators"] == desk.annotator.username
    assert (row["speaker"], row["spoken_at"]) == (desk.document.speaker, "")


def test_csv_reads_in_chunks_without_repeating_or_skipping_claims(monkeypatch):
    from annotations.exports import csv_export

    monkeypatch.setattr(csv_export, "CHUNK_SIZE", 2)
    desk = make_desk(claims=5)
    first = desk.claims[0]
    # Claims sharing a start with others, across chunk boundaries.
    same_start = ClaimFactory(
        document=desk.document, start=first.start, end=first.end - 1, kind="selection"
    )
    shorter = ClaimFactory(document=desk.document, start=first.start, end=first.end - 2)
    last = desk.claims[-1]
    tail = ClaimFactory(document=desk.document, start=last.start, end=last.end - 2)
    data = FORMATS["csv"].render(desk.document, desk.editor)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    expected = sorted(
        [*desk.claims, same_start, shorter, tail], key=lambda c: (c.start, c.end, c.pk)
    )
    assert [int(r[0]) for r in rows] == [c.pk for c in expected]
    states = {int(r[0]): r[6] for r in rows}
    assert states[first.pk] == "published" and states[shorter.pk] == "unchecked"


def test_json_for_an_editor_has_the_header_and_everything():
    desk = make_desk(claims=2)
    data = json.loads(FORMATS["json"].render(desk.document, desk.editor))
    assert (data["format"], data["version"], data["complete"]) == ("factcheck-document", 1, True)
    assert data["exported_by"] == desk.editor.username
    assert data["document"]["text"] == desk.document.text
    claim = data["claims"][0]
    annotation = claim["annotations"][0]
    assert annotation["author"] == desk.annotator.username
    assert annotation["rating"] == "False" and annotation["status"] == "approved"
    assert len(annotation["sources"]) == 2
    assert annotation["comments"][0]["decision"] == "approve"
    assert claim["verdicts"][0]["annotation"] == annotation["id"]
    assert claim["verdicts"][0]["published_by"] == desk.editor.username


def test_pdf_lays_out_the_reports_content_in_its_print_form(monkeypatch):
    import weasyprint

    desk = make_desk(claims=2)
    correct(desk, desk.claims[0], summary="Corrected summary.", note="The office revised it.")
    seen = []
    original = weasyprint.HTML

    def spy(*args, string, **kwargs):
        seen.append(string)
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    FORMATS["pdf"].render(desk.document, None)
    (html,) = seen
    for claim in desk.claims:
        assert f'id="claim-{claim.pk}"' in html
    assert "Corrected summary." in html and "The office revised it." in html
    assert "Unemployment rose in year 1." in html and "Earlier verdicts:" in html
    assert "Labour market report, Statistics office &lt;https://stats.example.org/" in html
    assert "Checked by Alice Ant. Reviewed by Bob Rev." in html
    assert "<mark" in html and "<strong>facts</strong>" in html
