"""annotations.parsing: pure, no database."""

import pytest

from annotations.parsing import MAX_ID, InvalidValue, parse_id, parse_int, plain_text


@pytest.mark.parametrize(
    "raw",
    [
        "²",  # isdigit() but int() fails
        "٣",  # Arabic-Indic three: int() makes it 3
        "３",  # fullwidth three
        " 7",
        "7 ",
        "+7",
        "-7",
        "--7",
        "-",
        "7_0",
        "0x10",
        "1e3",
        "",
        "9" * 5000,  # int() refuses more than 4,300 digits
        None,
        7,
    ],
)
def test_anything_but_ascii_digits_is_refused_naming_the_field(raw):
    with pytest.raises(InvalidValue) as caught:
        parse_int(raw, "page")
    assert caught.value.field == "page"
    assert caught.value.reason == f"Give a whole number from 0 to {MAX_ID}."
    assert caught.value.message == f"page: Give a whole number from 0 to {MAX_ID}."


def test_ascii_digits_within_the_range_are_the_number():
    assert parse_int("0", "page") == 0
    assert parse_int("007", "page") == 7
    assert parse_int("500", "page_size", low=1, high=500) == 500
    assert parse_int("-4", "start", low=-10) == -4


@pytest.mark.parametrize("raw", ["0", "501"])
def test_numbers_outside_the_range_are_refused(raw):
    with pytest.raises(InvalidValue) as caught:
        parse_int(raw, "page_size", low=1, high=500)
    assert str(caught.value) == "page_size: Give a whole number from 1 to 500."


def test_ids_run_from_one_to_the_largest_64_bit_key():
    assert MAX_ID == 2**63 - 1
    assert parse_id(str(MAX_ID), "claim") == MAX_ID
    for raw in ("0", str(MAX_ID + 1)):
        with pytest.raises(InvalidValue, match=f"^claim: Give a whole number from 1 to {MAX_ID}"):
            parse_id(raw, "claim")


def test_optional_id_is_none_when_missing_or_empty_and_strict_otherwise():
    assert parse_id(None, "assignee", optional=True) is None
    assert parse_id("", "assignee", optional=True) is None
    assert parse_id("12", "assignee", optional=True) == 12
    with pytest.raises(InvalidValue):
        parse_id("abc", "assignee", optional=True)


def test_plain_text_refuses_nul_and_keeps_everything_else():
    assert plain_text(None, "note") == ""
    assert plain_text("  Rude\twording ²٣  ", "note") == "  Rude\twording ²٣  "
    with pytest.raises(InvalidValue) as caught:
        plain_text("a\x00b", "reason")
    assert caught.value.message == "reason: Text may not contain NUL characters."
