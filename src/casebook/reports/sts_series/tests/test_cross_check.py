"""The claims audit recomputes on purpose without casebook.reports.sts_series.analysis (an independent second derivation).
These tests make the two agree, so neither can drift silently."""

from __future__ import annotations

import pytest

from casebook import load_dataset
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import claim_rows, claims_outcomes
from casebook.reports.sts_series import claims as audit


@pytest.fixture(scope="module")
def data() -> dict:
    return load_dataset("sts-series")


def _reading(readings, name: str) -> float:
    (value,) = [r.value for r in readings if r.name == name]
    return float(value)


@pytest.mark.parametrize("week", [4, 12])
def test_mean_reductions_agree(data, week):
    readings = claims_outcomes.mean_reduction(data, str(week))
    t = data
    assert _reading(readings, "per lesion, % from sizes") == pytest.approx(series.mean_reduction(t, week, "lesion"))
    assert _reading(readings, "per lesion, printed %") == pytest.approx(series.mean_reduction(t, week, "lesion", "printed"))


def test_injection_totals_agree(data):
    per_lesion = sum(w for _, w in audit._injections_per_lesion(data))
    assert per_lesion == series.injections_total(data, per="lesion")
    assert series.injections_total(data, per="visit") < per_lesion  # two lesions injected at one visit


def test_dose_ranges_agree(data):
    (reading,) = audit.dose_range(data)
    assert tuple(float(v) for v in reading.value) == series.dose_range(data)


def test_complete_remissions_agree(data):
    c = series.complete_remissions(data, 12, "lesion")
    m12 = claim_rows._measured(data, 12)
    assert c["complete"] == sum(r["size_mm"] == 0 for r in m12) and c["measured"] == len(m12)
