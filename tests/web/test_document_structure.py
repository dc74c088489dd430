"""The document page for imported Word and HTML documents (headings without Markdown
marks) and for transcripts (each claim's speaker, the speaker filter, the panel)."""

import re

import pytest
from django.urls import reverse

from annotations.importers import import_file
from annotations.services import import_document
from tests.factories import WorkspaceFactory, member
from tests.importers.samples import make_docx
from tests.web.workbench import _badge_name, _marked_ids, _page

pytestmark = pytest.mark.django_db

HTML = (
    b"<html><body><article><h1>Housing plan</h1><p>Rents rose by 12 per cent.</p>"
    b"<h2>What was promised</h2><p>She promised 12,000 homes.</p>"
    b"<h3>Costs</h3><ul><li>Three billion euros.</li></ul></article></body></html>"
)


def _text_of(page):
    """The document text as the reader sees it: the text of the marked-up blocks."""
    body = page.split('class="document-text"', 1)[1]
    return "".join(re.findall(r'<span data-offset="\d+">([^<]*)</span>', body))


def _import(source, **kwargs):
    workspace = WorkspaceFactory()
    return import_document(workspace, source, **kwargs).document


def test_html_import_shows_headings_as_headings_without_markdown_marks(client):
    document = _import(import_file(HTML, "plan.html"))
    assert document.text.startswith("# Housing plan\n\n")  # the stored text keeps its marks
    client.force_login(member(document.workspace))
    page = _page(client, document)
    assert "#" not in _text_of(page)
    for tag, words in [("h2", "Housing plan"), ("h3", "What was promised"), ("h4", "Costs")]:
        assert re.search(
            rf'<{tag} class="doc-block doc-heading" id="at-\d+"><mark class="claim"[^>]*>.*?'
            rf'<span data-offset="(\d+)">{words}</span>',
            page,
        ), tag
    offset = int(re.search(r'<span data-offset="(\d+)">What was promised<', page)[1])
    assert document.text[offset : offset + 17] == "What was promised"  # offsets stay exact
    assert _marked_ids(page) == set(document.claims.values_list("pk", flat=True))


def test_word_import_shows_no_markdown_marks(client):
    def build(document):
        document.add_paragraph("Budget", style="Title")
        document.add_paragraph("Taxes fell.")
        document.add_paragraph("Details", style="Heading 2")
        document.add_paragraph("Spending rose.")

    document = _import(import_file(make_docx(build), "budget.docx"))
    client.force_login(member(document.workspace))
    text = _text_of(_page(client, document))
    assert text == "BudgetTaxes fell.DetailsSpending rose."


TRANSCRIPT = (
    "[00:00:05] MODERATOR: Good evening.\n\n"
    "[00:00:12] JANE DOE: Taxes rose by 3 per cent last year.\n\n"
    "[00:01:02] JOHN ROE: That is false.\n\n"
    "MODERATOR: Thank you both."
)


def test_transcript_page_names_each_claims_speaker_and_filters_by_it(client):
    document = _import(TRANSCRIPT, speaker="Broadcaster")
    client.force_login(member(document.workspace))
    page = _page(client, document)
    jane = document.claims.get(speaker="JANE DOE")
    assert _badge_name(page, 2) == "Claim 2 said by JANE DOE, unchecked"
    assert f'data-claim="{jane.pk}" data-start="{jane.start}"' in page
    assert '<select id="filter-speaker" name="speaker">' in page
    options = re.findall(r'<option value="([^"]*)"', page.split('id="filter-speaker"')[1])[:4]
    assert options == ["", "JANE DOE", "JOHN ROE", "MODERATOR"]
    filtered = _page(client, document, "?speaker=MODERATOR")
    moderator = set(document.claims.filter(speaker="MODERATOR").values_list("pk", flat=True))
    assert len(moderator) == 2 and _marked_ids(filtered) == moderator
    assert "Showing 2 of 4 claims." in filtered


def test_speaker_filter_is_not_offered_for_a_single_speaker_and_refuses_unknown_ones(client):
    document = _import("Taxes rose. Prices fell.", speaker="Minister")
    client.force_login(member(document.workspace))
    assert 'id="filter-speaker"' not in _page(client, document)
    # An unknown speaker is an invalid filter: the page shows every claim, unfiltered.
    page = _page(client, document, "?speaker=Nobody")
    assert _marked_ids(page) == set(document.claims.values_list("pk", flat=True))


def test_claim_panel_says_who_said_the_claim_and_when(client):
    document = _import(TRANSCRIPT)
    client.force_login(member(document.workspace))
    claim = document.claims.get(speaker="JANE DOE")
    response = client.get(reverse("document", args=[document.pk]) + f"?claim={claim.number}")
    assert "said by JANE DOE at 0:00:12" in response.content.decode()
