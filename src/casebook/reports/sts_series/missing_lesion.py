"""A hypothesis, not a verdict: which single missing lesion would make report 2's Results add up to Table 1."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pandas as pd

from casebook.audit import compare
from casebook.audit.readings import F
from casebook.reports.sts_series.claims import _injections_per_lesion, _measured


def missing_lesion_scenarios_from_register(data: dict, claims: pd.DataFrame) -> pd.DataFrame:
    """:func:`missing_lesion_scenarios` with every printed number taken from the claims register."""
    printed = claims.set_index("claim_id")["printed"]

    def count(claim_id: str) -> int:
        return int(compare.parse_numbers(printed[claim_id])[0].value)

    return missing_lesion_scenarios(
        data, count("sts-results-lesions"), count("sts-results-injections"),
        printed["sts-results-reduction-w4"], printed["sts-results-reduction-w12"],
        printed["sts-results-complete-remission"], printed["sts-results-remaining-mean"],
    )


def missing_lesion_scenarios(data: dict, lesions: int, injections: int, week4_mean: str, week12_mean: str,
                             complete_pct: str, remaining_mean: str) -> pd.DataFrame:
    """Which extra lesion (injections k, printed week-4 and week-12 reductions x and y, both integers)
    would make the printed Results summaries consistent under the per-lesion, printed-% reading.

    The printed numbers are passed in (from the register); the search tries k = 1..4, x, y = 0..100.
    A hypothesis, not a verdict: it shows how far the Results are from Table 1.
    """
    have = len(data["lesions"])
    if lesions - have != 1:
        return pd.DataFrame(columns=["injections", "week4_pct", "week12_pct"])
    base_inj = sum(w for _, w in _injections_per_lesion(data))
    w4 = [F(v) for v in _measured(data, 4)["reduction_printed_pct"]]
    m12 = _measured(data, 12)
    w12 = [F(v) for v in m12["reduction_printed_pct"]]
    p4, p12, pc, pr = (compare.parse_numbers(t)[0] for t in (week4_mean, week12_mean, complete_pct, remaining_mean))
    rows = []
    ks = [k for k in range(1, 5) if base_inj + k == injections]
    for k, x, y in itertools.product(ks, range(101), range(101)):
        if not compare.matches_printed((sum(w4) + x) / (len(w4) + 1), p4).matched:
            continue
        w12_all = w12 + [Fraction(y)]
        if not compare.matches_printed(sum(w12_all) / len(w12_all), p12).matched:
            continue
        sizes12 = list(m12["size_mm"]) + [0 if y == 100 else 1]
        complete = sum(1 for s in sizes12 if s == 0)
        if not compare.matches_printed(Fraction(100 * complete, len(sizes12)), pc).matched:
            continue
        rest = [v for v, s in zip(w12_all, sizes12, strict=False) if s != 0]
        if not rest or not compare.matches_printed(sum(rest) / len(rest), pr).matched:
            continue
        rows.append({"injections": k, "week4_pct": x, "week12_pct": y})
    return pd.DataFrame(rows, columns=["injections", "week4_pct", "week12_pct"])
