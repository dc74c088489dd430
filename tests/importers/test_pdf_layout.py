"""Tests for importers.pdf_layout: the claims a reader sees in PDFs from three producers
(a word processor's line placing, a browser's print to PDF, a typesetter)."""

from fpdf import FPDF

from annotations.importers import import_file
from annotations.text import segmentation
from tests.importers import pdfs
from tests.importers.samples import make_pdf, refused


def claims(text):
    return [(text[s.start : s.end], s.kind) for s in segmentation.split(text)]


def test_word_processor_pdf_rebuilds_paragraphs_bullets_and_heading_in_place():
    imported = import_file(pdfs.word_processor_pdf(), "statement.pdf")
    assert imported.text == (
        "# Defence and peace\n\n"
        "The government keeps spending on weapons while schools fall apart. In 2018 Belgium "
        "ordered 34 F-35A fighter jets for 3.6 billion euros; their full cost over their "
        "lifetime is far higher, according to the Court of Audit and independent experts.\n\n"
        "We must build a better world for our children!\n\n"
        "- Cancel the order of the fighter jets and invest the money in schools and "
        "hospitals.\n"
        "- Leave NATO.\n\n"
        "Peace is not a luxury."
    )
    assert imported.author == ""  # "Microsoft Office User" names no one
    assert claims(imported.text) == [
        ("Defence and peace", "heading"),
        ("The government keeps spending on weapons while schools fall apart.", "sentence"),
        (
            "In 2018 Belgium ordered 34 F-35A fighter jets for 3.6 billion euros; their full "
            "cost over their lifetime is far higher, according to the Court of Audit and "
            "independent experts.",
            "sentence",
        ),
        ("We must build a better world for our children!", "sentence"),
        (
            "Cancel the order of the fighter jets and invest the money in schools and hospitals.",
            "list_item",
        ),
        ("Leave NATO.", "list_item"),
        ("Peace is not a luxury.", "sentence"),
    ]


def test_browser_pdf_drops_running_header_and_page_numbers_and_joins_hyphenation():
    text = import_file(pdfs.browser_pdf(), "programme.pdf").text
    housing = " ".join([pdfs.HOUSING.strip()])
    assert text == (
        f"# Housing for everyone\n\n{housing}\n\n"
        "## What we propose\n\n"
        "- Rents are frozen for three years in every municipality of the country.\n"
        "- Fifty thousand public homes are built before 2030.\n\n"
        f"{pdfs.ENERGY.strip()}\n\n"
        "## Who pays\n\n"
        f"{pdfs.TAXES.strip()}"
    )
    assert "Programme 2024" not in text and "\u2010" not in text
    # The energy paragraph runs across the page break and is hyphenated there
    # ("pro-", "gramme"; "Insulat-", "ing").
    assert "a renovation programme that the regions organise street by street. Insulating" in text


def test_typeset_pdf_gives_headings_bullet_and_numbered_lists_and_no_footer():
    imported = import_file(pdfs.typeset_pdf(), "peace.pdf")
    intro = pdfs.TYPESET_INTRO
    assert imported.text == (
        f"# Peace programme\n\n{intro}\n\n"
        "## Our three demands\n\n"
        "- No new fighter jets.\n"
        "- No Belgian troops abroad.\n\n"
        "1. Peace talks first.\n"
        "2. Disarmament second.\n\n"
        "## Where the money goes\n\n"
        f"{intro.replace('Our country', 'Belgium')}"
    )
    assert (imported.title, imported.author) == ("", "Jane Minister")  # "(anonymous)" dropped
    kinds = [kind for _, kind in claims(imported.text)]
    assert kinds.count("list_item") == 4 and kinds.count("heading") == 3


def _pdf_with_footer(bodies, footer):
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for body in bodies:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.text(20, 30, body)
        pdf.set_font("Helvetica", size=8)
        pdf.text(20, 287, footer)
    return bytes(pdf.output())


def test_pdf_footer_repeated_on_most_pages_is_dropped_but_body_text_is_kept():
    bodies = ["Rents rose by 20 per cent.", "Wages rose by 5 per cent.", "Prices fell."]
    text = import_file(_pdf_with_footer(bodies, "Party news"), "news.pdf").text
    assert text == "\n\n".join(bodies)


def test_pdf_footer_on_a_single_page_is_kept():
    text = import_file(_pdf_with_footer(["Only page."], "Party news"), "one.pdf").text
    assert text == "Only page.\n\nParty news"


def test_pdf_sentence_ending_short_of_the_right_edge_ends_its_paragraph():
    data = make_pdf(
        [
            [
                "A long first line that reaches well towards the right edge of the text.",
                "End.",
                "A line that ends the paragraph after a short line before it.",
            ]
        ]
    )
    assert import_file(data, "a.pdf").text == (
        "A long first line that reaches well towards the right edge of the text. End.\n\n"
        "A line that ends the paragraph after a short line before it."
    )


def test_truncated_pdf_is_refused_as_damaged():
    data = pdfs.word_processor_pdf()
    error = refused(data[: len(data) // 2], "cut.pdf")
    assert error.code == "damaged"
    assert str(error) == (
        '"cut.pdf" could not be read as a PDF; it may be damaged. '
        "Open it, save a fresh copy and upload that."
    )


def test_pdf_text_with_markup_is_stored_as_it_reads():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(text="<script>alert(1)</script> Taxes rose.")
    assert import_file(bytes(pdf.output()), "x.pdf").text == "<script>alert(1)</script> Taxes rose."


def test_pdf_transcript_turns_start_paragraphs_even_right_under_a_full_line():
    lines = [
        "MODERATOR: Good evening and welcome to the debate about the budget of the country.",
        "[00:00:12] JANE DOE (D-NY): Taxes rose by three per cent last year, and will rise",
        "again next year.",
        "JOHN ROE: That is false.",
    ]
    assert import_file(make_pdf([lines]), "debate.pdf").text == (
        "MODERATOR: Good evening and welcome to the debate about the budget of the country.\n\n"
        "[00:00:12] JANE DOE (D-NY): Taxes rose by three per cent last year, and will rise "
        "again next year.\n\n"
        "JOHN ROE: That is false."
    )
