"""annotations.text.claim_features, the hand-written features, and the table scorer they
make without a learned model (checkworthiness.table_score): what each detector finds."""

import math

import pytest

from annotations.text import checkworthiness as cw
from annotations.text.claim_features import find
from tests.text.test_checkworthiness import (
    BELGOROD,
    BRETON,
    EXHORTATION,
    GDP,
    HAWAII,
    HOFMAN,
    METADATA,
    MONEY_CLAIM,
)


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_money_entity_and_opinion():
    assert find(MONEY_CLAIM) == {
        "money": ["€316 million"],
        "entity": ["Zelenskiy"],
        "opinion": ["fascist"],
    }


def test_numbers_written_as_words_and_dates():
    assert find(HAWAII) == {
        "number": ["fiftieth"],
        "date": ["August 21, 1959"],
        "entity": ["United States"],
    }
    assert find(BRETON) == {
        "number": ["one million"],
        "date": ["2023"],
        "entity": ["Thierry Breton", "European"],
        "attribution": ["… promises"],
    }
    assert find("The two world wars weakened the powers of old Europe.") == {
        "number": ["two"],
        "entity": ["Europe"],
    }


def test_percentage_comparison_cause_and_attribution():
    assert find(GDP) == {"percentage": ["2%"], "entity": ["NATO", "GDP", "US"]}
    assert find(BELGOROD) == {
        "entity": ["Russian", "Ukraine", "Belgorod"],
        "comparison": ["largest", "more than"],
    }
    # "we must" inside the quotation is the general's, not the speaker's exhortation.
    assert find(HOFMAN) == {
        "entity": ["Michel Hofman", "Chief of Staff of the Belgian Army"],
        "cause": ["because …"],
        "attribution": ["… argues"],
    }


def test_lowering_features():
    assert find(EXHORTATION) == {"exhortation": ["we must"]}
    assert find("Let us build a better world together.") == {"exhortation": ["let us"]}
    assert find("Who really benefits from this war?") == {"question": []}
    assert find("Yankee  go home!") == {"slogan": [], "very_short": []}
    assert find("In our view, this shameful decision is a disgrace.") == {
        "opinion": ["in our view", "shameful"]
    }
    assert find(METADATA) == {"date": ["10/25/23", "11:57 AM"], "very_short": []}


def test_one_example_is_enough_to_fire():
    assert find(BELGOROD, examples=1) == {
        "entity": ["Russian"],
        "comparison": ["largest"],
    }


def test_table_scores_plain_prose_at_the_bias():
    assert cw.table_score("The world economy is going through a deep crisis.") == cw.logistic(
        cw.BIAS
    )


def test_table_score_is_the_logistic_of_the_table_weights_of_what_fires():
    weights = [cw.FEATURES[name][0] for name in find(MONEY_CLAIM)]
    assert cw.table_score(MONEY_CLAIM) == cw.logistic(cw.BIAS + sum(weights))
    assert cw.table_score(METADATA, "metadata") == cw.logistic(cw.BIAS + 1.0 - 1.0 - 8.0)


def test_table_heading_stays_below_0_3_even_if_every_raising_feature_fires():
    raising = sum(weight for weight, _ in cw.FEATURES.values() if weight > 0)
    for kind in ("heading", "metadata"):
        worst = cw.BIAS + raising + cw.FEATURES[cw.KINDS[kind]][0]
        assert worst < logit(0.3)


@pytest.mark.parametrize("kind", list(cw.KINDS))
def test_table_scores_empty_text_zero(kind):
    assert cw.table_score(" \n", kind) == 0.0


def test_every_feature_found_has_a_reason_in_the_table():
    assert set(find(MONEY_CLAIM)) <= set(cw.FEATURES)
    assert all(name in cw.FEATURES for name in ("statistic", "very_short", "heading"))
