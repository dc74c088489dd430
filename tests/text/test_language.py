import pytest

from annotations.text.language import FUNCTION_WORDS, LANGUAGES, SAMPLE, detect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The government ordered 34 jets. It is too expensive for us.", "en"),
        ("Le gouvernement a annoncé une hausse de 6,2 milliards. C'est trop.", "fr"),
        ("De regering heeft 34 F-35A besteld. Dat is te duur voor ons.", "nl"),
        ("M. Dupont l'a dit : « Nous devons agir ? »", "fr"),
        ("L'État belge a commandé 34 avions d'une valeur de 4 milliards.", "fr"),
        ("Dhr. Peeters zei 's avonds dat 't niet klopt.", "nl"),
        ("Belgium is in Europe and its army is small.", "en"),
    ],
)
def test_detects_english_french_and_dutch(text, expected):
    assert detect(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "Hello", "Belgique 2024", "12 345 678", "😀 🎉"])
def test_too_little_to_tell_gives_the_default(text):
    assert detect(text) == "en"
    assert detect(text, default="nl") == "nl"


def test_a_mixed_text_without_a_clear_winner_gives_the_default():
    text = "The war goes on and it is long. La guerre continue et elle est longue."
    assert detect(text, default="xx") == "xx"


def test_words_shared_by_two_languages_count_for_none():
    for code in LANGUAGES:
        for other in LANGUAGES:
            if other != code:
                assert not FUNCTION_WORDS[code] & FUNCTION_WORDS[other]
    assert detect("de en in is de en in is", default="xx") == "xx"


def test_only_the_sample_at_the_start_is_read():
    text = "x " * (SAMPLE // 2) + "het de een van niet ook maar " * 50
    assert detect(text, default="xx") == "xx"
    assert detect(text[SAMPLE:]) == "nl"


def test_the_demo_document_is_english():
    from tests.text.test_segmentation import DOCUMENT

    assert detect(DOCUMENT) == "en"
