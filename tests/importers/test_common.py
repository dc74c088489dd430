"""Tests for importers.common: the stored form of every text."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.importers import normalise_text


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
