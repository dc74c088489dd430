"""Tests for importers.plain: text files, encodings, Markdown and front matter."""

import pytest

from annotations.importers import ImportedText, import_file
from tests.importers.samples import refused


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
