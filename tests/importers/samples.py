"""Files made for the importer tests (Word documents, PDFs, ZIP archives) and
`refused`, which returns why a file is refused."""

import io
import zipfile

import docx
import pytest
from fpdf import FPDF

from annotations.importers import ImportRefused, import_file


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
