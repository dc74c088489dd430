"""Check-worthiness in French and Dutch: no labelled sentences to learn from, so the hand
features read each language's own words and number formats, with the table's weights."""

import pytest

from annotations.text import checkworthiness as cw
from annotations.text.claim_features import find

FRENCH_WORTHY = [
    "La Belgique a envoyé 6,2 milliards d'euros d'aide militaire à l'Ukraine en 2023.",
    "Le chômage a baissé à 5,5 % en mars, son niveau le plus bas depuis 2008.",
    "Selon le ministre, 34 avions F-35A seront livrés avant le 1er janvier 2030.",
    "M. Dupont a déclaré que trois millions de personnes vivaient sous le seuil de pauvreté.",
    "Le taux d'inflation est plus élevé qu'en Allemagne depuis deux ans.",
]
FRENCH_NOT_WORTHY = [
    "Nous devons refuser de transporter leurs hommes et leurs machines.",
    "Vive la solidarité internationale !",
    "Qui profite vraiment de cette guerre ?",
    "Je pense que cette décision est honteuse.",
    "Il faut construire un monde meilleur pour nos enfants.",
]
DUTCH_WORTHY = [
    "België heeft 2,5 miljard euro militaire steun naar Oekraïne gestuurd.",
    "De werkloosheid daalde in maart tot 5,5 %, het laagste peil sinds 2008.",
    "Volgens de minister worden vóór 1 januari 2030 vierendertig F-35A's geleverd.",
    "Dhr. Peeters zei dat drie miljoen mensen onder de armoedegrens leven.",
    "De inflatie ligt al twee jaar hoger dan in Duitsland.",
]
DUTCH_NOT_WORTHY = [
    "We moeten weigeren hun mannen en machines te vervoeren.",
    "Leve de internationale solidariteit!",
    "Wie heeft er echt baat bij deze oorlog?",
    "Ik vind deze beslissing schandalig.",
    "Laten we samen een betere wereld bouwen.",
]


@pytest.mark.parametrize(
    "language, worthy, not_worthy",
    [("fr", FRENCH_WORTHY, FRENCH_NOT_WORTHY), ("nl", DUTCH_WORTHY, DUTCH_NOT_WORTHY)],
)
def test_every_check_worthy_sentence_outscores_every_other(language, worthy, not_worthy):
    lowest = min(cw.score(text, "sentence", language) for text in worthy)
    highest = max(cw.score(text, "sentence", language) for text in not_worthy)
    assert lowest >= 0.5 > highest


def test_french_numbers_percentages_and_money():
    assert find(FRENCH_WORTHY[0], "fr") == {
        "money": ["6,2 milliards d'euros"],
        "date": ["2023"],
        "number": ["milliards"],
        "entity": ["Belgique"],
    }
    assert find(FRENCH_WORTHY[1], "fr") == {
        "percentage": ["5,5 %"],
        "date": ["2008"],
        "statistic": ["chômage"],
        "comparison": ["le plus bas"],
    }
    assert find("Le budget atteint 316 M€, soit 2\u202f% du PIB.", "fr")["money"] == ["316 M€"]
    assert find("Le budget atteint 316 M€, soit 2\u202f% du PIB.", "fr")["percentage"] == [
        "2\u202f%"
    ]


def test_french_dates_ordinals_attribution_and_statistics():
    assert find(FRENCH_WORTHY[2], "fr") == {
        "date": ["1er janvier 2030"],
        "number": ["34"],
        "entity": ["F-35A"],
        "attribution": ["selon …"],
    }
    assert find(FRENCH_WORTHY[4], "fr") == {
        "number": ["deux"],
        "statistic": ["taux", "inflation"],
        "entity": ["Allemagne"],
        "comparison": ["plus élevé"],
    }


def test_dutch_numbers_percentages_and_money():
    assert find(DUTCH_WORTHY[0], "nl") == {
        "money": ["2,5 miljard euro"],
        "entity": ["Oekraïne"],
    }
    assert find(DUTCH_WORTHY[1], "nl") == {
        "percentage": ["5,5 %"],
        "date": ["2008"],
        "statistic": ["werkloosheid"],
        "comparison": ["laagste"],
    }
    assert find("Het tekort bedraagt 3,1 procent van het bbp.", "nl") == {
        "percentage": ["3,1 procent"],
        "statistic": ["tekort", "bbp"],
    }


def test_dutch_written_numbers_comparison_and_attribution():
    assert find(DUTCH_WORTHY[3], "nl") == {"number": ["drie miljoen"], "attribution": ["… zei"]}
    assert find(DUTCH_WORTHY[4], "nl") == {
        "number": ["twee"],
        "statistic": ["inflatie"],
        "entity": ["Duitsland"],
        "comparison": ["hoger dan"],
    }


def test_french_and_dutch_lowering_features():
    assert find(FRENCH_NOT_WORTHY[0], "fr") == {"exhortation": ["nous devons"]}
    assert find(FRENCH_NOT_WORTHY[1], "fr") == {"slogan": []}
    assert find(FRENCH_NOT_WORTHY[3], "fr") == {"opinion": ["je pense", "honteuse"]}
    assert find(DUTCH_NOT_WORTHY[0], "nl") == {"exhortation": ["we moeten"]}
    assert find(DUTCH_NOT_WORTHY[4], "nl") == {"exhortation": ["laten we"]}
    assert find(DUTCH_NOT_WORTHY[3], "nl") == {"opinion": ["ik vind", "schandalig"]}


def test_french_explain_lists_the_table_reasons_raising_first():
    assert cw.explain(FRENCH_WORTHY[1], language="fr") == [
        "names a date (2008)",
        "contains a percentage (5,5 %)",
        "speaks of statistics (chômage)",
        "makes a comparison or superlative (le plus bas)",
    ]
    assessment = cw.assess(FRENCH_NOT_WORTHY[3], language="fr")
    assert assessment.bias == cw.BIAS
    assert [(r.feature, r.weight) for r in assessment.reasons] == [("opinion", -0.8)]


def test_regional_tags_read_as_their_language():
    assert cw.score(DUTCH_WORTHY[1], language="nl-BE") == cw.score(DUTCH_WORTHY[1], language="nl")
    assert cw.explain(FRENCH_WORTHY[0], language="fr-BE") == cw.explain(
        FRENCH_WORTHY[0], "sentence", "fr"
    )


def test_french_heading_stays_low_whatever_it_says():
    assert cw.score(FRENCH_WORTHY[0], "heading", "fr") <= cw.logistic(-8.0)
