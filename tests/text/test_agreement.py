"""annotations.text.agreement: Krippendorff's ordinal alpha, disagreements, the agreement report."""

import math
import random
import warnings
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.text.agreement import (
    NO_VARIATION,
    NOT_ENOUGH_VALUES,
    AgreementReport,
    coincidences,
    disagreements,
    krippendorff_alpha_ordinal,
    ordinal_delta2,
    summarise,
)

# --- A worked example, by hand ----------------------------------------------------------
#
# 4 claims rated by 3 annotators on positions 0..4 (0 = truest); claim "d" has only two
# ratings, claim "e" only one (not pairable: ignored).
#
#   claim   A  B  C
#   a       0  0  1
#   b       1  1  2
#   c       2  4  4
#   d       3  3  -
#   e       0  -  -
#
# Coincidences: a unit with m values adds 1/(m-1) for each ordered pair of values from two
# different annotators. a, b, c have m = 3 (weight 1/2, 6 ordered pairs each); d has m = 2
# (weight 1, 2 ordered pairs).
#   a: (0,0) twice -> o00 += 1;  (0,1) twice, (1,0) twice -> o01 += 1, o10 += 1
#   b: (1,1) -> o11 += 1;  (1,2), (2,1) -> o12 += 1, o21 += 1
#   c: (4,4) -> o44 += 1;  (2,4), (4,2) -> o24 += 1, o42 += 1
#   d: (3,3) twice -> o33 += 2
#
#        0  1  2  3  4 | n_c
#   0    1  1  0  0  0 |  2
#   1    1  1  1  0  0 |  3
#   2    0  1  0  0  1 |  2
#   3    0  0  0  2  0 |  2
#   4    0  0  1  0  1 |  2
#                        n = 11 (3 + 3 + 3 + 2 pairable values)
#
# Ordinal delta(c,k) = sum of n_g for g = c..k - (n_c + n_k)/2, squared:
#   (0,1) 5 - 2.5 = 2.5 -> 6.25     (1,2) 5 - 2.5 = 2.5 -> 6.25     (2,3) 4 - 2 = 2 -> 4
#   (0,2) 7 - 2   = 5   -> 25       (1,3) 7 - 2.5 = 4.5 -> 20.25    (2,4) 6 - 2 = 4 -> 16
#   (0,3) 9 - 2   = 7   -> 49       (1,4) 9 - 2.5 = 6.5 -> 42.25    (3,4) 4 - 2 = 2 -> 4
#   (0,4) 11 - 2  = 9   -> 81
#
# Observed: sum o_ck delta2 = 2 * (o01*6.25 + o12*6.25 + o24*16) = 2 * 28.5 = 57
#   D_o = 57 / 11
# Expected: sum n_c n_k delta2 = 2 * (6*6.25 + 4*25 + 4*49 + 4*81 + 6*6.25 + 6*20.25
#                                     + 6*42.25 + 4*4 + 4*16 + 4*4)
#                              = 2 * (37.5 + 100 + 196 + 324 + 37.5 + 121.5 + 253.5 + 16
#                                     + 64 + 16) = 2 * 1166 = 2332
#   D_e = 2332 / (11 * 10)
# alpha = 1 - D_o / D_e = 1 - (57/11) * (110/2332) = 1 - 570/2332 = 881/1166 = 0.755574614...
HAND_UNITS = {
    "a": [0, 0, 1],
    "b": [1, 1, 2],
    "c": [2, 4, 4],
    "d": [3, 3],
    "e": [0],
}
HAND_ALPHA = 881 / 1166


def test_hand_example_coincidence_matrix():
    co = coincidences(HAND_UNITS)
    assert co.values == (0, 1, 2, 3, 4)
    assert co.matrix == (
        (1, 1, 0, 0, 0),
        (1, 1, 1, 0, 0),
        (0, 1, 0, 0, 1),
        (0, 0, 0, 2, 0),
        (0, 0, 1, 0, 1),
    )
    assert co.totals == (2, 3, 2, 2, 2)
    assert co.n == 11
    assert [sum(row) for row in co.matrix] == list(co.totals)


