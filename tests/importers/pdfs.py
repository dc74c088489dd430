"""PDFs from three different producers for the layout tests, built on the fly:

- `word_processor_pdf`: fpdf2 placing every line, bullet glyph and text at their own
  positions, as word processors write them (the bullet apart from its text, justified
  lines with stretched spaces);
- `browser_pdf`: WeasyPrint printing HTML, as a browser's "print to PDF" does, several
  pages long with a running header, page numbers and automatic hyphenation;
- `typeset_pdf`: ReportLab's Platypus typesetting paragraphs, a bulleted list flowable and
  a numbered one, with a running footer drawn on every page.
"""

import io

from fpdf import FPDF

# The opening of a party statement, as a word processor lays it out: (x, y, style, size,
# text) for every line, in millimetres from the top left.
WORD_PROCESSOR_LINES = [
    (20, 20, "B", 16, "Defence and peace"),
    (20, 34, "", 11, "The government keeps spending on weapons while schools fall apart. In 2018"),
    (20, 40, "", 11, "Belgium"),
    (20, 46, "", 11, "ordered 34 F-35A fighter jets for 3.6 billion euros; their full cost over"),
    (20, 52, "", 11, "their lifetime is far higher, according to the Court of Audit and inde-"),
    (20, 58, "", 11, "pendent experts."),
    (20, 70, "", 11, "We must build a better world for our children!"),
    (25, 79, "", 11, "\u2022"),
    (32, 79, "", 11, "Cancel the order of the fighter jets and invest the money in schools and"),
    (32, 85, "", 11, "hospitals."),
    (25, 91, "", 11, "\u2022"),
    (32, 91, "", 11, "Leave NATO."),
    (20, 103, "", 11, "Peace is not a luxury."),
    (190, 285, "", 9, "1"),
]


def word_processor_pdf() -> bytes:
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # the core fonts' own encoding has the bullet
    pdf.set_author("Microsoft Office User")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for x, y, style, size, text in WORD_PROCESSOR_LINES:
        pdf.set_font("Helvetica", style, size)
        pdf.text(x, y, text)
    return bytes(pdf.output())


BROWSER_HTML = """<!doctype html><html lang="en"><head><style>
@page { size: A5; margin: 25mm 18mm;
  @top-center { content: "Programme 2024 \u2013 Workers' Party"; font-size: 8pt; }
  @bottom-right { content: counter(page); font-size: 8pt; } }
body { font: 10pt/1.4 serif; hyphens: auto; text-align: justify; }
h1 { font-size: 18pt; } h2 { font-size: 13pt; }
</style></head><body>
<h1>Housing for everyone</h1>
<p>{housing}</p>
<h2>What we propose</h2>
<ul><li>Rents are frozen for three years in every municipality of the country.</li>
<li>Fifty thousand public homes are built before 2030.</li></ul>
<p>{energy}</p>
<h2>Who pays</h2>
<p>{taxes}</p>
</body></html>"""

HOUSING = (
    "Rents in Brussels rose by 20 per cent between 2010 and 2020, while wages rose by "
    "barely 5 per cent. One family in four now spends more than forty per cent of its "
    "income on housing. Landlords with more than ten homes own a third of all rented "
    "property in the capital. "
) * 3
ENERGY = (
    "Insulating a home costs about 30,000 euros, which working families cannot afford "
    "without public loans at zero interest and a renovation programme that the regions "
    "organise street by street. "
) * 4
TAXES = (
    "A tax on the largest fortunes brings in eight billion euros a year. The richest one "
    "per cent pays it; the other ninety-nine per cent pay nothing more. "
) * 5


def browser_pdf() -> bytes:
    import weasyprint

    html = (
        BROWSER_HTML.replace("{housing}", HOUSING.strip())
        .replace("{energy}", ENERGY.strip())
        .replace("{taxes}", TAXES.strip())
    )
    return weasyprint.HTML(string=html).write_pdf()


TYPESET_INTRO = (
    "Our country spends 1.3 per cent of its gross domestic product on defence. The "
    "government wants to reach 2 per cent by 2035, which means 6 billion euros more every "
    "year. That money is taken from pensions, schools and public transport."
)


def typeset_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 40, "Workers' Party \u00b7 Peace programme")
        canvas.drawRightString(A4[0] - 72, 40, f"Page {document.page}")
        canvas.restoreState()

    story = [
        Paragraph("Peace programme", styles["Title"]),
        Paragraph(TYPESET_INTRO, styles["BodyText"]),
        Paragraph("Our three demands", styles["Heading2"]),
        ListFlowable(
            [
                Paragraph("No new fighter jets.", styles["BodyText"]),
                Paragraph("No Belgian troops abroad.", styles["BodyText"]),
            ],
            bulletType="bullet",
        ),
        ListFlowable(
            [
                Paragraph("Peace talks first.", styles["BodyText"]),
                Paragraph("Disarmament second.", styles["BodyText"]),
            ],
            bulletType="1",
            bulletFormat="%s.",
        ),
        PageBreak(),
        Paragraph("Where the money goes", styles["Heading2"]),
        Paragraph(TYPESET_INTRO.replace("Our country", "Belgium"), styles["BodyText"]),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, author="Jane Minister")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
