"""annotations.text.checkworthiness: a transparent feature scorer (no Django, plain functions)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text import checkworthiness as cw

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

KINDS = list(cw.KINDS)


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_numeric_claim_outranks_exhortation_which_outranks_heading():
    assert cw.score(HAWAII) > cw.score(EXHORTATION) > cw.score("War in Ukraine", "heading")


def test_money_claim_from_demo_document_is_check_worthy():
    assert cw.score(MONEY_CLAIM) >= 0.5


@pytest.mark.parametrize("claim", [MONEY_CLAIM, HAWAII, BRETON, HOFMAN, GDP, BELGOROD])
def test_factual_claims_of_demo_document_score_at_least_half(claim):
    assert cw.score(claim) >= 0.5


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


def test_heading_stays_below_0_3_even_if_every_raising_feature_fires():
    raising = sum(weight for weight, _ in cw.FEATURES.values() if weight > 0)
    for kind in ("heading", "metadata"):
        worst = cw.BIAS + raising + cw.FEATURES[cw.KINDS[kind]][0]
        assert worst < logit(0.3)


def test_heading_with_numbers_still_scores_below_0_3():
    heading = "On February 24, 2023, China proposed a 12-point peace plan, including"
    assert cw.score(heading, "sentence") > 0.8
    assert cw.score(heading, "heading") < 0.3


def test_explain_money_claim():
    assert cw.explain(MONEY_CLAIM) == [
        "mentions money (€316 million)",
        "names people, places or organisations (Zelenskiy)",
        "expresses opinion (fascist)",
    ]


def test_explain_numbers_written_as_words_and_dates():
    assert cw.explain(HAWAII) == [
        "cites a number (fiftieth)",
        "names a date (August 21, 1959)",
        "names people, places or organisations (United States)",
    ]
    assert cw.explain(BRETON) == [
        "cites a number (one million)",
        "names a date (2023)",
        "names people, places or organisations (Thierry Breton, European)",
        "attributes a statement (… promises)",
    ]
    assert cw.explain("The two world wars weakened the powers of old Europe.") == [
        "cites a number (two)",
        "names people, places or organisations (Europe)",
    ]


def test_explain_percentage_comparison_cause_and_attribution():
    assert cw.explain(GDP) == [
        "contains a percentage (2%)",
        "names people, places or organisations (NATO, GDP, US)",
    ]
    assert cw.explain(BELGOROD) == [
        "names people, places or organisations (Russian, Ukraine, Belgorod)",
        "makes a comparison or superlative (largest, more than)",
    ]
    # "we must" inside the quotation is the general's, not the speaker's exhortation.
    assert cw.explain(HOFMAN) == [
        "names people, places or organisations (Michel Hofman, Chief of Staff of the Belgian Army)",
        "states a cause (because …)",
        "attributes a statement (… argues)",
    ]


def test_explain_lowering_reasons():
    assert cw.explain(EXHORTATION) == ["is an exhortation (we must)"]
    assert cw.explain("Let us build a better world together.") == ["is an exhortation (let us)"]
    assert cw.explain("Who really benefits from this war?") == ["is a question"]
    assert cw.explain("Yankee  go home!") == ["reads as a slogan", "is very short"]
    assert cw.explain("In our view, this shameful decision is a disgrace.") == [
        "expresses opinion (in our view, shameful)"
    ]
    assert cw.explain("War in Ukraine", "heading") == [
        "names people, places or organisations (Ukraine)",
        "is very short",
        "is a heading",
    ]
    assert cw.explain(METADATA, "metadata") == [
        "names a date (10/25/23, 11:57 AM)",
        "is very short",
        "is metadata",
    ]


def test_plain_prose_has_no_reasons_and_scores_the_bias():
    assert cw.explain("The world economy is going through a deep crisis.") == []
    assert cw.score("The world economy is going through a deep crisis.") == cw.logistic(cw.BIAS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_scores_zero_with_reason_is_empty(text, kind):
    assert cw.score(text, kind) == 0.0
    assert cw.explain(text, kind) == ["is empty"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown claim kind 'paragraph'"):
        cw.score("Belgium spent 6 billion.", "paragraph")


def test_unknown_language_falls_back_to_english():
    assert cw.explain(HAWAII, language="xx") == cw.explain(HAWAII)
    assert cw.score(HAWAII, language="en-GB") == cw.score(HAWAII)


def test_reasons_carry_feature_weight_and_direction():
    reasons = cw.assess(MONEY_CLAIM).reasons
    assert [(r.feature, r.weight, r.direction) for r in reasons] == [
        ("money", 1.4, "raises"),
        ("entity", 0.8, "raises"),
        ("opinion", -0.8, "lowers"),
    ]


@given(text=st.text(max_size=300), kind=st.sampled_from(KINDS))
def test_score_is_within_zero_and_one_for_any_text(text, kind):
    assert 0.0 <= cw.score(text, kind) <= 1.0


@given(
    text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
    | st.sampled_from([MONEY_CLAIM, HAWAII, BRETON, HOFMAN, EXHORTATION, *SLOGANS, *HEADINGS]),
    kind=st.sampled_from(KINDS),
)
def test_score_is_the_logistic_of_bias_plus_the_weights_explain_lists(text, kind):
    assessment = cw.assess(text, kind)
    assert [r.text for r in assessment.reasons] == cw.explain(text, kind)
    for reason in assessment.reasons:
        weight, words = cw.FEATURES[reason.feature]
        assert reason.weight == weight
        assert reason.text.startswith(words.split("{")[0])
    weights = [r.weight for r in assessment.reasons]
    assert assessment.score == cw.logistic(cw.BIAS + sum(weights))
    # Above one half exactly when the raising reasons outweigh the bias and the lowering ones.
    raising = sum(w for w in weights if w > 0)
    lowering = sum(w for w in weights if w < 0)
    assert (assessment.score > 0.5) == (raising > -(cw.BIAS + lowering))