def test_hand_example_delta2():
    totals = (2, 3, 2, 2, 2)
    assert ordinal_delta2(totals, 0, 1) == Fraction(25, 4)
    assert ordinal_delta2(totals, 1, 3) == Fraction(81, 4)
    assert ordinal_delta2(totals, 4, 0) == 81
    assert ordinal_delta2(totals, 2, 2) == 0


def test_hand_example_alpha():
    assert krippendorff_alpha_ordinal(HAND_UNITS) == pytest.approx(HAND_ALPHA, abs=1e-9)
    assert krippendorff_alpha_ordinal(HAND_UNITS) == pytest.approx(0.755574614, abs=1e-9)


def test_fractional_coincidences_with_four_coders():
    # m = 4: each ordered pair weighs 1/3. Values 0,0,1,2: o00 = 2/3, o01 = o02 = 2/3,
    # o12 = 1/3; the row totals are still the counts n_0 = 2, n_1 = n_2 = 1.
    co = coincidences({"x": [0, 0, 1, 2]})
    third = Fraction(1, 3)
    assert co.matrix == (
        (2 * third, 2 * third, 2 * third),
        (2 * third, 0, third),
        (2 * third, third, 0),
    )
    assert co.totals == (2, 1, 1)


# --- Krippendorff's own example ----------------------------------------------------------
#
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1..5, missing data; he reports alpha = 0.743 nominal, 0.815 ordinal,
# 0.849 interval, 0.797 ratio. (The same data is in the `krippendorff` package's tests.)
#            units 1..12
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],  # observer B
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],  # observer D
]


def units_of(matrix):
    """coder x unit matrix (None = missing) -> {unit index: [values]}."""
    return {j: [row[j] for row in matrix if row[j] is not None] for j in range(len(matrix[0]))}


def reference_alpha(matrix):
    """The `krippendorff` package's ordinal alpha; None where it refuses or gets 0/0."""
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    except ValueError:
        return None
    return None if math.isnan(result) else float(result)


def test_krippendorff_2011_example():
    alpha = krippendorff_alpha_ordinal(units_of(KRIPPENDORFF_2011))
    assert round(alpha, 3) == 0.815
    assert alpha == pytest.approx(reference_alpha(KRIPPENDORFF_2011), abs=1e-9)
    # Unit 12 has a single value: it is not pairable and leaves the result unchanged.
    without_12 = {j: v for j, v in units_of(KRIPPENDORFF_2011).items() if j != 11}
    assert krippendorff_alpha_ordinal(without_12) == alpha


def test_krippendorff_2011_coincidence_totals():
    # Counted from the table: 9 ones, 13 twos, 10 threes, 5 fours, 3 fives among the 40
    # pairable values; the lone 3 of unit 12 is not counted.
    co = coincidences(units_of(KRIPPENDORFF_2011))
    assert co.values == (1, 2, 3, 4, 5)
    assert co.totals == (9, 13, 10, 5, 3)
    assert co.n == 40


# --- Against the `krippendorff` package --------------------------------------------------


def random_matrix(rng, coders, units, top, missing):
    return [
        [None if rng.random() < missing else rng.randint(0, top) for _ in range(units)]
        for _ in range(coders)
    ]


@pytest.mark.parametrize(
    ("seed", "coders", "units", "top", "missing"),
    [
        (1, 2, 10, 4, 0.0),
        (2, 3, 4, 4, 0.1),
        (3, 3, 50, 4, 0.3),
        (4, 5, 200, 6, 0.4),
        (5, 7, 30, 2, 0.5),
        (6, 4, 100, 9, 0.2),
        (7, 10, 15, 1, 0.3),
        (8, 2, 500, 4, 0.6),
    ],
)
def test_matches_krippendorff_package_on_seeded_data(seed, coders, units, top, missing):
    matrix = random_matrix(random.Random(seed), coders, units, top, missing)
    expected = reference_alpha(matrix)
    assert expected is not None
    assert krippendorff_alpha_ordinal(units_of(matrix)) == pytest.approx(expected, abs=1e-9)


