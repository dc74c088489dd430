"""Tests for importers.detect: file types that are refused, and why."""

import pytest

from tests.importers.samples import make_zip, refused


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
