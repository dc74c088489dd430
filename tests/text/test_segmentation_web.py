"""Web and mail text: sentences started in lower case, quoted speech, letters' greetings and
closings, mail header stamps, lists of links."""

import pytest

from annotations.text.segmentation import split


def pieces(text, language="en"):
    return [(s.kind, text[s.start : s.end]) for s in split(text, language)]


def sentences(text, language="en"):
    return [piece for _, piece in pieces(text, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yes bus service is available. it is not frequent.",
            ["Yes bus service is available.", "it is not frequent."],
        ),
        (
            "Are you going tomorrow? there will be some girls.",
            ["Are you going tomorrow?", "there will be some girls."],
        ),
        ("awesome place!!! it was worth the ride.", ["awesome place!!!", "it was worth the ride."]),
    ],
)
def test_a_sentence_started_in_lower_case_after_an_ordinary_word(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Some countries, e.g. the small ones, agreed.",
        "We met approx. ten people and Prof. Marx.",
        "She said 'This is great.' and left.",
        "It is a search engine like Yahoo! and that is all.",
        "Who knows? nobody does.",
    ],
)
def test_no_boundary_before_lower_case_after_abbreviations_quotes_or_names(text):
    assert sentences(text) == [text]


def test_a_short_quotation_stays_in_its_sentence_and_a_long_one_is_split():
    assert sentences('He said "We will win. They will lose" and left.') == [
        'He said "We will win. They will lose" and left.'
    ]
    text = (
        '"Hamas remains targeted by Israel, as in the past, and the occupation does not need '
        'excuses to pursue its aggression. Israel wants a civil war," he said.'
    )
    assert sentences(text) == [
        '"Hamas remains targeted by Israel, as in the past, and the occupation does not need '
        "excuses to pursue its aggression.",
        'Israel wants a civil war," he said.',
    ]


def test_a_number_abbreviation_ends_a_sentence_before_a_usual_starter():
    assert sentences("Turn to No. 5 now. I said no. The rest waits.") == [
        "Turn to No. 5 now.",
        "I said no.",
        "The rest waits.",
    ]


def test_letter_greetings_and_closings_stand_apart():
    text = "Dear all, My name is Jonas. Please call me. Best regards, Debra Perlingiere"
    assert sentences(text) == [
        "Dear all,",
        "My name is Jonas.",
        "Please call me.",
        "Best regards,",
        "Debra Perlingiere",
    ]
    assert sentences("Chère Madame, Nous avons reçu votre lettre.", "fr") == [
        "Chère Madame,",
        "Nous avons reçu votre lettre.",
    ]
    assert sentences("Thanks, and so on.") == ["Thanks, and so on."]


def test_a_mail_header_stamp_is_metadata():
    text = "Kay Mann 04/26/2001 07:17 AM Will you be providing a draft?"
    assert pieces(text) == [
        ("sentence", "Kay Mann"),
        ("metadata", "04/26/2001 07:17 AM"),
        ("sentence", "Will you be providing a draft?"),
    ]
    text = "It was sent on 04/25/01 12:42:55 We have changed the address."
    assert sentences(text) == [
        "It was sent on 04/25/01 12:42:55",
        "We have changed the address.",
    ]
    assert sentences("Posted at 9/26/2005 08:14:00 PM") == ["Posted at 9/26/2005 08:14:00 PM"]


def test_links_one_after_the_other_are_separate():
    text = "Links. See these: http://a.example/1.html http://a.example/2.html https://b.example/"
    assert sentences(text) == [
        "Links.",
        "See these: http://a.example/1.html",
        "http://a.example/2.html",
        "https://b.example/",
    ]
