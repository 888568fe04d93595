"""The claims audit recomputes on purpose without casebook.reports.sts_series.analysis (an independent second derivation).
These tests make the two agree, so neither can drift silently."""

from __future__ import annotations

import pytest

from casebook.audit import core as audit
from casebook.reports.sts_series import analysis as series


@pytest.fixture(scope="module")
def data() -> audit.AuditData:
    return audit.load_data()


def _reading(readings, name: str) -> float:
    (value,) = [r.value for r in readings if r.name == name]
    return float(value)


@pytest.mark.parametrize("week", [4, 12])
def test_mean_reductions_agree(data, week):
    readings = audit.mean_reduction(data, str(week))
    t = data.series
    assert _reading(readings, "per lesion, % from sizes") == pytest.approx(series.mean_reduction(t, week, "lesion"))
    assert _reading(readings, "per lesion, printed %") == pytest.approx(series.mean_reduction(t, week, "lesion", "printed"))


def test_injection_totals_agree(data):
    per_lesion = sum(w for _, w in audit._injections_per_lesion(data))
    assert per_lesion == series.injections_total(data.series, per="lesion")
    assert series.injections_total(data.series, per="visit") < per_lesion  # two lesions injected at one visit


def test_dose_ranges_agree(data):
    (reading,) = audit.dose_range(data)
    assert tuple(float(v) for v in reading.value) == series.dose_range(data.series)


def test_complete_remissions_agree(data):
    c = series.complete_remissions(data.series, 12, "lesion")
    m12 = audit._measured(data, 12)
    assert c["complete"] == int((m12["size_mm"] == 0).sum()) and c["measured"] == len(m12)
