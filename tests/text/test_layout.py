"""annotations.text.layout: the reading view's blocks and claim marks (no Django)."""

import re

from annotations.text import layout

# --- Layout (pure) -----------------------------------------------------------------------


def test_layout_renders_headings_lists_and_text_between_claims():
    text = "Title\n\nOne. Two.\n\n- first\n- second\n\nEnd"
    claims = [
        layout.MarkedClaim(1, 0, 5, "heading"),
        layout.MarkedClaim(2, 7, 11, "sentence"),
        layout.MarkedClaim(3, 20, 25, "list_item"),
        layout.MarkedClaim(4, 28, 34, "list_item"),
    ]
    html = layout.render(text, claims)
    assert html.startswith(
        '<h2 class="doc-block doc-heading" id="at-0"><mark class="claim" id="claim-1"'
    )
    assert '<ul class="doc-list"><li class="doc-block doc-list_item">' in html
    assert html.count("<li ") == 2 and "- first" not in html  # bullets become list items
    assert '<span data-offset="11"> Two.</span>' in html  # text between claims is there
    assert '<span data-offset="36">End</span>' in html


def test_layout_splits_a_selection_that_overlaps_a_sentence_into_nested_pieces():
    text = "Alpha beta gamma. Delta epsilon."
    claims = [
        layout.MarkedClaim(1, 0, 17, "sentence"),
        layout.MarkedClaim(2, 18, 32, "sentence"),
        layout.MarkedClaim(3, 11, 24, "selection"),
    ]
    html = layout.render(text, claims)
    # The selection starts inside claim 1, so it nests there, then continues beside it
    # and nests claim 2's start... every tag closes in order.
    assert html.count("<mark") == html.count("</mark>") == 5
    assert html.count('id="claim-3"') == 1 and html.count('claim-cont" data-claim="3"') == 1
    assert '<span data-offset="11">gamma.</span></mark></mark>' in html
    texts = re.findall(r'<span data-offset="(\d+)">([^<]*)</span>', html)
    assert "".join(t for _, t in texts) == "Alpha beta gamma. Delta epsilon."
    assert all(text[int(o) : int(o) + len(t)] == t for o, t in texts)


def test_layout_keeps_offsets_of_astral_characters_and_carriage_returns():
    text = "😀 Emoji first.\r\nNext 𝒳 line."
    html = layout.render(text, [layout.MarkedClaim(1, 2, 14, "sentence")])
    assert '<span data-offset="2">Emoji first.</span>' in html
    assert "&#13;" not in html  # the line break between blocks is not rendered
    html = layout.render(text, [layout.MarkedClaim(1, 2, len(text), "selection")])
    assert "Emoji first.&#13;\nNext 𝒳 line" in html


def test_layout_escapes_markup_in_the_text():
    html = layout.render("<script>alert(1)</script> & more", [])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_layout_leaves_markdown_heading_marks_out_and_gives_the_level():
    text = "# Programme\n\nWe act.\n\n## Housing\n\n### Rents\n\n\n\nEnd."
    claims = [
        layout.MarkedClaim(1, 2, 11, "heading"),
        layout.MarkedClaim(2, 13, 20, "sentence"),
        layout.MarkedClaim(3, 25, 32, "heading"),
        layout.MarkedClaim(4, 38, 43, "heading"),
        layout.MarkedClaim(5, 47, 51, "sentence"),
    ]
    html = layout.render(text, claims)
    assert "#" not in html
    assert html.startswith(
        '<h2 class="doc-block doc-heading" id="at-2"><mark class="claim" id="claim-1"'
    )
    assert '<h3 class="doc-block doc-heading" id="at-25"><mark class="claim" id="claim-3"' in html
    assert '<h4 class="doc-block doc-heading" id="at-38"><mark class="claim" id="claim-4"' in html
    texts = re.findall(r'<span data-offset="(\d+)">([^<]*)</span>', html)
    assert texts == [
        ("2", "Programme"),
        ("13", "We act."),
        ("25", "Housing"),
        ("38", "Rents"),
        ("47", "End."),
    ]


def test_layout_keeps_a_hash_that_a_heading_claim_covers():
    # A reader's selection may take in the mark: then it is text of a claim and shown.
    text = "# Title"
    html = layout.render(text, [layout.MarkedClaim(1, 0, 7, "heading")])
    assert '<span data-offset="0"># Title</span>' in html


def test_structure_keeps_headings_and_their_anchors_when_their_claims_are_not_marked():
    text = "# Programme\n\nWe act. We win."
    every = [
        layout.MarkedClaim(1, 2, 11, "heading"),
        layout.MarkedClaim(2, 13, 20, "sentence"),
        layout.MarkedClaim(3, 21, 28, "sentence"),
    ]
    shown = [every[2]]
    html = layout.render(text, shown, structure=every)
    assert html.startswith(
        '<h2 class="doc-block doc-heading" id="at-2"><span data-offset="2">Programme</span></h2>'
    )
    assert 'id="claim-1"' not in html and 'id="claim-3"' in html
    # Without the structure the heading would read as a paragraph with its "#".
    assert layout.render(text, shown).startswith('<p class="doc-block doc-paragraph">')
