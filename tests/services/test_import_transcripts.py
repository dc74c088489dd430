"""Importing transcripts: every claim carries its speaker and time, labels are no claims."""

import pytest

from annotations.importers import import_file
from annotations.services import import_document, segment
from tests.factories import WorkspaceFactory
from tests.importers.samples import make_docx

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "Leaders' debate\n\n"
    "[00:00:05] MODERATOR: Good evening.\n\n"
    "[00:00:12] JANE DOE (D-NY): Taxes rose by 3 per cent last year.\n\n"
    "[00:01:02] John Smith: That is false.\n\n"
    "MODERATOR: Thank you both."
)


def test_transcript_import_gives_each_claim_its_speaker_and_time():
    result = import_document(WorkspaceFactory(), TRANSCRIPT, speaker="Broadcaster")
    stored = list(result.document.claims.values_list("text", "kind", "speaker", "spoken_at"))
    assert stored == [
        ("Leaders' debate", "heading", "Broadcaster", None),
        ("Good evening.", "sentence", "MODERATOR", 5),
        ("Taxes rose by 3 per cent last year.", "sentence", "JANE DOE (D-NY)", 12),
        ("That is false.", "sentence", "John Smith", 62),
        ("Thank you both.", "sentence", "MODERATOR", None),
    ]
    assert result.claims == 5
    text = result.document.text
    assert not any("MODERATOR" in text[c.start : c.end] for c in result.document.claims.all())


def test_preview_shows_the_speakers_an_import_stores():
    claims = segment(TRANSCRIPT)
    assert [(c.text, c.speaker, c.spoken_at) for c in claims][1:3] == [
        ("Good evening.", "MODERATOR", 5),
        ("Taxes rose by 3 per cent last year.", "JANE DOE (D-NY)", 12),
    ]


def test_text_that_is_no_transcript_gives_every_claim_the_documents_speaker():
    text = "Note: taxes rose.\n\nExample: rents rose by 5 per cent."
    result = import_document(WorkspaceFactory(), text, speaker="Minister")
    stored = set(result.document.claims.values_list("speaker", "spoken_at"))
    assert stored == {("Minister", None)}
    assert result.document.claims.filter(text__startswith="Note:").exists()


def test_word_transcript_with_bold_labels_is_recognised():
    def build(document):
        for name, words in [("ANNA", "Rents rose."), ("BEN", "They fell."), ("ANNA", "No.")]:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{name}:").bold = True
            paragraph.add_run(f" {words}")

    imported = import_file(make_docx(build, author="python-docx"), "debate.docx")
    result = import_document(WorkspaceFactory(), imported)
    assert result.document.speaker == ""
    stored = list(result.document.claims.values_list("text", "speaker"))
    assert stored == [("Rents rose.", "ANNA"), ("They fell.", "BEN"), ("No.", "ANNA")]


def _speakers(imported):
    result = import_document(WorkspaceFactory(), imported)
    return list(result.document.claims.values_list("text", "speaker", "spoken_at"))


EXPECTED = [
    ("Rents rose by 20 per cent.", "ANNA", 5),
    ("They fell.", "Ben Smith", 9),
    ("No.", "ANNA", None),
]


def test_markdown_transcript_with_bold_labels_is_recognised():
    from annotations.importers import import_text

    source = (
        "**[00:05] ANNA:** Rents rose by 20 per cent.\n\n"
        "**[00:09] Ben Smith:** They fell.\n\n"
        "**ANNA:** No."
    )
    assert _speakers(import_text(source, as_markdown=True)) == EXPECTED


def test_html_transcript_is_recognised():
    html = (
        b"<html><body><article><p><b>[00:05] ANNA:</b> Rents rose by 20 per cent.</p>"
        b"<p><b>[00:09] Ben Smith:</b> They fell.</p><p><b>ANNA:</b> No.</p>"
        b"</article></body></html>"
    )
    assert _speakers(import_file(html, "debate.html")) == EXPECTED


def test_pdf_transcript_is_recognised():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    turns = [
        "[00:05] ANNA: Rents rose by 20 per cent.",
        "[00:09] Ben Smith: They fell.",
        "ANNA: No.",
    ]
    for turn in turns:
        pdf.cell(text=turn, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    assert _speakers(import_file(bytes(pdf.output()), "debate.pdf")) == EXPECTED