def test_matches_krippendorff_package_with_correlated_ratings():
    # Coders mostly agree (a true position plus noise): alpha is high, not near 0.
    rng = random.Random(42)
    truth = [rng.randint(0, 4) for _ in range(80)]
    matrix = [[min(4, max(0, t + rng.choice([-1, 0, 0, 0, 1]))) for t in truth] for _ in range(4)]
    alpha = krippendorff_alpha_ordinal(units_of(matrix))
    assert alpha > 0.7
    assert alpha == pytest.approx(reference_alpha(matrix), abs=1e-9)


matrices = st.integers(min_value=2, max_value=5).flatmap(
    lambda coders: st.integers(min_value=1, max_value=12).flatmap(
        lambda n_units: st.lists(
            st.lists(
                st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
                min_size=n_units,
                max_size=n_units,
            ),
            min_size=coders,
            max_size=coders,
        )
    )
)


@given(matrices)
def test_matches_krippendorff_package_on_generated_data(matrix):
    expected = reference_alpha(matrix)
    alpha = krippendorff_alpha_ordinal(units_of(matrix))
    if expected is None:
        assert alpha is None
    else:
        assert alpha == pytest.approx(expected, abs=1e-9)


@given(matrices, st.integers(min_value=-50, max_value=50), st.integers(min_value=1, max_value=7))
def test_only_the_order_of_values_matters(matrix, shift, stretch):
    units = units_of(matrix)
    moved = {key: [v**3 * stretch + shift for v in values] for key, values in units.items()}
    assert krippendorff_alpha_ordinal(moved) == krippendorff_alpha_ordinal(units)


@given(matrices)
def test_alpha_is_at_most_one_and_ignores_unit_order(matrix):
    units = units_of(matrix)
    alpha = krippendorff_alpha_ordinal(units)
    reversed_units = dict(reversed(list(units.items())))
    assert krippendorff_alpha_ordinal(reversed_units) == alpha
    if alpha is not None:
        assert alpha <= 1.0


# --- Perfect agreement and undefined alpha ------------------------------------------------


def test_perfect_agreement_is_one():
    units = {"a": [0, 0, 0], "b": [4, 4], "c": [2, 2, 2, 2], "d": [1]}
    assert krippendorff_alpha_ordinal(units) == 1.0
    assert reference_alpha([[0, 4, 2, 1], [0, 4, 2, None], [0, None, 2, None]]) == 1.0


def test_systematic_disagreement_is_below_zero():
    # Every claim split between the two ends of the scale: worse than chance.
    assert krippendorff_alpha_ordinal({"a": [0, 4], "b": [4, 0], "c": [0, 4]}) < 0


@pytest.mark.parametrize(
    "units",
    [
        {},
        {"a": []},
        {"a": [3]},
        {"a": [0], "b": [4], "c": [2]},  # values vary, but nothing is pairable
    ],
)
def test_undefined_without_pairable_values(units):
    assert krippendorff_alpha_ordinal(units) is None


@pytest.mark.parametrize(
    "units",
    [
        {"a": [2, 2]},
        {"a": [1, 1, 1], "b": [1, 1]},
        {"a": [1, 1], "b": [4]},  # the lone 4 is not pairable: no variation among pairable values
    ],
)
def test_undefined_without_variation(units):
    # D_e = D_o = 0: alpha = 1 - 0/0 is undefined; None, not 1.0.
    assert krippendorff_alpha_ordinal(units) is None


def test_two_pairable_values_that_differ():
    # n = 2, one unit split 0 / 1: D_o = D_e, alpha = 0.
    assert krippendorff_alpha_ordinal({"a": [0, 1]}) == 0.0
    assert reference_alpha([[0], [1]]) == 0.0


def test_values_must_be_ints():
    with pytest.raises(TypeError):
        krippendorff_alpha_ordinal({"a": [0, 1.5]})
    with pytest.raises(TypeError):
        krippendorff_alpha_ordinal({"a": [True, False]})


