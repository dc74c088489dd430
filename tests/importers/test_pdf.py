"""Tests for importers.pdf: text layers, dehyphenation, passwords, metadata."""

import pytest
from fpdf import FPDF

from annotations.importers import ImportedText, import_file
from tests.importers.samples import make_pdf, refused


def test_pdf_lines_of_a_page_are_one_paragraph_and_pages_break_after_a_sentence():
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
        text="First line of page one. A fraction of well-Known words.\n\nPage two. Caf\u00e9.",
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


def test_aes_encrypted_pdf_with_only_an_owner_password_is_imported():
    pytest.importorskip("cryptography")  # pypdf needs it for AES; without it: refused
    from fpdf.enums import EncryptionMethod

    encryption = {"owner_password": "secret", "encryption_method": EncryptionMethod.AES_128}
    assert import_file(make_pdf([["Readable."]], encryption=encryption), "a.pdf").text == (
        "Readable."
    )
