"""Inter-annotator agreement: Krippendorff's alpha on the ordinal part of a rating scale.

A workspace's scale is ordered (True ... False) plus non-ordinal labels ("Unverifiable",
"Opinion") that are not a step on that order. Agreement is measured on the ordinal ratings
only, as rating *positions* (0 = truest); non-ordinal ratings are counted apart.

Krippendorff's alpha, computed as in Krippendorff (2011), "Computing Krippendorff's
Alpha-Reliability" (University of Pennsylvania, ScholarlyCommons, asc_papers/43):

    alpha = 1 - D_o / D_e

A *unit* is a claim; its *values* are the positions that different annotators (coders) gave
it. A unit with fewer than 2 values is not pairable and plays no part at all (not even in
the value totals n_c). Of the pairable units u, each with m_u values and n_uc of them equal
to c, the coincidence matrix is

    o_ck = sum over u of  n_uc * (n_uk - [c == k]) / (m_u - 1)

whose row totals n_c count the pairable values equal to c, and n = sum of n_c. Then

    D_o = 1/n            * sum over c, k of  o_ck      * delta2(c, k)
    D_e = 1/(n * (n-1))  * sum over c, k of  n_c * n_k * delta2(c, k)

with the ordinal difference function (the categories present, in order, are the scale;
categories nobody used have n_g = 0 and change nothing)

    delta2(c, k) = (sum of n_g for g = c..k  -  (n_c + n_k) / 2) ** 2

So alpha only depends on the order of the values, never on their spacing: positions
0, 1, 2 and 0, 5, 90 give the same alpha.

When alpha is undefined, we return None (never a made-up number):

* fewer than 2 pairable values: no claim has been rated by two annotators yet, there is
  nothing to compare;
* no variation: every pairable value is the same category. Then every delta2 is 0, so
  D_e = 0 and D_o = 0: alpha = 1 - 0/0. Krippendorff's formula gives no number here, and
  we do not report 1.0: data in which everyone used one category cannot tell agreement from
  chance (ten annotators who rate everything "False" would otherwise score perfect
  reliability). The `krippendorff` package also refuses such data.

`AgreementReport.alpha_undefined_reason` says which case applies. Perfect agreement with
some variation between claims (claim A all "True", claim B all "False") gives exactly 1.0.

Everything is computed in exact rational arithmetic (fractions.Fraction) and converted to a
float once, at the end. This module imports no Django: views, exports and the API feed it
plain tuples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)

# Why alpha is None (AgreementReport.alpha_undefined_reason).
NOT_ENOUGH_VALUES = "fewer than 2 pairable ratings: no claim has ordinal ratings from 2 annotators"
NO_VARIATION = (
    "no variation: every pairable rating is the same, so agreement cannot be told from chance"
)

# Claims whose ratings lie this many scale steps apart or more are listed as disagreements.
DISAGREEMENT_STEPS = 2


class Coincidences(NamedTuple):
    """The coincidence matrix of the pairable values, with its margins.

    `values` are the categories present, in ascending order; `matrix[i][j]` is o_ck for
    c = values[i], k = values[j] (symmetric); `totals[i]` is n_c; `n` is the number of
    pairable values.
    """

    values: tuple[int, ...]
    matrix: tuple[tuple[Fraction, ...], ...]
    totals: tuple[int, ...]
    n: int


def _pairable(units: Mapping[K, Sequence[int]]) -> list[list[int]]:
    """The value lists of units with 2 or more values; checks every value is an int."""
    pairable = []
    for key, values in units.items():
        values = list(values)
        for value in values:
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"unit {key!r}: values must be ints, got {value!r}")
        if len(values) >= 2:
            pairable.append(values)
    return pairable


def coincidences(units: Mapping[K, Sequence[int]]) -> Coincidences:
    """Krippendorff's coincidence matrix of `units` (unit key -> values by different coders)."""
    pairable = _pairable(units)
    totals = Counter(value for values in pairable for value in values)
    values = tuple(sorted(totals))
    index = {value: i for i, value in enumerate(values)}
    matrix = [[Fraction(0)] * len(values) for _ in values]
    for unit_values in pairable:
        m = len(unit_values)
        counts = Counter(unit_values)
        for c, n_uc in counts.items():
            for k, n_uk in counts.items():
                pairs = n_uc * (n_uk - (c == k))
                if pairs:
                    matrix[index[c]][index[k]] += Fraction(pairs, m - 1)
    return Coincidences(
        values=values,
        matrix=tuple(tuple(row) for row in matrix),
        totals=tuple(totals[value] for value in values),
        n=sum(totals.values()),
    )