# --- Disagreements -----------------------------------------------------------------------


def test_disagreements_two_steps_or_more_in_input_order():
    units = {
        "z": [0, 2],  # 2 steps
        "a": [1, 2, 1],  # 1 step
        "m": [4, 0, 3],  # 4 steps
        "b": [3],  # alone
        "c": [],
        "d": [2, 2],
    }
    assert disagreements(units) == ["z", "m"]
    assert disagreements(units, min_steps=1) == ["z", "a", "m"]
    assert disagreements(units, min_steps=3) == ["m"]
    assert disagreements(units, min_steps=5) == []


def test_disagreements_need_a_positive_threshold():
    with pytest.raises(ValueError):
        disagreements({"a": [1]}, min_steps=0)


# --- The report --------------------------------------------------------------------------


def test_summarise_keeps_non_ordinal_ratings_apart():
    ratings = [
        # claim, annotator, label, ordinal, position
        ("c1", "ann", "True", True, 0),
        ("c1", "bob", "True", True, 0),
        ("c1", "cat", "Mostly true", True, 1),
        ("c2", "ann", "Unverifiable", False, 5),
        ("c2", "bob", "False", True, 4),
        ("c2", "cat", "Half true", True, 2),
        ("c3", "ann", "Opinion", False, 6),
        ("c3", "bob", "Opinion", False, 6),
        ("c3", "cat", "Mostly false", True, 3),
        ("c4", "ann", "False", True, 4),
        ("c4", "bob", "Unverifiable", False, 5),
    ]
    report = summarise(ratings)
    assert isinstance(report, AgreementReport)
    # Only c1 (0, 0, 1) and c2 (4, 2) have 2+ ordinal ratings; the non-ordinal positions 5 and
    # 6 never enter alpha.
    assert report.units == 2
    assert report.pairable_values == 5
    assert report.non_ordinal == {"Unverifiable": 2, "Opinion": 2}
    assert report.disagreements == ["c2"]
    assert report.alpha == krippendorff_alpha_ordinal({"c1": [0, 0, 1], "c2": [4, 2]})
    assert report.alpha == pytest.approx(reference_alpha([[0, 4], [0, 2], [1, None]]), abs=1e-9)
    assert report.alpha_undefined_reason is None


def test_summarise_matches_the_hand_example():
    coders = "ABC"
    ratings = [
        (claim, coders[i], f"pos{v}", True, v)
        for claim, values in HAND_UNITS.items()
        for i, v in enumerate(values)
    ]
    report = summarise(ratings)
    assert report.alpha == pytest.approx(HAND_ALPHA, abs=1e-9)
    assert report.units == 4
    assert report.pairable_values == 11
    assert report.non_ordinal == {}
    assert report.disagreements == ["c"]


def test_summarise_says_why_alpha_is_undefined():
    empty = summarise([])
    assert empty == AgreementReport(
        alpha=None,
        units=0,
        pairable_values=0,
        non_ordinal={},
        disagreements=[],
        alpha_undefined_reason=NOT_ENOUGH_VALUES,
    )
    only_opinions = summarise(
        [("c1", "ann", "Opinion", False, 6), ("c1", "bob", "Opinion", False, 6)]
    )
    assert only_opinions.alpha is None
    assert only_opinions.alpha_undefined_reason == NOT_ENOUGH_VALUES
    assert only_opinions.non_ordinal == {"Opinion": 2}
    unanimous = summarise([("c1", "ann", "False", True, 4), ("c1", "bob", "False", True, 4)])
    assert unanimous.alpha is None
    assert unanimous.alpha_undefined_reason == NO_VARIATION
    assert unanimous.units == 1
    assert unanimous.pairable_values == 2


def test_summarise_refuses_two_ratings_by_one_coder_on_one_claim():
    with pytest.raises(ValueError, match="more than once"):
        summarise([("c1", "ann", "True", True, 0), ("c1", "ann", "Opinion", False, 6)])


def test_report_is_frozen():
    report = summarise([])
    with pytest.raises(AttributeError):
        report.alpha = 1.0
