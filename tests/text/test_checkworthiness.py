"""annotations.text.checkworthiness in English: the learned model, explained (no Django)."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text import checkworthiness as cw
from annotations.text import claim_features

# Sentences of the demo document (fixtures/seed-document.txt), verbatim.
MONEY_CLAIM = "Belgium has sent €316 million in military aid to Zelenskiy's fascist regime"
HAWAII = "Hawaii officially became the fiftieth state of the United States on August 21, 1959."
BRETON = (
    "European Commissioner Thierry Breton promises that by the end of 2023, European companies "
    "will have produced one million grenades, that the European defence industry will switch "
    'to a "war economy".'
)
HOFMAN = (
    "Michel Hofman, Chief of Staff of the Belgian Army, argues for the introduction of "
    'conscription in the future, because "a potential necessity could arise that we must defend '
    'ourselves".'
)
GDP = (
    "In this sense, NATO member states have been invited to increase their military spending by "
    "at least 2% of their GDP and to militarily support the US offensive war in Ukraine."
)
BELGOROD = (
    "The largest Russian city on the border with Ukraine, Belgorod, has been under attack for more "
    "than a year, ammunition depots or fuel depots exploding."
)
EXHORTATION = "We must refuse to move their men and machines."
SLOGANS = [
    "People of the world: unite against imperialism!",
    "Defeat of the US-led neo-Nazi NATO warmongers; Victory for the resistance!",
    "Yankee  go home!",
]
HEADINGS = ["War in Ukraine", "NATO and Belgium", "China's peace proposal"]
METADATA = "10/25/23, 11:57 AM"
LANGUAGES = ["en", "fr", "nl"]

KINDS = list(cw.KINDS)
MODEL = cw.model_for("en")
LOGISTIC_MINUS_8 = cw.logistic(-8.0)


def test_numeric_claim_outranks_exhortation_which_outranks_heading():
    assert cw.score(HAWAII) > cw.score(EXHORTATION) > cw.score("War in Ukraine", "heading")


@pytest.mark.parametrize("claim", [MONEY_CLAIM, HAWAII, BRETON, GDP, BELGOROD])
def test_factual_claims_of_demo_document_score_at_least_half(claim):
    assert cw.score(claim) >= 0.5


def test_reported_argument_scores_below_figures_but_above_exhortation_and_slogans():
    # Learned from debates: a reported argument is less checkable than a figure.
    assert cw.score(HOFMAN) < min(cw.score(c) for c in (MONEY_CLAIM, GDP, BRETON))
    assert cw.score(HOFMAN) > max(cw.score(s) for s in [EXHORTATION, *SLOGANS])


@pytest.mark.parametrize("slogan", [*SLOGANS, "Long live international solidarity!"])
def test_slogans_score_below_half(slogan):
    assert cw.score(slogan) < 0.5
    assert "reads as a slogan" in cw.explain(slogan)


def test_exhortation_and_question_score_below_half():
    assert cw.score(EXHORTATION) < 0.5
    assert cw.score("Who really benefits from this war?") < 0.5


@pytest.mark.parametrize("heading", HEADINGS)
def test_headings_score_below_0_3(heading):
    assert cw.score(heading, "heading") < 0.3


def test_metadata_scores_below_0_3():
    assert cw.score(METADATA, "metadata") < 0.3


@pytest.mark.parametrize("kind", ["heading", "metadata"])
@pytest.mark.parametrize("text", [MONEY_CLAIM, GDP, BRETON, "In 2023 GDP grew 4% to $27 trillion"])
def test_heading_and_metadata_never_score_above_logistic_minus_8(text, kind):
    assert cw.score(text, "sentence") > 0.9
    assert cw.score(text, kind) <= LOGISTIC_MINUS_8
    assert cw.explain(text, kind)[-1] == f"is {'a heading' if kind == 'heading' else kind}"


def test_heading_with_numbers_still_scores_below_0_3():
    heading = "On February 24, 2023, China proposed a 12-point peace plan, including"
    assert cw.score(heading, "sentence") > 0.8
    assert cw.score(heading, "heading") < 0.3


def test_explain_names_the_words_that_raise_and_lower_the_score():
    reasons = cw.explain(MONEY_CLAIM)
    assert 'the words "million", "316", "military" suggest a checkable claim' in reasons
    assert cw.explain("Let us build a better world together.") == [
        "is an exhortation (let us)",
        'the words "better", "let", "world" suggest opinion or talk rather than a checkable claim',
    ]


def test_explain_keeps_the_hand_features_with_their_findings():
    reasons = cw.explain(MONEY_CLAIM)
    assert reasons[:2] == [
        "mentions money (€316 million)",
        "names people, places or organisations (Zelenskiy)",
    ]
    assert "expresses opinion (fascist)" in reasons
    assert cw.explain("Who really benefits from this war?")[1] == "is a question"


@pytest.mark.parametrize("text", [MONEY_CLAIM, HAWAII, BRETON, HOFMAN, GDP, EXHORTATION, *SLOGANS])
def test_quoted_words_are_the_texts_strongest_words_of_each_direction(text):
    terms = [t for t in MODEL.terms(text) if len(t.words) > 2 and abs(t.weight) >= 0.05]
    for reason in cw.assess(text).reasons:
        if reason.feature.startswith("words_") and '"' in reason.text:
            quoted = reason.text.split('"')[1::2]
            raising = reason.feature == "words_raise"
            side = sorted(
                (t for t in terms if (t.weight > 0) == raising), key=lambda t: -abs(t.weight)
            )
            assert quoted == [t.words for t in side[:3]]
            assert all(word in text.lower() for word in quoted)


def test_words_reasons_add_up_to_what_the_ngrams_add():
    reasons = cw.assess(BRETON).reasons
    words = sum(r.weight for r in reasons if r.feature.startswith("words_"))
    assert words == pytest.approx(MODEL.ngram_sum(BRETON), abs=1e-12)


@pytest.mark.parametrize("text", [MONEY_CLAIM, HAWAII, EXHORTATION, *SLOGANS, *HEADINGS])
def test_raising_reasons_come_before_lowering_ones(text):
    directions = [r.direction for r in cw.assess(text).reasons]
    assert directions == sorted(directions, key=lambda d: d == "lowers")


def test_run_time_scores_reproduce_the_scores_recorded_when_fitting():
    assert len(MODEL.sample) >= 5
    for recorded in MODEL.sample:
        assert cw.score(recorded["text"]) == pytest.approx(recorded["score"], abs=1e-9)


def test_weights_ship_next_to_the_module_and_stay_small():
    path = Path(cw.__file__).parent / "data" / cw.MODELS["en"]
    assert path.is_file()
    assert path.stat().st_size < 3_000_000
    assert len(MODEL.index) == 20_000
    # No sentence of the data is "very short", and English has no list of statistics words.
    assert set(MODEL.features) == set(claim_features.NAMES) - {"very_short", "statistic"}


def test_a_feature_the_data_never_showed_keeps_the_tables_weight():
    reasons = cw.assess("Yankee  go home!").reasons
    assert ("very_short", -1.0) in [(r.feature, r.weight) for r in reasons]


def test_scores_are_the_same_in_another_process_with_another_hash_seed():
    texts = [MONEY_CLAIM, HAWAII, BRETON, EXHORTATION, METADATA]
    code = (
        "from annotations.text import checkworthiness as cw\n"
        f"print([cw.score(t) for t in {texts!r}])"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "12345"}
    root = Path(cw.__file__).parent.parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, check=True
    )
    assert result.stdout.strip() == repr([cw.score(t) for t in texts])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x00", "...", "-- !"])
def test_empty_text_or_text_without_words_scores_in_range(text, kind):
    if text.strip():
        assert 0.0 <= cw.score(text, kind) < 0.5
    else:
        assert cw.score(text, kind) == 0.0
        assert cw.explain(text, kind) == ["is empty"]


@pytest.mark.parametrize(
    "text",
    [
        "Belgium\x00 sent €316\x00million to Ukraine in 2023.",
        "İSTANBUL had 15 million inhabitants in 2020, ǅ ß ﬁ.",
        "Unemployment fell to 4\u200b% \u202e in 2023 \U0001f600\ud800.",
        "e\u0301lections: 3 \u0661\u0662 seats",
    ],
)
def test_nul_bytes_and_odd_unicode_are_scored_and_explained(text):
    assessment = cw.assess(text)
    assert 0.0 < assessment.score < 1.0
    assert all(isinstance(reason.text, str) and reason.text for reason in assessment.reasons)
    assert cw.score(text) == pytest.approx(assessment.score, abs=1e-12)


def test_huge_text_is_scored_and_explained():
    text = " ".join([MONEY_CLAIM, HAWAII, GDP, EXHORTATION] * 2_000)  # about 600 KB
    assert 0.0 <= cw.score(text) <= 1.0
    assert any(r.startswith("the words") for r in cw.explain(text))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown claim kind 'paragraph'"):
        cw.score("Belgium spent 6 billion.", "paragraph")
    with pytest.raises(ValueError, match="unknown claim kind 'paragraph'"):
        cw.explain("Belgium spent 6 billion.", "paragraph")


def test_unknown_language_falls_back_to_english():
    assert cw.explain(HAWAII, language="xx") == cw.explain(HAWAII)
    assert cw.score(HAWAII, language="en-GB") == cw.score(HAWAII)
    assert cw.score(HAWAII, language="") == cw.score(HAWAII)


@given(text=st.text(max_size=300), kind=st.sampled_from(KINDS), lang=st.sampled_from(LANGUAGES))
def test_score_is_within_zero_and_one_for_any_text(text, kind, lang):
    assert 0.0 <= cw.score(text, kind, lang) <= 1.0


@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
    | st.sampled_from([MONEY_CLAIM, HAWAII, BRETON, HOFMAN, EXHORTATION, *SLOGANS, *HEADINGS]),
    kind=st.sampled_from(KINDS),
    lang=st.sampled_from(LANGUAGES),
)
def test_score_is_the_logistic_of_bias_plus_the_weights_explain_lists(text, kind, lang):
    assessment = cw.assess(text, kind, lang)
    assert [r.text for r in assessment.reasons] == cw.explain(text, kind, lang)
    assert assessment.score == pytest.approx(cw.score(text, kind, lang), abs=1e-12)
    if [r.feature for r in assessment.reasons] != ["empty"]:
        z = assessment.bias + sum(r.weight for r in assessment.reasons)
        assert assessment.score == pytest.approx(cw.logistic(z), abs=1e-12)
