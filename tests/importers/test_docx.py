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
            "- merged cell\n"
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


def build_budget_table(document):
    document.add_paragraph("Housing plan", style="Heading 1")
    document.add_paragraph("We will build homes.")
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate([("Year", "Homes"), ("2024", "12,000"), ("2025", "")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = "A boxed paragraph stays a paragraph."
    document.add_paragraph("Closing words.")


@pytest.mark.parametrize(
    "author",
    ["python-docx", "Microsoft Office User", "Normal.dotm", "LibreOffice", "Administrator"],
)
def test_docx_table_rows_are_list_items_and_program_author_is_ignored(author):
    data = make_docx(build_budget_table, author=author, last_modified_by="python-docx")
    imported = import_file(data, "plan.docx")
    assert imported.text == (
        "# Housing plan\n\nWe will build homes.\n\n"
        "- Year: 2024 · Homes: 12,000\n- Year: 2025\n\n"
        "A boxed paragraph stays a paragraph.\n\nClosing words."
    )
    assert imported.author == ""


def test_docx_table_without_header_row_joins_its_cells():
    def build(document):
        table = document.add_table(rows=2, cols=3)
        for row, cells in enumerate([("2023", "5 %", "up"), ("2024", "4 %", "")]):
            for column, text in enumerate(cells):
                table.cell(row, column).text = text

    assert import_file(make_docx(build), "t.docx").text == "- 2023 · 5 % · up\n- 2024 · 4 %"


def test_docx_table_rows_become_list_item_claims_not_headings():
    from annotations.text import segmentation

    text = import_file(make_docx(build_budget_table), "plan.docx").text
    claims = [(text[s.start : s.end], s.kind) for s in segmentation.split(text)]
    assert ("Year: 2024 · Homes: 12,000", "list_item") in claims
    assert ("Year: 2025", "list_item") in claims
    assert not any(kind == "heading" and "Year" in span for span, kind in claims)


def test_docx_author_who_is_a_person_is_kept():
    data = make_docx(build_budget_table, author="Jane Minister")
    assert import_file(data, "plan.docx").author == "Jane Minister"
