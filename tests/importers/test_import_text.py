"""Tests for importers.import_text: pasted text and text sent as JSON."""

import pytest

from annotations.importers import ImportedText, ImportRefused, import_text


def test_import_text_normalises_pasted_text():
    assert import_text("Cafe\u0301\r\n\r\nSecond  ") == ImportedText(
        text="Caf\u00e9\n\nSecond", format="text"
    )


def test_import_text_converts_pasted_markdown():
    imported = import_text("# Budget\n\nWe **will** cut taxes.", as_markdown=True)
    assert imported == ImportedText(
        text="# Budget\n\nWe will cut taxes.", format="markdown", title="Budget"
    )


def test_import_text_refuses_whitespace_only_text():
    with pytest.raises(ImportRefused) as caught:
        import_text(" \n\t\u2028 ")
    assert caught.value.code == "empty"
    assert str(caught.value) == (
        "The text contains no text to import. Check that you chose the right file."
    )


def test_import_text_refuses_text_over_the_limit():
    with pytest.raises(ImportRefused) as caught:
        import_text("x" * 11, max_chars=10)
    assert str(caught.value) == (
        "The text has 11 characters; the limit is 10. "
        "Split the document into parts and import them one by one."
    )
