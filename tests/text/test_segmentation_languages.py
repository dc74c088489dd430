"""French and Dutch: abbreviations, number formats, ordinals, guillemets and spaced
punctuation, Dutch 's and 't. Each case is a text and the segments it must give."""

import pytest

from annotations.text.segmentation import split


def sentences(text, language):
    return [text[s.start : s.end] for s in split(text, language)]


FRENCH = [
    (
        "M. Dupont et Mme Durand sont venus. Le Dr Peeters aussi.",
        ["M. Dupont et Mme Durand sont venus.", "Le Dr Peeters aussi."],
    ),
    (
        "M. Le Pen a parlé hier. Mlle Martin et MM. Dubois et Lambert ont répondu.",
        ["M. Le Pen a parlé hier.", "Mlle Martin et MM. Dubois et Lambert ont répondu."],
    ),
    (
        "Le budget atteint 6,2 milliards d'euros. La dette croît de 2 % par an.",
        ["Le budget atteint 6,2 milliards d'euros.", "La dette croît de 2 % par an."],
    ),
    (
        "Le déficit est de 1.234,5 millions. C'est 3,5 % du PIB.",
        ["Le déficit est de 1.234,5 millions.", "C'est 3,5 % du PIB."],
    ),
    (
        "Certains pays, p. ex. la Belgique, ont voté contre. D'autres, p. ex. La Haye, non.",
        [
            "Certains pays, p. ex. la Belgique, ont voté contre.",
            "D'autres, p. ex. La Haye, non.",
        ],
    ),
    (
        "Il a acheté des chars, des obus, etc. Le reste a suivi.",
        ["Il a acheté des chars, des obus, etc.", "Le reste a suivi."],
    ),
    (
        "Voir l'art. 5 de la loi, p. 12 et le n° 3. Le texte est clair.",
        ["Voir l'art. 5 de la loi, p. 12 et le n° 3.", "Le texte est clair."],
    ),
    (
        "Le 1er janvier, la loi entre en vigueur. Elle est arrivée 2e. Puis elle est partie.",
        [
            "Le 1er janvier, la loi entre en vigueur.",
            "Elle est arrivée 2e.",
            "Puis elle est partie.",
        ],
    ),
    (
        "Il a dit : « Nous gagnerons ! » Puis il est parti.",
        ["Il a dit : « Nous gagnerons ! »", "Puis il est parti."],
    ),
    (
        "« Est-ce vrai ? » a-t-il demandé. Personne n'a répondu.",
        ["« Est-ce vrai ? » a-t-il demandé.", "Personne n'a répondu."],
    ),
    (
        "Vraiment ? Oui ! C'est fini.",
        ["Vraiment ?", "Oui !", "C'est fini."],
    ),
    (
        "Vraiment\u202f? Oui\u00a0! C'est fini.",
        ["Vraiment\u202f?", "Oui\u00a0!", "C'est fini."],
    ),
    (
        "Le ministre a déclaré\u00a0: «\u00a0La Belgique paiera.\u00a0» Les syndicats protestent.",
        [
            "Le ministre a déclaré\u00a0: «\u00a0La Belgique paiera.\u00a0»",
            "Les syndicats protestent.",
        ],
    ),
    (
        "Des pays, p.ex. La Belgique, ont voté, c.-à-d. La majorité. Il y avait env. Dix pays.",
        [
            "Des pays, p.ex. La Belgique, ont voté, c.-à-d. La majorité.",
            "Il y avait env. Dix pays.",
        ],
    ),
]

