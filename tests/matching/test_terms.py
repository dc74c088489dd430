"""What a pasted text leaves for matching: its words, its author's name, the words of
its handles and hashtags; not its links or the date of an embedded tweet."""

import pytest

from annotations.matching import clean_pasted
from annotations.matching.terms import terms


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        (
            "My house burned down? Not my house. https://t.co/x1 "
            "— Neko Case (@NekoCase) September 19, 2017",
            "My house burned down? Not my house. Neko Case",
        ),
        (
            "#RIP beautiful #KrystinaMartelli pic.twitter.com/Xb2f",
            "RIP beautiful Krystina Martelli",
        ),
        ("Thanks @real_donald and @AJUpFront", "Thanks real donald and AJUp Front"),
        (
            "A plain sentence — with a dash - and a hyphen.",
            "A plain sentence — with a dash - and a hyphen.",
        ),
    ],
)
def test_a_pasted_text_keeps_its_words_and_its_authors_name(pasted, kept):
    assert clean_pasted(pasted).split() == kept.split()


def test_the_text_after_an_embedded_tweets_signature_is_kept():
    pasted = (
        "Democrats must denounce this. — Marco Rubio (@marcorubio) July 25, 2019 "
        "Senator, will you delete this selectively edited video?"
    )
    assert terms(clean_pasted(pasted)) == terms(
        "Democrats must denounce this. Marco Rubio "
        "Senator, will you delete this selectively edited video?"
    )
    assert "2019" not in clean_pasted(pasted)


def test_a_signature_without_a_name_keeps_the_handle():
    assert clean_pasted("Big news — (@nasa) May 1, 2020").split() == ["Big", "news", "nasa"]


@pytest.mark.parametrize("text", ["", "   ", "https://t.co/abc", "@", "#"])
def test_nothing_to_keep_leaves_no_terms(text):
    assert terms(clean_pasted(text)) == []
