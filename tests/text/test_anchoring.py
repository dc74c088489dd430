"""annotations.text.anchoring: offsets, W3C selectors and exact re-anchoring (no Django)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text.anchoring import (
    SpanError,
    check_span,
    codepoints_to_utf16,
    locate_quote,
    position_selector,
    quote_selector,
    utf16_to_codepoints,
)

THUMB = "👍🏽"  # two code points, both outside the BMP: four UTF-16 units
SCRIPT_X = "𝒳"  # one code point, two UTF-16 units
E_DECOMPOSED = "e\u0301"  # "é" as e + combining acute: two code points, two units
RTL = "قال الرئيس إن 316 مليون يورو"  # Arabic, right to left, all in the BMP


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- UTF-16 <-> code points -----------------------------------------------------------


def test_ascii_offsets_are_the_same_in_both_units():
    assert utf16_to_codepoints("NATO", 3) == 3
    assert codepoints_to_utf16("NATO", 3) == 3


def test_emoji_with_skin_tone_counts_four_utf16_units():
    text = f"a{THUMB}b"
    assert [codepoints_to_utf16(text, i) for i in range(len(text) + 1)] == [0, 1, 3, 5, 6]
    assert [utf16_to_codepoints(text, u) for u in (0, 1, 3, 5, 6)] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("offset", [2, 4])
def test_utf16_offset_inside_an_emoji_splits_a_surrogate_pair(offset):
    with pytest.raises(ValueError, match=f"UTF-16 offset {offset} splits a surrogate pair"):
        utf16_to_codepoints(f"a{THUMB}b", offset)


def test_character_outside_the_bmp():
    text = f"x = {SCRIPT_X} + 1"
    assert codepoints_to_utf16(text, 5) == 6
    assert codepoints_to_utf16(text, len(text)) == len(text) + 1
    assert utf16_to_codepoints(text, 6) == 5
    with pytest.raises(ValueError, match="splits a surrogate pair"):
        utf16_to_codepoints(text, 5)


def test_combining_marks_are_one_unit_each():
    text = f"caf{E_DECOMPOSED} Br{E_DECOMPOSED}l"
    assert len(text) == 11
    assert [codepoints_to_utf16(text, i) for i in range(len(text) + 1)] == list(range(12))
    assert utf16_to_codepoints(text, 4) == 4  # between "e" and its accent: allowed, as in JS


def test_right_to_left_text_converts_by_logical_order():
    assert [codepoints_to_utf16(RTL, i) for i in range(len(RTL) + 1)] == list(range(len(RTL) + 1))
    text = f"{RTL} {THUMB}"
    assert codepoints_to_utf16(text, len(text)) == len(RTL) + 5


def test_raw_surrogate_code_points_count_as_utf16_units():
    text = "a\ud83d\ude00b"  # a pair kept as two code points, as some JSON decoders do
    assert codepoints_to_utf16(text, 3) == 3
    assert utf16_to_codepoints(text, 3) == 3
    with pytest.raises(ValueError, match="offset 2 splits a surrogate pair"):
        codepoints_to_utf16(text, 2)
    with pytest.raises(ValueError, match="UTF-16 offset 2 splits a surrogate pair"):
        utf16_to_codepoints(text, 2)


@pytest.mark.parametrize("offset", [-1, 7])
def test_utf16_offset_out_of_range_is_refused(offset):
    with pytest.raises(ValueError, match=rf"UTF-16 offset {offset} is outside the text \(0 to 6\)"):
        utf16_to_codepoints(f"a{THUMB}b", offset)


@pytest.mark.parametrize("offset", [-1, 5])
def test_code_point_offset_out_of_range_is_refused(offset):
    with pytest.raises(ValueError, match=rf"offset {offset} is outside the text \(0 to 4\)"):
        codepoints_to_utf16(f"a{THUMB}b", offset)


@given(text=st.text(), data=st.data())
def test_code_points_round_trip_through_utf16(text, data):
    offset = data.draw(st.integers(0, len(text)))
    units = codepoints_to_utf16(text, offset)
    assert units == utf16_length(text[:offset])
    assert utf16_to_codepoints(text, units) == offset


@given(text=st.text(), data=st.data())
def test_utf16_offsets_round_trip_or_are_refused_inside_a_pair(text, data):
    units = data.draw(st.integers(0, utf16_length(text)))
    prefix = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
    splits_pair = units > 0 and 0xD800 <= int.from_bytes(prefix[-2:], "little") <= 0xDBFF
    if splits_pair:
        with pytest.raises(ValueError, match="splits a surrogate pair"):
            utf16_to_codepoints(text, units)
    else:
        offset = utf16_to_codepoints(text, units)
        assert utf16_length(text[:offset]) == units
        assert codepoints_to_utf16(text, offset) == units


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
