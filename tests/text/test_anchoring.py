"""annotations.text.anchoring: offsets, W3C selectors and exact re-anchoring (no Django)."""

import pytest

from annotations.text.anchoring import (
    SpanError,
    check_span,
    locate_quote,
    position_selector,
    quote_selector,
)

THUMB = "👍🏽"  # two code points, both outside the BMP: four UTF-16 units
SCRIPT_X = "𝒳"  # one code point, two UTF-16 units
E_DECOMPOSED = "e\u0301"  # "é" as e + combining acute: two code points, two units
RTL = "قال الرئيس إن 316 مليون يورو"  # Arabic, right to left, all in the BMP


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- check_span -----------------------------------------------------------------------


def test_check_span_returns_span_trimmed_of_whitespace():
    text = "Belgium has sent  €316 million \n in aid."
    assert check_span(text, 11, 31) == (12, 30)
    assert text[12:30] == "sent  €316 million"


def test_check_span_keeps_a_span_without_surrounding_whitespace():
    assert check_span("NATO and Belgium", 0, 4) == (0, 4)
    assert check_span("NATO and Belgium", 9, 16) == (9, 16)


def test_check_span_trims_unicode_whitespace():
    assert check_span("\u00a0\u2003NATO\u3000", 0, 7) == (2, 6)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 3, "start must be ≥ 0"),
        (0, 17, "end is beyond the end of the text (length 16)"),
        (5, 5, "the selection is empty"),
        (6, 5, "start must not be after end"),
        (4, 9, "the selection is only whitespace"),
    ],
)
def test_check_span_refuses_with_a_clear_message(start, end, message):
    text = "NATO \t\n\u00a0 Belgium"
    assert len(text) == 16
    with pytest.raises(SpanError) as raised:
        check_span(text, start, end)
    assert str(raised.value) == message


def test_span_error_is_a_value_error():
    assert issubclass(SpanError, ValueError)


def test_check_span_counts_code_points_not_utf16_units():
    text = f"{THUMB} ok"
    assert check_span(text, 0, 5) == (0, 5)
    with pytest.raises(SpanError, match=r"length 5\)"):
        check_span(text, 0, 6)


# --- Selectors ------------------------------------------------------------------------

TEXT = "Belgium has sent €316 million in military aid. Belgium maintains nuclear weapons."


def test_quote_selector_takes_32_code_points_of_context():
    start = TEXT.index("€316")
    assert quote_selector(TEXT, start, start + 12) == {
        "type": "TextQuoteSelector",
        "exact": "€316 million",
        "prefix": "Belgium has sent ",
        "suffix": " in military aid. Belgium mainta",
    }


def test_quote_selector_at_the_start_of_the_text_has_an_empty_prefix():
    assert quote_selector(TEXT, 0, 7) == {
        "type": "TextQuoteSelector",
        "exact": "Belgium",
        "prefix": "",
        "suffix": " has sent €316 million in milita",
    }


def test_quote_selector_at_the_end_of_the_text_has_an_empty_suffix():
    end = len(TEXT)
    assert quote_selector(TEXT, end - 8, end) == {
        "type": "TextQuoteSelector",
        "exact": "weapons.",
        "prefix": " aid. Belgium maintains nuclear ",
        "suffix": "",
    }


def test_quote_selector_of_the_whole_text():
    assert quote_selector("NATO", 0, 4) == {
        "type": "TextQuoteSelector",
        "exact": "NATO",
        "prefix": "",
        "suffix": "",
    }


def test_quote_selector_counts_context_in_code_points():
    text = f"{SCRIPT_X * 40}NATO{THUMB * 20}"
    selector = quote_selector(text, 40, 44, context=3)
    assert selector["prefix"] == SCRIPT_X * 3
    assert selector["exact"] == "NATO"
    assert selector["suffix"] == f"{THUMB}{THUMB[0]}"


def test_quote_selector_refuses_a_span_outside_the_text():
    with pytest.raises(SpanError, match=r"end is beyond the end of the text \(length 4\)"):
        quote_selector("NATO", 2, 5)


def test_position_selector():
    assert position_selector(17, 29) == {"type": "TextPositionSelector", "start": 17, "end": 29}
    with pytest.raises(SpanError, match="start must be ≥ 0"):
        position_selector(-1, 3)
    with pytest.raises(SpanError, match="the selection is empty"):
        position_selector(3, 3)


# --- locate_quote ---------------------------------------------------------------------

DUPLICATES = "NATO out of Belgium, Belgium out of NATO. NATO out of Belgium!"


def test_locate_quote_finds_a_single_occurrence():
    assert locate_quote(TEXT, "€316 million") == (17, 29)


def test_locate_quote_returns_none_when_the_exact_text_is_absent():
    assert locate_quote(TEXT, "€361 million", prefix="Belgium has sent ") is None
    assert locate_quote(TEXT, "belgium has sent") is None  # case matters
    assert locate_quote(TEXT, "") is None


def test_locate_quote_without_context_takes_the_first_of_duplicates():
    assert locate_quote(DUPLICATES, "NATO out of Belgium") == (0, 19)


def test_locate_quote_uses_prefix_and_suffix_to_choose_among_duplicates():
    assert locate_quote(DUPLICATES, "NATO out of Belgium", prefix="of NATO. ") == (42, 61)
    assert locate_quote(DUPLICATES, "NATO out of Belgium", suffix="!") == (42, 61)
    assert locate_quote(DUPLICATES, "NATO out of Belgium", suffix=", Belgium") == (0, 19)


def test_locate_quote_prefers_the_occurrence_nearest_the_hint():
    assert locate_quote(DUPLICATES, "NATO", hint=30) == (36, 40)
    assert locate_quote(DUPLICATES, "NATO", hint=41) == (42, 46)
    assert locate_quote(DUPLICATES, "NATO", hint=3) == (0, 4)


def test_locate_quote_trusts_context_over_the_hint():
    assert locate_quote(DUPLICATES, "NATO", prefix="out of ", hint=0) == (36, 40)


def test_locate_quote_finds_overlapping_occurrences():
    assert locate_quote("aaaa", "aa", prefix="a", suffix="a") == (1, 3)


def test_locate_quote_round_trips_a_quote_selector_with_emoji_and_duplicates():
    text = f"{THUMB} NATO {SCRIPT_X} NATO {THUMB}! NATO"
    for start in [i for i in range(len(text)) if text.startswith("NATO", i)]:
        selector = quote_selector(text, start, start + 4, context=3)
        assert locate_quote(text, selector["exact"], selector["prefix"], selector["suffix"]) == (
            start,
            start + 4,
        )