DUTCH = [
    (
        "Het kost ong. 4 mld. euro, incl. btw en evt. Extra kosten. Dat is te veel.",
        ["Het kost ong. 4 mld. euro, incl. btw en evt. Extra kosten.", "Dat is te veel."],
    ),
    (
        "Dhr. Peeters en mevr. Janssens waren er. Ze bleven tot 8 u. en gingen dan.",
        ["Dhr. Peeters en mevr. Janssens waren er.", "Ze bleven tot 8 u. en gingen dan."],
    ),
    (
        "Er waren o.a. ministers en bijv. burgemeesters. Het was druk.",
        ["Er waren o.a. ministers en bijv. burgemeesters.", "Het was druk."],
    ),
    (
        "Het kost 1.234,5 miljoen euro. Dat is 2 % meer dan vorig jaar.",
        ["Het kost 1.234,5 miljoen euro.", "Dat is 2 % meer dan vorig jaar."],
    ),
    (
        "Zie blz. 12 en art. 5 van de wet. N.a.v. het debat volgt een stemming.",
        ["Zie blz. 12 en art. 5 van de wet.", "N.a.v. het debat volgt een stemming."],
    ),
    (
        "De stemming kwam er n.a.v. Het Laatste Nieuws. Dat blad schreef het eerst.",
        [
            "De stemming kwam er n.a.v. Het Laatste Nieuws.",
            "Dat blad schreef het eerst.",
        ],
    ),
    (
        "Het was laat. 's Avonds ging hij weg. 't Is altijd zo.",
        ["Het was laat.", "'s Avonds ging hij weg.", "'t Is altijd zo."],
    ),
    (
        "Hij zei dat 't niet klopte en kwam 's ochtends terug. Zo gaat het.",
        ["Hij zei dat 't niet klopte en kwam 's ochtends terug.", "Zo gaat het."],
    ),
    (
        "Belgiё eindigde 3e. De 21ste eeuw begint slecht. Dr. Vermeulen, ir. Claes en "
        "prof. Maes tekenden.",
        [
            "Belgiё eindigde 3e.",
            "De 21ste eeuw begint slecht.",
            "Dr. Vermeulen, ir. Claes en prof. Maes tekenden.",
        ],
    ),
    (
        "We kochten tanks, granaten, enz. De rest volgt. Dat is m.a.w. te duur.",
        ["We kochten tanks, granaten, enz.", "De rest volgt.", "Dat is m.a.w. te duur."],
    ),
    (
        "De F-35's kosten 4 mld. euro, d.w.z. meer dan gepland. Waarom? Niemand weet het.",
        [
            "De F-35's kosten 4 mld. euro, d.w.z. meer dan gepland.",
            "Waarom?",
            "Niemand weet het.",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), FRENCH, ids=[t[:25] for t, _ in FRENCH])
def test_french(text, expected):
    assert sentences(text, "fr") == expected


@pytest.mark.parametrize(("text", "expected"), DUTCH, ids=[t[:25] for t, _ in DUTCH])
def test_dutch(text, expected):
    assert sentences(text, "nl") == expected


# Languages given as codes, German, and the first cases written for French and Dutch.


def test_french_abbreviations():
    text = "M. Dupont et Mme Durand sont venus. Ils sont partis, cf. p. 12 etc."
    assert sentences(text, "fr") == [
        "M. Dupont et Mme Durand sont venus.",
        "Ils sont partis, cf. p. 12 etc.",
    ]


def test_dutch_abbreviations():
    text = "Dhr. Peeters en Mevr. Janssens komen, bijv. Morgen. Het is zo."
    assert sentences(text, "nl") == [
        "Dhr. Peeters en Mevr. Janssens komen, bijv. Morgen.",
        "Het is zo.",
    ]


def test_german_abbreviations_and_ordinals():
    text = "Das geschah am 3. Oktober 1990, z.B. Hr. Müller sah es. Dann ging er."
    assert sentences(text, "de") == [
        "Das geschah am 3. Oktober 1990, z.B. Hr. Müller sah es.",
        "Dann ging er.",
    ]


def test_unknown_language_and_regional_codes_fall_back_sensibly():
    text = "Mr. Smith left. He came back."
    assert sentences(text, "xx") == ["Mr. Smith left.", "He came back."]
    assert sentences("M. Dupont est venu.", "fr-BE") == ["M. Dupont est venu."]
