"""Report 1 analysis (casebook.reports.jdm_case.analysis): tables, Bohan and Peter criteria, timeline events."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from casebook import load_dataset, paths, publish
from casebook.reports.jdm_case import analysis as case
from casebook.reports.jdm_case import published


@pytest.fixture(scope="module")
def data():
    return load_dataset("jdm-case")


def copy_of(data) -> dict[str, pd.DataFrame]:
    return {k: v.copy() for k, v in data.items()}


def drop_rows(data, table: str, *ids: str) -> dict[str, pd.DataFrame]:
    t = copy_of(data)
    key = case.ID_COLUMNS[table]
    t[table] = t[table][~t[table][key].isin(ids)].reset_index(drop=True)
    return t


# --- Tables -----------------------------------------------------------------------------------------------------


def test_findings_at_presentation_grouped_by_domain(data):
    f = case.findings_table(data)
    assert list(f["Domain"].drop_duplicates()) == ["Skin", "Muscle", "Constitutional", "Joint"]
    assert set(f[case.DATA_ROW]) == {f"F0{i}" for i in range(1, 9)}  # F09, F10 are complications, not presentation
    assert f.loc[f["Finding"] == "Gottron's papules", "Site"].item() == "PIP joints, elbows and knees"


def test_uln_multiples_are_exact(data):
    lab = case.lab_table(data).set_index(case.DATA_ROW)
    assert lab.loc["I01", "Multiple of ULN"] == 1.51  # 11.0 / 7.3
    assert lab.loc["I08", "Multiple of ULN"] == 2.64  # 19.3 / 7.3
    assert pd.isna(lab.loc["I02", "Multiple of ULN"]) and pd.isna(lab.loc["I03", "Value"])  # LDH, CK: no value printed
    assert list(lab["When measured"]) == ["presentation"] * 4 + ["on initial treatment"]
    assert case.uln_multiple(7.3, 7.3) == 1.0 and pd.isna(case.uln_multiple(5.0, float("nan")))


def test_lab_values_print_as_in_the_report(data):
    shown = case.present(case.lab_table(data)).set_index(case.DATA_ROW)
    printed = data["investigations"].set_index("investigation_id")["result_printed"]
    for row in ("I01", "I08"):
        assert f"{shown.loc[row, 'Value']} {shown.loc[row, 'Unit']}" in printed[row]
    assert shown.loc["I01", "Upper reference limit"] == "7.3" and shown.loc["I01", "Multiple of ULN"] == "1.51"
    assert shown.loc["I02", "Value"] == ""  # missing stays empty, never 'nan' or 0
    # the report prints the limit once; the table says which value carries it over
    assert (shown.loc["I01", "Limit"], shown.loc["I08", "Limit"], shown.loc["I02", "Limit"]) == ("printed", "assumed", "")


def test_muscle_scores_percent_of_maximum(data):
    s = case.muscle_score_table(data).set_index("Instrument")
    assert s.loc["CMAS", "Percent of maximum"] == 67.3  # 35 / 52
    assert s.loc["MMT8", "Percent of maximum"] == 62.5  # 50 / 80
    assert (s.loc["CMAS", "Points"], s.loc["CMAS", "Maximum"]) == (35, 52)
    shown = case.present(case.muscle_score_table(data))
    assert list(shown["Points"]) == ["35", "50"] and list(shown["Percent of maximum"]) == ["67.3", "62.5"]


def test_treatment_history_in_order_with_reason_and_response(data):
    t = case.treatment_table(data)
    assert list(t[case.DATA_ROW]) == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]
    assert list(t["Step"]) == [1, 2, 2, 3, 4, 5, 6]
    by = t.set_index(case.DATA_ROW)
    assert by.loc["T6", "Concentration (%)"] == 3 and by.loc["T7", "Concentration (%)"] == 10
    assert by.loc["T5", "Months from onset"] == 24 and pd.isna(by.loc["T4", "Months from onset"])
    assert by.loc["T5", "Response"] == "without benefit"


def test_publish_table_writes_three_formats(data, tmp_path):
    publish.table(published.table("laboratory", data), tables_dir=str(tmp_path))
    stem = tmp_path / published.STEMS["laboratory"]
    for ext in ("csv", "md", "tex"):
        assert stem.with_suffix(f".{ext}").is_file()
    back = pd.read_csv(stem.with_suffix(".csv"), dtype=str, keep_default_na=False)
    assert list(back["Multiple of ULN"]) == ["1.51", "", "", "", "2.64"]
    assert r"\toprule" in stem.with_suffix(".tex").read_text()


# --- Bohan and Peter --------------------------------------------------------------------------------------------


def test_criteria_from_the_data_rows(data):
    crit = {c.number: c for c in case.evaluate_criteria(data)}
    assert crit[1].status == "not stated" and crit[1].rows == ("F08",) and "symmetry" in crit[1].caveat
    assert crit[2].status == "met" and {"I01", "I08"} <= set(crit[2].rows) and "creatine kinase" in crit[2].note
    assert crit[3].status == "met" and crit[3].rows == ("I06",)
    assert crit[4].status == "not documented" and crit[4].rows == ()
    assert crit[5].status == "met" and set(crit[5].rows) == {"F04", "F05"}
    assert case.criteria_category(list(crit.values())) == "probable"  # never guessed: symmetry is not stated
    assert case.criteria_category(list(crit.values()), count_caveated=True) == "definite"


def test_criteria_table_ends_with_the_category(data):
    t = case.criteria_table(data)
    assert len(t) == 6 and t.iloc[-1]["Status"] == "probable"
    assert t.iloc[0]["Status"] == "not stated" and "definite if" in t.iloc[-1]["Comment"]
    assert t.set_index("No.").loc[3, case.DATA_ROW] == "I06"


def test_category_possible_without_the_emg_row(data, tmp_path):
    folder = tmp_path / "jdm-case"
    shutil.copytree(paths.DATA / "jdm-case", folder)
    inv = pd.read_csv(folder / "investigations.csv", dtype=str, keep_default_na=False)
    inv[inv["investigation_id"] != "I06"].to_csv(folder / "investigations.csv", index=False)
    without_emg = load_dataset("jdm-case", folder)
    crit = case.evaluate_criteria(without_emg)
    assert crit[2].status == "not documented"
    assert case.criteria_category(crit) == "possible"
    assert case.criteria_table(without_emg).iloc[-1]["Status"] == "possible"


def test_category_follows_each_criterion(data):
    assert case.criteria_category(case.evaluate_criteria(drop_rows(data, "investigations", "I06", "I01", "I08"))).startswith("not met")
    assert case.criteria_category(case.evaluate_criteria(drop_rows(data, "findings", "F04", "F05"))).startswith("not met")
    t = copy_of(data)
    t["findings"].loc[t["findings"]["finding_id"] == "F08", "finding"] = "symmetric proximal muscle weakness"
    crit = case.evaluate_criteria(t)
    assert crit[0].status == "met" and crit[0].caveat == "" and case.criteria_category(crit) == "definite"
    t["findings"].loc[t["findings"]["finding_id"] == "F08", "finding"] = "asymmetric proximal muscle weakness"
    assert case.evaluate_criteria(t)[0].status == "not met"


def test_elevated_enzyme_needs_an_elevated_row(data):
    t = copy_of(data)
    inv = t["investigations"]
    inv.loc[inv["test"] == "aldolase", "result"] = "normal"
    inv.loc[inv["test"] == "aldolase", "value"] = 5.0
    assert case.evaluate_criteria(t)[1].status == "not met"


def test_biopsy_row_counts_when_present(data):
    t = copy_of(data)
    row = t["investigations"].iloc[[5]].copy()
    row[["investigation_id", "kind", "test", "result"]] = ["I99", "histology", "muscle biopsy", "perifascicular atrophy"]
    t["investigations"] = pd.concat([t["investigations"], row], ignore_index=True)
    crit = case.evaluate_criteria(t)
    assert crit[3].status == "met" and crit[3].rows == ("I99",)


# --- Timeline ---------------------------------------------------------------------------------------------------


def test_undated_events_are_flagged_and_carry_no_time(data):
    ev = case.timeline_events(data)
    undated = ev[~ev["dated"]]
    assert len(undated) == len(ev) - 3
    assert undated["time_value"].isna().all() and (undated["timing"] == "").all()
    dated = ev[ev["dated"]].set_index("rows")
    assert dated["time_value"].notna().all()


def test_dated_events_carry_the_printed_value(data):
    ev = case.timeline_events(data)
    dated = {r.label: (r.time_value, r.time_anchor) for r in ev[ev["dated"]].itertuples()}
    assert dated["Presentation"] == (46, "birth (age)")
    assert dated["Alendronate"] == (24, "disease onset")
    assert dated["Assessment on topical sodium thiosulfate"] == (9, "start of topical sodium thiosulfate")
    timing = dict(zip(ev["label"], ev["timing"], strict=False))
    assert timing["Presentation"] == "age 46 months" and timing["Alendronate"] == "24 months from disease onset"


def test_events_in_their_known_order(data):
    ev = case.timeline_events(data)
    order = dict(zip(ev["rows"], ev["order"], strict=False))
    first_rows = ev.iloc[0]["rows"].split("; ")
    assert first_rows[0] == "C1" and ev.iloc[-1]["kind"] == "outcome"
    assert (
        order["T1"]
        < order["T2; T3"]
        < order["F09; F10"]
        < order["I08; M1; M2"]
        < order["T4"]
        < order["T5"]
        < order["T6"]
        < order["T7"]
    )
    assert list(ev["order"]) == list(range(1, len(ev) + 1))


def test_removing_a_printed_timing_makes_the_event_undated(data):
    t = copy_of(data)
    t["treatments"]["timing_months_from_onset"] = float("nan")
    ev = case.timeline_events(t).set_index("rows")
    assert not ev.loc["T5", "dated"] and pd.isna(ev.loc["T5", "time_value"])


def test_only_the_printed_interval_is_known(data):
    ev = case.timeline_events(data)
    order = dict(zip(ev["rows"], ev["order"], strict=False))
    assert case.known_intervals(ev) == [(order["T6"], order["O1; O2; O3"], "9 months")]


def test_timeline_table_says_not_reported(data):
    t = case.timeline_table(data)
    assert (t["Timing"] == "not reported").sum() == len(t) - 3
    assert "age 46 months" in set(t["Timing"])
