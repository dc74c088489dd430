"""Tests for importers.docx: Word structure, metadata and the ZIP bomb guard."""

import io
import zipfile

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from annotations.importers import ImportedText, import_file
from tests.importers.samples import make_docx, make_zip, refused


def build_speech(document):
    document.add_paragraph("Budget speech", style="Title")
    document.add_paragraph("Introduction", style="Heading 1")
    document.add_paragraph("We cut taxes by 3 per cent.")
    document.add_paragraph("Lower taxes", style="List Bullet")
    document.add_paragraph("More teachers", style="List Number")
    document.add_paragraph("")
    document.add_paragraph("Details", style="Heading 2")
    run_paragraph = document.add_paragraph("First line")
    run_paragraph.add_run().add_break()
    run_paragraph.add_run("second line")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Year"
    table.cell(0, 1).text = "Rate"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "merged cell"
    document.add_paragraph("Closing words.")


def test_docx_paragraphs_headings_lists_and_tables():
    data = make_docx(build_speech, title="Budget 2024", author="Jane Minister", language="en-GB")
    assert import_file(data, "speech.docx") == ImportedText(
        text=(
            "# Budget speech\n"
            "\n"
            "# Introduction\n"
            "\n"
            "We cut taxes by 3 per cent.\n"
            "\n"
            "- Lower taxes\n"
            "- More teachers\n"
            "\n"
            "## Details\n"
            "\n"
            "First line\n"
            "second line\n"
            "\n"
            "Year\n"
            "\n"
            "Rate\n"
            "\n"
            "merged cell\n"
            "\n"
            "Closing words."
        ),
        format="docx",
        title="Budget 2024",
        author="Jane Minister",
        language="en-GB",
    )


def test_docx_paragraph_with_numbering_is_a_list_item():
    def build(document):
        paragraph = document.add_paragraph("Numbered by direct formatting")
        numbering = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", "0"), ("w:numId", "1")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            numbering.append(element)
        paragraph._p.get_or_add_pPr().append(numbering)
        document.add_paragraph("Plain paragraph.")

    assert import_file(make_docx(build), "a.docx").text == (
        "- Numbered by direct formatting\n\nPlain paragraph."
    )


def test_docx_heading_levels_above_six_are_capped():
    def build(document):
        document.add_paragraph("Deep", style="Heading 9")

    assert import_file(make_docx(build), "a.docx").text == "###### Deep"


def test_docx_is_recognised_by_content_without_name():
    data = make_docx(lambda document: document.add_paragraph("Hello."))
    assert import_file(data).format == "docx"


def test_docx_without_text_is_refused_as_empty():
    error = refused(make_docx(lambda document: None), "blank.docx")
    assert error.code == "empty"


def test_damaged_docx_is_refused():
    data = make_zip({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<x/>"})
    error = refused(data, "broken.docx")
    assert error.code == "damaged"
    assert str(error) == (
        '"broken.docx" could not be read as a Word document; it may be damaged. '
        "Open it, save a fresh copy and upload that."
    )


@pytest.mark.parametrize("lying", [False, True], ids=["honest", "lying"])
def test_docx_zip_bomb_is_refused_whatever_its_headers_say(lying):
    from tests.zip_bombs import BOMB_MESSAGE, docx_bomb

    data = docx_bomb(20 * 2**20, lying=lying)
    assert len(data) < 100_000
    error = refused(data, "bomb.docx")
    assert (error.code, str(error)) == ("damaged", BOMB_MESSAGE.format(name='"bomb.docx"'))


def test_docx_inflating_past_the_limit_is_refused_whatever_its_headers_say(monkeypatch):
    from annotations.importers import docx as docx_importer
    from tests.zip_bombs import docx_bomb

    monkeypatch.setattr(docx_importer, "_MAX_UNZIPPED_BYTES", 2**20)
    monkeypatch.setattr(docx_importer, "_MAX_RATIO", 10**6)
    error = refused(docx_bomb(2 * 2**20, lying=True), "big.docx")
    assert (error.code, str(error)) == (
        "too_long",
        '"big.docx" unpacks to more than 1 MB, which no text document needs. Save it '
        "without embedded media and upload it again.",
    )


def test_docx_with_stored_members_is_imported():
    data = make_docx(lambda document: document.add_paragraph("Prices rose 9% in May."))
    source = zipfile.ZipFile(io.BytesIO(data))
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
    assert import_file(stored.getvalue(), "stored.docx").text == "Prices rose 9% in May."


def test_docx_custom_style_based_on_a_heading_is_a_heading():
    def build(document):
        style = document.styles.add_style("Chapter", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Heading 2"]
        document.add_paragraph("Chapter one", style="Chapter")
        document.add_paragraph("Text.")

    assert import_file(make_docx(build), "a.docx").text == "## Chapter one\n\nText."
