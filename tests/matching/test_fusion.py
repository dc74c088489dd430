"""The order of the second stage: the raw-text cosine (word-bounded, lower-cased, never
folded), the reciprocal-rank fusion of it with the fitted ranking, and the matches shown:
every candidate scoring at least the threshold, in fused order."""

import numpy as np
import pytest

from annotations.matching import find_matches, normalise, scoring, terms
from annotations.models import Role
from annotations.services.factchecks import FactCheckRecord, store_references
from tests.factories import WorkspaceFactory, member

MODEL = {"rrf_k": 1, "rrf_weight": 1.0}


def test_raw_cosine_ignores_case_and_word_order_but_not_the_words():
    cosines = scoring.raw_cosines(
        "Hello World", ["world hello", "HELLO WORLD", "xyz qqq", "hello worlds"]
    )
    assert cosines[0] == pytest.approx(1.0)
    assert cosines[1] == pytest.approx(1.0)
    assert cosines[2] == pytest.approx(0.0)
    assert 0.5 < cosines[3] < 1.0


def test_raw_cosine_reads_the_text_unfolded():
    # folding writes "seventy" as "70"; the raw cosine sees the words as written
    [same, digits] = scoring.raw_cosines("seventy", ["Seventy", "70"])
    assert same == pytest.approx(1.0)
    assert digits == pytest.approx(0.0)


def test_the_fused_order_adds_the_reciprocal_ranks():
    scores = np.array([0.9, 0.5, 0.1])
    cosines = np.array([0.0, 1.0, 0.5])
    # fused: 1/1 + 1/3, 1/2 + 1/1, 1/3 + 1/2
    assert scoring.fused_order(scores, cosines, MODEL) == [1, 0, 2]
    assert scoring.fused_order(scores, cosines, {"rrf_k": 1, "rrf_weight": 0.0}) == [0, 1, 2]


def test_fused_ties_go_to_the_first_candidate():
    assert scoring.fused_order(np.array([0.5, 0.9]), np.array([0.8, 0.1]), MODEL) == [0, 1]
    assert scoring.fused_order(np.array([0.9, 0.5]), np.array([0.1, 0.8]), MODEL) == [0, 1]
    assert scoring.fused_order(np.array([0.5, 0.5]), np.array([0.3, 0.3]), MODEL) == [0, 1]


def test_the_fitted_fusion_is_stored_with_the_weights():
    model = scoring.fitted()
    assert model["rrf_k"] >= 1
    assert model["rrf_weight"] >= 0
    assert set(model["weights"]) == set(model["ranking"]) == set(scoring.FEATURES)
    assert 0 < model["show"] <= model["mark"] < 1


def test_the_ranking_weighs_the_features_with_its_own_weights():
    rows = np.zeros((2, len(scoring.FEATURES)))
    rows[0, scoring.FEATURES.index("bm25_share")] = 1.0
    rows[1, scoring.FEATURES.index("embedding_cosine")] = 1.0
    model = {"ranking": dict.fromkeys(scoring.FEATURES, 0.0) | {"embedding_cosine": 2.0}}
    assert list(scoring.ranking(rows, model)) == [0.0, 2.0]


@pytest.mark.django_db
def test_matches_below_the_threshold_are_left_out_not_the_ones_after_them(monkeypatch):
    workspace = WorkspaceFactory()
    user = member(workspace, Role.ANNOTATOR)
    claims = [
        "Seventy percent of those arrested in the Charlotte protests had out-of-state IDs.",
        "The Charlotte city council met on Tuesday about the budget.",
    ]
    records = [
        FactCheckRecord(claim=c, url=f"https://factcheck.example/{i}", rating="False")
        for i, c in enumerate(claims)
    ]
    store_references(workspace, records, None)
    text = "70 per cent of those arrested in Charlotte protests had out-of-state IDs"
    found = find_matches(workspace, text, user, threshold=1e-9)
    assert [m.reference.claim for m in found] == claims
    weak = found[1].score
    # the weaker candidate put first: it is left out, the stronger one after it is shown
    monkeypatch.setattr(scoring, "fused_order", lambda scores, cosines: [1, 0])
    shown = find_matches(workspace, text, user, threshold=(weak + found[0].score) / 2)
    assert [m.reference.claim for m in shown] == claims[:1]
    assert [m.reference.claim for m in find_matches(workspace, text, user, threshold=1e-9)] == [
        claims[1],
        claims[0],
    ]


def test_shared_terms_counts_the_query_terms_a_text_holds_up_to_the_cap():
    query = normalise("And they get health care.")
    long_query = normalise(
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike oscar"
    )
    texts = [normalise("Health care for everyone"), normalise("Nothing in common")]
    dfs = dict.fromkeys(terms.folded_terms(query + " " + long_query), 1)
    column = scoring.FEATURES.index("shared_terms")
    assert list(scoring.features(query, dfs, 100, texts)[:, column]) == [0.2, 0.0]
    [held] = scoring.features(long_query, dfs, 100, [long_query])[:, column]
    assert held == 1.0  # 14 terms held, counted up to the cap of 10


def test_the_lookup_takes_the_rarest_terms_while_their_entries_fit_the_budget():
    # Common terms (1,500 texts each): three fit in 5,000 entries with the rare one.
    dfs = {f"common{i}": 1500 for i in range(8)} | {"rare": 3, "absent": 0, "stop": 2000}
    looked_up = [term for term, _ in scoring.lookup_terms(dfs, 1_000_000)]
    assert scoring.LOOKUP_ENTRIES == 5000
    assert looked_up == ["rare", "common0", "common1", "common2"]


def test_the_lookup_keeps_every_rare_term_within_the_budget():
    dfs = {f"t{i:02d}": 100 + i for i in range(30)}
    looked_up = [term for term, _ in scoring.lookup_terms(dfs, 1_000_000)]
    assert looked_up == [f"t{i:02d}" for i in range(scoring.LOOKUP_TERMS)]
