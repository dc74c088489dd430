"""Tests for annotations.importers: every file is made here, every output asserted exactly."""

import io
import unicodedata
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

from annotations.importers import (
    ImportedText,
    ImportRefused,
    import_file,
    import_text,
    normalise_text,
)

# --- helpers ---------------------------------------------------------------------------


def refused(data, filename=None, content_type=None, **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_file(data, filename, content_type, **kwargs)
    return caught.value


def make_docx(build, **properties) -> bytes:
    document = docx.Document()
    build(document)
    for key, value in properties.items():
        setattr(document.core_properties, key, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(pages, *, title=None, author=None, lang=None, encryption=None) -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if lang:
        pdf.set_lang(lang)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.set_font("Helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- normalise_text --------------------------------------------------------------------


def test_normalise_text_turns_crlf_and_cr_into_newlines():
    assert normalise_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree"


def test_normalise_text_composes_decomposed_characters():
    assert normalise_text("Cafe\u0301 Zu\u0308rich") == "Caf\u00e9 Z\u00fcrich"


def test_normalise_text_removes_c0_and_c1_controls_but_keeps_tab_and_newline():
    text = "a\x00b\x07c\x1bd\x7fe\x80f\x9fg\th\ni"
    assert normalise_text(text) == "abcdefg\th\ni"


def test_normalise_text_turns_line_and_paragraph_separators_into_newlines():
    text = "one\u2028two\u2029three\x85four\x0bfive"
    assert normalise_text(text) == "one\ntwo\n\nthree\nfour\nfive"


def test_normalise_text_turns_form_feed_into_a_blank_line():
    assert normalise_text("page one\x0cpage two") == "page one\n\npage two"


def test_normalise_text_removes_trailing_spaces_of_lines():
    assert normalise_text("one  \t\ntwo\u00a0\n   \nthree") == "one\ntwo\n\nthree"


def test_normalise_text_keeps_at_most_two_blank_lines():
    assert normalise_text("a\n\nb\n\n\nc\n\n\n\n\n\nd") == "a\n\nb\n\n\nc\n\n\nd"


def test_normalise_text_strips_the_whole_text_but_not_inner_indentation():
    assert normalise_text("\n\n  first\n  second  \n\n") == "first\n  second"


def test_normalise_text_removes_byte_order_marks_and_replaces_lone_surrogates():
    assert normalise_text("\ufeffstart \ud800 end\ufeff") == "start \ufffd end"


@pytest.mark.parametrize(
    "text",
    [
        "a\r\n\r\n\r\n\r\nb  ",
        "e\u0301\u2029\u2029x\x00",
        "\x0c\x0c text \x0c\n\n\n\n\x85",
        " \t\u00a0\n# Heading\n\n- item\t\n",
    ],
)
def test_normalise_text_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_normalise_text_output_is_stable_and_clean(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\n\n\n\n" not in once
    assert once == once.strip()
    assert all(line == line.rstrip() for line in once.split("\n"))
    assert not any(
        unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n" for char in once
    )


# --- import_text (pasted text, JSON) ----------------------------------------------------


def test_import_text_normalises_pasted_text():
    assert import_text("Cafe\u0301\r\n\r\nSecond  ") == ImportedText(
        text="Caf\u00e9\n\nSecond", format="text"
    )


def test_import_text_converts_pasted_markdown():
    imported = import_text("# Budget\n\nWe **will** cut taxes.", as_markdown=True)
    assert imported == ImportedText(
        text="# Budget\n\nWe will cut taxes.", format="markdown", title="Budget"
    )


def test_import_text_refuses_whitespace_only_text():
    with pytest.raises(ImportRefused) as caught:
        import_text(" \n\t\u2028 ")
    assert caught.value.code == "empty"
    assert str(caught.value) == (
        "The text contains no text to import. Check that you chose the right file."
    )


def test_import_text_refuses_text_over_the_limit():
    with pytest.raises(ImportRefused) as caught:
        import_text("x" * 11, max_chars=10)
    assert str(caught.value) == (
        "The text has 11 characters; the limit is 10. "
        "Split the document into parts and import them one by one."
    )


# --- plain text ------------------------------------------------------------------------


def test_plain_utf8_text_is_imported():
    imported = import_file("Ein Satz über Straßen.\n\nNoch einer.\n".encode(), "speech.txt")
    assert imported == ImportedText(text="Ein Satz über Straßen.\n\nNoch einer.", format="text")


def test_utf8_byte_order_mark_is_dropped():
    imported = import_file(b"\xef\xbb\xbfHello.", "speech.txt")
    assert imported.text == "Hello."


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark_is_decoded(encoding):
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    data = bom + "Grüße, 世界.\r\nZweite Zeile.".encode(encoding)
    assert import_file(data, "speech.txt").text == "Grüße, 世界.\nZweite Zeile."


def test_crlf_line_endings_become_newlines():
    assert import_file(b"one\r\ntwo\r\n\r\nthree\r\n", "a.txt").text == "one\ntwo\n\nthree"


def test_decomposed_characters_in_a_file_are_composed():
    imported = import_file("Cafe\u0301".encode(), "a.txt")
    assert imported.text == "Caf\u00e9"
    assert len(imported.text) == 4


def test_c0_and_c1_controls_in_a_file_are_removed():
    data = "Start\x1b here.\u0085Next\u0090 line.".encode()
    assert import_file(data, "a.txt").text == "Start here.\nNext line."


def test_text_is_sniffed_when_neither_name_nor_type_is_given():
    assert import_file(b"Just words.") == ImportedText(text="Just words.", format="text")


def test_content_type_decides_when_there_is_no_file_name():
    imported = import_file(b"# Not a heading in plain text", None, "text/plain; charset=utf-8")
    assert imported.format == "text"
    assert imported.text == "# Not a heading in plain text"


def test_declared_charset_is_honoured():
    imported = import_file("Café".encode("latin-1"), "a.txt", "text/plain; charset=ISO-8859-1")
    assert imported.text == "Café"


def test_extension_wins_over_a_generic_content_type():
    imported = import_file(b"# Title\n\nText.", "notes.md", "application/octet-stream")
    assert imported.format == "markdown"


def test_a_stray_nul_in_otherwise_valid_text_is_removed():
    data = b"The minister said\x00 that taxes fell by 3 per cent last year."
    imported = import_file(data, "speech.txt")
    assert imported.text == "The minister said that taxes fell by 3 per cent last year."


def test_text_with_many_nuls_is_refused_as_binary():
    error = refused(b"ab\x00\x00cd\x00\x00" * 20, "speech.txt")
    assert error.code == "binary"
    assert str(error) == (
        '"speech.txt" looks like a binary file, not text. Upload plain text (.txt), '
        "Markdown (.md), HTML (.html), Word (.docx) or PDF (.pdf)."
    )


def test_undecodable_binary_data_is_refused_as_binary():
    error = refused(bytes(range(256)) * 4, "data.txt")
    assert error.code == "binary"


def test_latin1_text_is_refused_with_advice_to_save_as_utf8():
    error = refused("Zürich ist schön.".encode("latin-1"), "speech.txt")
    assert error.code == "encoding"
    assert str(error) == (
        '"speech.txt" is not UTF-8 text (byte 1 cannot be read; it may be in an older '
        "encoding such as Windows-1252). Save it as UTF-8 and upload it again."
    )


def test_utf16_without_byte_order_mark_is_refused():
    error = refused("Hello world, no BOM here.".encode("utf-16-le"), "speech.txt")
    assert error.code == "encoding"
    assert str(error) == (
        '"speech.txt" looks like UTF-16 text without a byte-order mark. '
        "Save it as UTF-8 and upload it again."
    )


def test_broken_utf16_is_refused():
    error = refused(b"\xff\xfeA\x00\x00\xd8", "speech.txt")  # a lone high surrogate
    assert error.code == "encoding"
    assert str(error) == (
        '"speech.txt" is not valid UTF-16-LE text (byte 2 cannot be read). '
        "Save it as UTF-8 and upload it again."
    )


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"])
def test_empty_or_whitespace_file_is_refused(data):
    error = refused(data, "speech.txt")
    assert error.code == "empty"
    assert str(error) == '"speech.txt" is empty. Choose the file that holds the document.'


def test_file_with_only_a_byte_order_mark_is_refused_as_empty():
    error = refused(b"\xef\xbb\xbf \n", "speech.txt")
    assert error.code == "empty"
    assert str(error) == (
        '"speech.txt" contains no text to import. Check that you chose the right file.'
    )


def test_text_over_the_limit_is_refused_with_limit_and_size():
    error = refused(b"x" * 2_500_001, "big.txt")
    assert error.code == "too_long"
    assert str(error) == (
        '"big.txt" has 2,500,001 characters; the limit is 2,000,000. '
        "Split the document into parts and import them one by one."
    )


def test_limit_counts_the_normalised_text():
    assert import_file(b"abc\r\n\r\n   ", "a.txt", max_chars=3).text == "abc"


# --- refused file types ----------------------------------------------------------------


def test_png_is_refused_even_when_named_txt():
    error = refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "speech.txt")
    assert error.code == "binary"
    assert str(error) == (
        '"speech.txt" is a PNG image, not a text document. '
        "To import a scan, run OCR first and upload the resulting PDF or text."
    )


def test_zip_that_is_not_docx_is_refused():
    error = refused(make_zip({"notes.txt": b"hello"}), "archive.zip")
    assert error.code == "binary"
    assert str(error) == (
        '"archive.zip" is a ZIP archive but not a Word document (.docx). Open it in a word '
        "processor, save it as .docx or PDF and upload that."
    )


def test_opendocument_file_is_refused_with_advice_to_save_as_docx():
    data = make_zip({"mimetype": b"application/vnd.oasis.opendocument.text"})
    error = refused(data, "speech.odt")
    assert str(error) == (
        '"speech.odt" is an OpenDocument file. Open it in a word processor, save it as '
        ".docx or PDF and upload that."
    )


def test_old_word_file_is_refused_with_advice_to_save_as_docx():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "speech.doc")
    assert str(error) == (
        '"speech.doc" is an old-style Office file (.doc), not a text document. '
        "Open it in a word processor, save it as .docx or PDF and upload that."
    )


def test_unknown_extension_is_refused():
    error = refused(b"a,b\n1,2\n", "table.csv")
    assert error.code == "unsupported"
    assert str(error) == (
        '"table.csv" has a file type that cannot be imported (.csv). Upload plain text '
        "(.txt), Markdown (.md), HTML (.html), Word (.docx) or PDF (.pdf)."
    )


def test_unknown_content_type_without_name_is_refused():
    error = refused(b'{"a": 1}', None, "application/json")
    assert error.code == "unsupported"
    assert str(error) == (
        "The file has a file type that cannot be imported (application/json). Upload plain "
        "text (.txt), Markdown (.md), HTML (.html), Word (.docx) or PDF (.pdf)."
    )


@pytest.mark.parametrize(
    ("filename", "label"), [("speech.docx", "Word (.docx)"), ("speech.pdf", "PDF")]
)
def test_text_named_like_docx_or_pdf_is_refused_as_damaged(filename, label):
    error = refused(b"plain words", filename)
    assert error.code == "damaged"
    assert str(error) == (
        f'"{filename}" is not a {label} file, whatever its name says; it may be damaged. '
        "Open it, save a fresh copy and upload that."
    )


def test_file_name_in_messages_drops_the_path():
    error = refused(b"", "C:\\Users\\me\\speech.txt")
    assert str(error) == '"speech.txt" is empty. Choose the file that holds the document.'


# --- Markdown --------------------------------------------------------------------------

MARKDOWN = """\
# Budget speech

We **cut** taxes by *3 %* — see [the table](https://example.org/t) ![chart](c.png).
Wrapped line `inline code`.

Second heading
--------------

- first point
- second point with **bold**
  - nested point

3. third
4. fourth

> A quoted
> claim.

```python
# not a heading
x = 1
```

| Year | Rate |
|------|------|
| 2023 | 5 %  |

<div>Raw <b>html</b><script>alert(1)</script></div>

---

Last paragraph\\
after a hard break.
"""


def test_markdown_keeps_structure_and_drops_inline_markup():
    imported = import_file(MARKDOWN.encode(), "speech.md")
    assert imported.text == (
        "# Budget speech\n"
        "\n"
        "We cut taxes by 3 % — see the table . Wrapped line inline code.\n"
        "\n"
        "## Second heading\n"
        "\n"
        "- first point\n"
        "- second point with bold\n"
        "- nested point\n"
        "\n"
        "3. third\n"
        "4. fourth\n"
        "\n"
        "A quoted claim.\n"
        "\n"
        "```python\n"
        "# not a heading\n"
        "x = 1\n"
        "```\n"
        "\n"
        "Year\n"
        "\n"
        "Rate\n"
        "\n"
        "2023\n"
        "\n"
        "5 %\n"
        "\n"
        "Raw html\n"
        "\n"
        "Last paragraph\n"
        "after a hard break."
    )
    assert imported.format == "markdown"
    assert imported.title == "Budget speech"


def test_markdown_title_is_the_first_level_one_heading():
    imported = import_file(b"## Intro\n\nText.\n\n# Real title\n", "a.md")
    assert imported.title == "Real title"


def test_markdown_without_level_one_heading_has_no_title():
    assert import_file(b"## Intro\n\nText.", "a.md").title == ""


def test_markdown_front_matter_gives_metadata_and_is_not_text():
    data = (
        b"---\n"
        b'title: "Budget speech 2024"\n'
        b"author: Jane Minister\n"
        b"date: 2024-03-05\n"
        b"lang: de\n"
        b"url: https://example.org/speech\n"
        b"---\n"
        b"# Heading\n\nText."
    )
    assert import_file(data, "a.md", "text/markdown") == ImportedText(
        text="# Heading\n\nText.",
        format="markdown",
        title="Budget speech 2024",
        author="Jane Minister",
        published="2024-03-05",
        language="de",
        source_url="https://example.org/speech",
    )


def test_markdown_indented_code_is_kept_verbatim():
    assert import_file(b"Text:\n\n    - not a list\n", "a.md").text == "Text:\n\n    - not a list"


# --- HTML ------------------------------------------------------------------------------

ARTICLE = """\
<!DOCTYPE html>
<html lang="de-CH">
<head>
  <meta charset="utf-8">
  <title>Budget speech | Example News</title>
  <meta property="og:title" content="The budget speech">
  <meta name="author" content="Jane Reporter">
  <meta property="article:published_time" content="2024-03-05T10:00:00Z">
  <link rel="canonical" href="https://news.example.org/budget">
  <style>p { color: red } .secret-style {}</style>
  <script>var secretScript = "never show";</script>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
  <article>
    <h1>Budget speech</h1>
    <p>The minister said that <b>taxes</b> fell by <a href="/x">three per cent</a>.</p>
    <h2>Promises</h2>
    <ul><li>Lower taxes</li><li>More teachers</li></ul>
    <ol><li>First step</li><li>Second step</li></ol>
    <p>Unemployment was 5 per cent in 2023.<br>It fell in 2024.</p>
    <script>document.write("injected script text");</script>
  </article>
  <footer>Copyright 2024 Example News</footer>
</body>
</html>
"""


def test_html_main_content_keeps_headings_lists_and_paragraphs():
    imported = import_file(ARTICLE.encode(), "article.html")
    assert imported.text == (
        "# Budget speech\n"
        "\n"
        "The minister said that taxes fell by three per cent.\n"
        "\n"
        "## Promises\n"
        "\n"
        "- Lower taxes\n"
        "- More teachers\n"
        "\n"
        "1. First step\n"
        "2. Second step\n"
        "\n"
        "Unemployment was 5 per cent in 2023.\n"
        "It fell in 2024."
    )


def test_html_scripts_styles_and_navigation_never_appear():
    text = import_file(ARTICLE.encode(), "article.html").text
    for fragment in ("secret", "never show", "injected", "color", "Home", "About us"):
        assert fragment not in text


def test_html_metadata_is_extracted():
    imported = import_file(ARTICLE.encode(), "article.html")
    assert imported.format == "html"
    assert imported.title == "The budget speech"
    assert imported.author == "Jane Reporter"
    assert imported.published == "2024-03-05"
    assert imported.language == "de-CH"
    assert imported.source_url == "https://news.example.org/budget"


def test_html_title_falls_back_to_the_title_element():
    html = b"<html><head><title>Plain title</title></head><body><p>Words.</p></body></html>"
    imported = import_file(html, "a.html")
    assert (imported.title, imported.text) == ("Plain title", "Words.")


def test_html_is_sniffed_without_name_or_type():
    html = b"<!doctype html><html><body><h2>Head</h2><p>Body text.</p></body></html>"
    imported = import_file(html)
    assert (imported.format, imported.text) == ("html", "## Head\n\nBody text.")


def test_html_fragment_without_html_element_is_imported():
    imported = import_file(b"<p>First.</p><p>Second.</p>", None, "text/html")
    assert imported.text == "First.\n\nSecond."


def test_xhtml_with_xml_declaration_is_imported():
    html = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        b"<body><p>Body text here.</p></body></html>"
    )
    assert import_file(html, "a.xhtml").text == "Body text here."


def test_html_meta_charset_is_honoured():
    html = (
        '<html><head><meta charset="windows-1252"></head><body><p>Café “quoted”.</p></body></html>'
    )
    assert import_file(html.encode("cp1252"), "a.html").text == "Café “quoted”."


def test_html_table_cells_become_paragraphs():
    html = (
        b"<html><body><p>Rates:</p><table><tr><td>2023</td><td>5 %</td></tr>"
        b"<tr><td>2024</td><td>4 %</td></tr></table></body></html>"
    )
    assert import_file(html, "a.html").text == "Rates:\n\n2023\n\n5 %\n\n2024\n\n4 %"


def test_html_with_only_scripts_is_refused_as_empty():
    html = b"<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>"
    error = refused(html, "page.html")
    assert error.code == "empty"
    assert str(error) == (
        '"page.html" contains no text to import (scripts, menus and page furniture are left '
        "out). Check that you chose the right file."
    )


# --- DOCX ------------------------------------------------------------------------------


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


# --- PDF -------------------------------------------------------------------------------


def test_pdf_pages_are_joined_with_a_blank_line_and_dehyphenated():
    data = make_pdf(
        [
            ["First line of page one.", "A frac-", "tion of well-", "Known words."],
            ["Page two. Caf\u00e9."],
        ],
        title="Budget speech",
        author="Jane Minister",
        lang="en-GB",
    )
    assert import_file(data, "speech.pdf") == ImportedText(
        text=("First line of page one.\nA fraction of well-\nKnown words.\n\nPage two. Caf\u00e9."),
        format="pdf",
        title="Budget speech",
        author="Jane Minister",
        language="en-GB",
    )


def test_pdf_is_recognised_by_content_whatever_its_name():
    data = make_pdf([["Hello."]])
    imported = import_file(data, "upload.bin", "application/octet-stream")
    assert (imported.format, imported.text) == ("pdf", "Hello.")


def test_pdf_title_that_is_a_file_name_is_ignored():
    data = make_pdf([["Hello."]], title="Microsoft Word - draft3.docx")
    assert import_file(data, "a.pdf").title == ""


def test_pdf_without_text_layer_is_refused_with_advice_to_run_ocr():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    error = refused(bytes(pdf.output()), "scan.pdf")
    assert error.code == "no_text_layer"
    assert str(error) == (
        '"scan.pdf" has no text layer; run OCR first (for example with OCRmyPDF or your '
        "scanner's software) and upload the resulting PDF."
    )


def test_pdf_with_only_an_owner_password_is_imported():
    data = make_pdf([["Readable."]], encryption={"owner_password": "secret"})
    assert import_file(data, "a.pdf").text == "Readable."


def test_pdf_with_a_user_password_is_refused():
    data = make_pdf([["Hidden."]], encryption={"owner_password": "o", "user_password": "u"})
    error = refused(data, "locked.pdf")
    assert error.code == "encrypted"
    assert str(error) == (
        '"locked.pdf" is protected by a password. Open it, save a copy without the password '
        "(for example by printing to PDF) and upload that."
    )


def test_damaged_pdf_is_refused():
    error = refused(b"%PDF-1.7\n" + b"garbage " * 50, "broken.pdf")
    assert error.code == "damaged"
    assert str(error) == (
        '"broken.pdf" could not be read as a PDF; it may be damaged. '
        "Open it, save a fresh copy and upload that."
    )


def test_html_without_article_element_keeps_headings_and_lists():
    html = (
        b"<html><head><title>Doc</title><style>.c1{}</style></head><body class='c5'>"
        b"<p>Budget</p><h1>Intro</h1><p>Para one.</p><h2>Sub</h2>"
        b"<ul><li>a</li><li>b</li></ul><p>Para two.</p></body></html>"
    )
    imported = import_file(html, "export.html")
    assert imported.text == "Budget\n\n# Intro\n\nPara one.\n\n## Sub\n\n- a\n- b\n\nPara two."


def test_html_page_without_article_element_drops_navigation_and_sidebar():
    html = b"""<html><body>
    <header><div class="logo">Site</div><nav><a href="/">Home</a> <a href="/b">Blog</a></nav>
    </header>
    <div id="sidebar"><h3>Related</h3><ul><li><a href="/1">Link one</a></li>
    <li><a href="/2">Link two</a></li></ul></div>
    <div id="content"><h1>Headline</h1><p>Main text is here.</p>
    <h2>Section</h2><p>More main text.</p></div>
    <div class="cookie">We use cookies. <a href="/c">Accept</a></div>
    <footer>(c) Site</footer></body></html>"""
    imported = import_file(html, "page.html")
    assert imported.text == "# Headline\n\nMain text is here.\n\n## Section\n\nMore main text."


def test_docx_custom_style_based_on_a_heading_is_a_heading():
    def build(document):
        style = document.styles.add_style("Chapter", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Heading 2"]
        document.add_paragraph("Chapter one", style="Chapter")
        document.add_paragraph("Text.")

    assert import_file(make_docx(build), "a.docx").text == "## Chapter one\n\nText."


def test_html_nested_lists_quotes_and_preformatted_code():
    html = b"""<html><body><article><h1>T</h1><p>This paragraph
       wraps   over lines.</p>
    <ul><li>outer<ul><li>inner one</li><li>inner two</li></ul></li><li>second<br>line</li></ul>
    <blockquote><p>Quote one.</p><p>Quote two.</p></blockquote>
    <pre># not a heading
      indented</pre>
    <p>After.</p></article></body></html>"""
    assert import_file(html, "a.html").text == (
        "# T\n"
        "\n"
        "This paragraph wraps over lines.\n"
        "\n"
        "- outer\n"
        "- inner one\n"
        "- inner two\n"
        "- second line\n"
        "\n"
        "Quote one.\n"
        "\n"
        "Quote two.\n"
        "\n"
        "```\n"
        "# not a heading\n"
        "      indented\n"
        "```\n"
        "\n"
        "After."
    )


def test_meta_charset_is_ignored_outside_html():
    data = '<meta charset="latin-1"> Grüße'.encode()
    assert import_file(data, "notes.txt").text == '<meta charset="latin-1"> Grüße'


def test_declared_charset_that_is_no_text_encoding_is_ignored():
    assert import_file(b"Hello.", "a.txt", "text/plain; charset=base64").text == "Hello."


def test_bytes_that_do_not_fit_the_declared_charset_are_refused():
    error = refused(b"\xff\xff", "a.txt", "text/plain; charset=utf-8")
    assert error.code == "encoding"
    assert str(error) == (
        '"a.txt" is not valid UTF-8 text (byte 0 cannot be read). '
        "Save it as UTF-8 and upload it again."
    )


def test_aes_encrypted_pdf_with_only_an_owner_password_is_imported():
    pytest.importorskip("cryptography")  # pypdf needs it for AES; without it: refused
    from fpdf.enums import EncryptionMethod

    encryption = {"owner_password": "secret", "encryption_method": EncryptionMethod.AES_128}
    assert import_file(make_pdf([["Readable."]], encryption=encryption), "a.pdf").text == (
        "Readable."
    )
