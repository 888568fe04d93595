"""casebook.reports.sts_series.analysis: reductions, doses, injections and outcomes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from casebook import publish
from casebook.exceptions import CasebookError
from casebook.publish.tables import show_table
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import published

from helpers import copy_tables, lose_week

# ------------------------------------------------------------------------------------------------ reductions


def test_reduction_from_sizes():
    assert series.reduction_pct(80, 10) == 87.5
    assert series.reduction_pct(3, 0) == 100.0
    assert math.isnan(series.reduction_pct(80, float("nan")))
    assert math.isnan(series.reduction_pct(0, 0))


def test_round_half_up():
    assert series.round_half_up(37.5) == 38
    assert series.round_half_up(87.5) == 88
    assert series.round_half_up(58.82) == 59
    assert math.isnan(series.round_half_up(float("nan")))


def test_printed_reductions_are_kept_and_only_l4_week_12_differs(tables):
    r = series.reductions(tables).set_index(["lesion_id", "week"])
    assert r.loc[("L4", 12), "reduction_printed_pct"] == 80
    assert r.loc[("L4", 12), "reduction_recomputed_pct"] == 87.5
    assert r.loc[("L4", 4), "reduction_recomputed_pct"] == 37.5
    assert not r.loc[("L4", 4), "reduction_differs"]  # 38 is 37.5 rounded
    assert list(r.index[r["reduction_differs"]]) == [("L4", 12)]


def test_lost_lesions_have_no_size_and_no_reduction(tables):
    m = series.lesion_measurements(tables).set_index(["lesion_id", "week"])
    for lid in ("L6", "L7"):
        row = m.loc[(lid, 12)]
        assert row["status"] == series.LOST
        assert pd.isna(row["size_mm"]) and pd.isna(row["reduction_recomputed_pct"])


def test_missing_measurement_row_is_not_recorded_not_zero(tables):
    t = copy_tables(tables)
    meas = t["measurements"]
    t["measurements"] = meas[~((meas["lesion_id"] == "L3") & (meas["week"] == 12))]
    m = series.lesion_measurements(t).set_index(["lesion_id", "week"])
    assert m.loc[("L3", 12), "status"] == series.NOT_RECORDED
    assert pd.isna(m.loc[("L3", 12), "size_mm"])
    o = series.outcomes(t).set_index(["week", "unit"])
    assert o.loc[(12, "lesion"), "not_recorded"] == 1
    assert o.loc[(12, "lesion"), "measured"] == 4
    assert series.table1(t).iloc[2]["Size (mm)/reduction (%) week 12"] == "Not recorded"


# ------------------------------------------------------------------------------------------------ doses and injections


def test_injections_per_lesion_and_in_total_under_both_readings(tables):
    per_lesion = series.injections_per_lesion(tables)
    assert per_lesion.to_dict() == {"L1": 1, "L2": 4, "L3": 4, "L4": 4, "L5": 1, "L6": 3, "L7": 3}
    assert series.injections_total(tables, per="lesion") == 20
    assert series.injections_total(tables, per="visit") == 17
    with pytest.raises(CasebookError):
        series.injections_total(tables, per="patient")
    inj = series.injections(tables).set_index("patient_id")
    assert inj.loc["P6", "injections_per_lesion_reading"] == 6
    assert inj.loc["P6", "injections_per_visit_reading"] == 3
    assert inj.loc["Total", "lesions"] == 7


def test_volume_is_dose_over_concentration(tables):
    v = series.injected_volumes(tables, 150.0).set_index("patient_id")
    reg = tables["regimens"].set_index("patient_id")
    for col in ("mean", "min", "max"):
        assert (v[f"volume_{col}_ml"] - reg[f"dose_{col}_mg"] / 150.0).abs().max() < 1e-12
    assert v.loc["P4", "volume_mean_ml"] == pytest.approx(1.0)
    assert v.loc["P4", "volume_max_ml"] == pytest.approx(275 / 150)
    assert v.loc["P1", "volume_mean_ml"] == pytest.approx(12.5 / 150)
    assert list(v["dose_shared"]) == [False, False, False, False, False, True]
    v100 = series.injected_volumes(tables, 100.0).set_index("patient_id")
    assert v100.loc["P4", "volume_mean_ml"] == pytest.approx(1.5)
    assert series.injected_volumes(tables)["concentration_mg_per_ml"].eq(150).all()  # from the data
    with pytest.raises(CasebookError):
        series.injected_volumes(tables, 0)


def test_doses_per_lesion_mark_the_shared_dose(tables):
    d = series.doses_per_lesion(tables, 150.0).set_index("lesion_id")
    assert d.loc["L6", "dose_shared"] and d.loc["L7", "dose_shared"]
    assert d.loc["L6", "dose_mean_mg"] == 120 and d.loc["L6", "injections"] == 3
    assert series.dose_range(tables) == (12.5, 275.0)


# ------------------------------------------------------------------------------------------------ summaries and outcomes


def test_series_overview(tables):
    ov = series.series_overview(tables)
    assert ov["patients"] == 6 and ov["lesions"] == 7
    assert ov["sexes"] == {"female": 6}
    assert ov["age_min"] == 49 and ov["age_max"] == 74
    assert ov["age_mean"] == pytest.approx(377 / 6)
    assert ov["diagnoses"] == {"SSc": 5, "NSF": 1}
    assert ov["regimens"] == {"single": 2, "weekly": 4}


def test_patient_and_lesion_summaries(tables):
    ps = series.patient_summary(tables).set_index("patient_id")
    assert ps.loc["P6", "lesions"] == 2 and ps.loc["P6", "last_week_measured"] == 4
    assert ps.loc["P6", "status_week_12"] == series.LOST and ps.loc["P1", "status_week_12"] == series.MEASURED
    ls = series.lesion_summary(tables).set_index("lesion_id")
    assert ls.loc["L7", "baseline_mm"] == 85 and ls.loc["L7", "status_week_12"] == series.LOST
    assert ls.loc["L4", "reduction_recomputed_week_12_pct"] == 87.5 and ls.loc["L4", "last_week_measured"] == 12


def test_outcomes_count_lost_lesions_explicitly_and_never_as_zero(tables):
    o = series.outcomes(tables).set_index(["week", "unit"])
    w12 = o.loc[(12, "lesion")]
    assert (w12["total"], w12["measured"], w12["lost"]) == (7, 5, 2)
    measured = [100, 100 * 65 / 70, 100 * 4 / 6, 87.5, 100]
    assert w12["mean_reduction_recomputed_pct"] == pytest.approx(sum(measured) / 5)
    assert w12["mean_reduction_recomputed_pct"] != pytest.approx(sum(measured) / 7)  # lost counted as 0
    assert w12["median_reduction_recomputed_pct"] == pytest.approx(100 * 65 / 70)
    assert w12["mean_reduction_printed_pct"] == pytest.approx(88.0)
    assert w12["complete_remissions"] == 2
    p12 = o.loc[(12, "patient")]
    assert (p12["total"], p12["measured"], p12["lost"]) == (6, 5, 1)


def test_week_4_means_and_medians_per_lesion_and_per_patient(tables):
    rec = [100, 100 * 40 / 70, 50, 37.5, 75, 60, 100 * 50 / 85]
    assert series.mean_reduction(tables, 4) == pytest.approx(sum(rec) / 7)
    assert series.median_reduction(tables, 4) == pytest.approx(100 * 50 / 85)
    assert series.mean_reduction(tables, 4, source="printed") == pytest.approx(439 / 7)
    per_patient = [100, 100 * 40 / 70, 50, 37.5, 75, (60 + 100 * 50 / 85) / 2]
    assert series.mean_reduction(tables, 4, unit="patient") == pytest.approx(sum(per_patient) / 6)
    assert series.complete_remissions(tables, 4) == {"complete": 1, "measured": 7, "lost": 0, "total": 7}
    assert series.complete_remissions(tables, 12, unit="patient") == {"complete": 2, "measured": 5, "lost": 1, "total": 6}
    with pytest.raises(CasebookError):
        series.mean_reduction(tables, 4, unit="visit")


def test_partly_measured_patient(tables):
    t = copy_tables(tables)
    meas = t["measurements"]
    i = meas.index[(meas["lesion_id"] == "L7") & (meas["week"] == 12)][0]
    meas.loc[i, ["status", "size_mm", "reduction_printed_pct"]] = ["measured", 0.0, 100.0]
    pr = series.patient_reductions(t).set_index(["patient_id", "week"])
    assert pr.loc[("P6", 12), "status"] == series.PARTLY
    assert pr.loc[("P6", 12), "lesions_measured"] == 1 and pr.loc[("P6", 12), "lesions_lost"] == 1
    assert not pr.loc[("P6", 12), "complete_remission"]
    o = series.outcomes(t).set_index(["week", "unit"])
    assert o.loc[(12, "patient"), "partly_measured"] == 1 and o.loc[(12, "patient"), "lost"] == 0


def test_all_lost_at_a_week_gives_no_mean(tables):
    t = lose_week(tables, 12)
    o = series.outcomes(t).set_index(["week", "unit"])
    assert o.loc[(12, "lesion"), "measured"] == 0 and o.loc[(12, "lesion"), "lost"] == 7
    assert math.isnan(o.loc[(12, "lesion"), "mean_reduction_recomputed_pct"])
    table = series.outcomes_table(t)
    assert table.loc[(table["Week"] == 12) & (table["Unit"] == "lesion"), "Mean reduction from sizes, %"].item() == ""


def test_write_derived_tables(tables, tmp_path):
    written = []
    for spec in (
        published.reductions_table(tables, [4, 12]),
        published.outcomes(tables, [4, 12]),
        published.doses_table(tables, 150.0),
        published.injections_table(tables),
        published.lesions_table(tables, [4, 12]),
        published.patients_table(tables, [4, 12]),
    ):
        written += publish.table(spec, tables_dir=tmp_path).files
    names = {p.name for p in written}
    for stem in ("reductions", "outcomes", "doses", "injections", "lesions", "patients"):
        assert {f"sts-series-{stem}.{ext}" for ext in ("csv", "md", "tex")} <= names
    doses = pd.read_csv(tmp_path / "sts-series-doses.csv")
    assert doses.loc[doses["patient_id"] == "P4", "volume_max_ml"].item() == pytest.approx(1.833)


def test_compare_table1_lists_every_printed_cell(tables):
    cmp = series.compare_table1(tables)
    assert len(cmp) == 6 * 8 and cmp["same"].all()
    t = copy_tables(tables)
    t["regimens"].loc[t["regimens"]["patient_id"] == "P3", "dose_printed"] = "37.5 (25-62)"
    bad = series.compare_table1(t)
    assert list(bad.loc[~bad["same"], ["row", "column"]].itertuples(index=False, name=None)) == [
        (3, "Sodium thiosulphate, mg Mean (range)")
    ]


def test_show_table_has_fixed_html_and_no_memory_address(tables):
    shown = show_table(series.table1(tables, with_flag=True), "t1", highlight={series.DIFFERS_FLAG: "#fde3c8"})
    html = shown._repr_html_()
    assert (
        "T_t1" in html
        and "#fde3c8" in html
        and html
        == show_table(series.table1(tables, with_flag=True), "t1", highlight={series.DIFFERS_FLAG: "#fde3c8"})._repr_html_()
    )
    text = repr(shown)
    assert "0x" not in text and "NSE/49" in text and series.DIFFERS_FLAG not in text