def ordinal_delta2(totals: Sequence[int], i: int, j: int) -> Fraction:
    """delta2 between the i-th and j-th categories present, given their totals n_g."""
    if i > j:
        i, j = j, i
    between = sum(totals[i : j + 1])
    return (between - Fraction(totals[i] + totals[j], 2)) ** 2


def _alpha(units: Mapping[K, Sequence[int]]) -> tuple[Fraction | None, str | None, Coincidences]:
    co = coincidences(units)
    if co.n < 2:
        return None, NOT_ENOUGH_VALUES, co
    if len(co.values) < 2:
        return None, NO_VARIATION, co
    size = len(co.values)
    delta2 = [[ordinal_delta2(co.totals, i, j) for j in range(size)] for i in range(size)]
    observed = sum(
        (co.matrix[i][j] * delta2[i][j] for i in range(size) for j in range(size)), Fraction(0)
    )
    expected = sum(
        (co.totals[i] * co.totals[j] * delta2[i][j] for i in range(size) for j in range(size)),
        Fraction(0),
    )
    # alpha = 1 - D_o / D_e = 1 - (observed / n) / (expected / (n (n - 1)))
    #       = 1 - (n - 1) * observed / expected.   expected > 0: two categories have n_c > 0.
    return 1 - (co.n - 1) * observed / expected, None, co


def krippendorff_alpha_ordinal(units: Mapping[K, Sequence[int]]) -> float | None:
    """Krippendorff's alpha, ordinal metric, of `units` (unit key -> coders' values).

    Units with fewer than 2 values are ignored. None when alpha is undefined: fewer than 2
    pairable values, or no variation among them (see the module docstring).
    """
    alpha, _reason, _co = _alpha(units)
    return None if alpha is None else float(alpha)


def disagreements(units: Mapping[K, Sequence[int]], min_steps: int = DISAGREEMENT_STEPS) -> list[K]:
    """Keys of the units whose values span `min_steps` or more (max - min), in input order."""
    if min_steps < 1:
        raise ValueError("min_steps must be at least 1")
    return [
        key for key, values in units.items() if values and max(values) - min(values) >= min_steps
    ]


@dataclass(frozen=True)
class AgreementReport:
    """Agreement over a set of ratings.

    alpha: Krippendorff's ordinal alpha over the ordinal ratings, None when undefined (then
        `alpha_undefined_reason` says why).
    units: claims with 2 or more ordinal ratings (the pairable units).
    pairable_values: ordinal ratings on those claims (alpha's n).
    non_ordinal: label -> number of non-ordinal ratings ("Unverifiable", "Opinion"), in order
        of first appearance; they are not part of alpha nor of the disagreements.
    disagreements: claims whose ordinal ratings lie DISAGREEMENT_STEPS or more apart, in order
        of first appearance.
    """

    alpha: float | None
    units: int
    pairable_values: int
    non_ordinal: dict[str, int] = field(default_factory=dict)
    disagreements: list = field(default_factory=list)
    alpha_undefined_reason: str | None = None


def summarise(ratings: Iterable[tuple[Hashable, Hashable, str, bool, int]]) -> AgreementReport:
    """Agreement report of `ratings`: (unit key, coder key, label, ordinal?, position) tuples.

    Ordinal ratings go into alpha by position; non-ordinal ones are counted by label. Each
    coder rates a unit at most once (one annotation per claim and author): a second rating of
    the same unit by the same coder raises ValueError.
    """
    units: dict[Hashable, list[int]] = {}
    non_ordinal: dict[str, int] = {}
    seen: set[tuple[Hashable, Hashable]] = set()
    for unit, coder, label, ordinal, position in ratings:
        if (unit, coder) in seen:
            raise ValueError(f"coder {coder!r} rated unit {unit!r} more than once")
        seen.add((unit, coder))
        if ordinal:
            units.setdefault(unit, []).append(position)
        else:
            non_ordinal[label] = non_ordinal.get(label, 0) + 1
    alpha, reason, co = _alpha(units)
    return AgreementReport(
        alpha=None if alpha is None else float(alpha),
        units=sum(1 for values in units.values() if len(values) >= 2),
        pairable_values=co.n,
        non_ordinal=non_ordinal,
        disagreements=disagreements(units),
        alpha_undefined_reason=reason,
    )
