"""Matching's folding of text: case, accents, punctuation, numbers in words (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.matching import (
    normalise,
)
from tests.matching.common import BACKED

# --- normalise: pure ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("One hundred and fourteen countries", "114 countries"),
        ("the fiftieth anniversary", "the 50 anniversary"),
        ("the 50th anniversary", "the 50 anniversary"),
        ("Twenty-one people", "21 people"),
        ("two million three hundred thousand and five", "2300005"),
        ("1.5 million jobs", "1500000 jobs"),
        ("24,000 soldiers", "24000 soldiers"),
        ("5% or five per cent", "5 percent or 5 percent"),
        ("Café SÉGOLÈNE Straße", "cafe segolene strasse"),
        ("Russia's “intervention” — is   positive!", "russia s intervention is positive"),
        ("thousands of people", "thousands of people"),
        ("one two three", "1 2 3"),
        ("a hundred", "a hundred"),
        ("", ""),
    ],
)
def test_normalise_folds_case_accents_punctuation_and_numbers(text, folded):
    assert normalise(text) == folded


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60))
def test_normalise_of_plain_ascii_takes_a_short_cut_to_the_same_result(text):
    import unicodedata

    from annotations.matching import folding as matching

    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # What normalise does after folding, applied to the long way's result.
    folded = matching._THOUSANDS_COMMA.sub("", folded)
    folded = matching._ORDINAL_SUFFIX.sub("", folded)
    folded = matching._PER_CENT.sub("percent", folded.replace("%", " percent "))
    expected = " ".join(matching._numbers_to_digits(matching._TOKEN.findall(folded)))
    assert normalise(text) == expected
    ascii_only = text.encode("ascii", "ignore").decode()
    assert normalise(ascii_only) == normalise(ascii_only.upper())


def test_normalise_makes_the_reworded_number_identical():
    assert normalise("One hundred and fourteen countries backed the resolution.") == normalise(
        BACKED
    )
