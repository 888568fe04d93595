"""The data reproduce every value printed in report 2's Table 1 and every number in report 1's case description.

The expected values below are typed from the reports once, here, as the test's fixed reference; the project's
code never reads the reports.
"""

from __future__ import annotations

import pandas as pd
import pytest

from casebook import load_dataset

from helpers import TABLE1


@pytest.fixture(scope="module")
def series():
    return load_dataset("sts-series")


def _fmt(x: float) -> str:
    return f"{x:g}"


def _rebuilt_rows(t) -> list[tuple[str, ...]]:
    def facts(name, *cols):
        return t[name][["patient_id", *cols]]

    lesions = t["lesions"][["lesion_id", "patient_id", "site"]]
    lesions = lesions.merge(facts("patients", "diagnosis_printed", "age_years"), on="patient_id")
    lesions = lesions.merge(facts("regimens", "treatment_printed", "dose_printed"), on="patient_id")
    lesions = lesions.merge(facts("complications", "complication_printed"), on="patient_id")
    m = t["measurements"].set_index(["lesion_id", "week"])
    rows = []
    for _, r in lesions.iterrows():

        def cell(week, r=r):
            x = m.loc[(r["lesion_id"], week)]
            if x["status"] != "measured":
                return "Lost to follow-up"
            return f"{_fmt(x['size_mm'])}/{_fmt(x['reduction_printed_pct'])}"

        rows.append(
            (
                f"{r['diagnosis_printed']}/{r['age_years']}",
                r["site"],
                _fmt(m.loc[(r["lesion_id"], 0), "size_mm"]),
                r["treatment_printed"],
                r["dose_printed"],
                r["complication_printed"],
                cell(4),
                cell(12),
            )
        )
    return rows


def test_table1_every_printed_cell(series):
    assert _rebuilt_rows(series) == TABLE1


def test_structured_doses_match_printed_dose_cells(series):
    for _, r in series["regimens"].iterrows():
        if r["sessions"] == 1:
            assert r["dose_printed"] == _fmt(r["dose_mean_mg"])
        else:
            assert r["dose_printed"] == f"{_fmt(r['dose_mean_mg'])} ({_fmt(r['dose_min_mg'])}-{_fmt(r['dose_max_mg'])})"


def test_footnote_abbreviations_and_typo_kept(series):
    p = series["patients"]
    assert p.loc[p["diagnosis_printed"] == "NSE", "diagnosis"].tolist() == ["NSF"]
    assert sorted(p["diagnosis"].unique()) == ["NSF", "SSc"]


def test_report2_methods_facts(series):
    study = series["study"].set_index("key")["value"]
    assert study["concentration"] == "150" and study["follow_up_weeks"] == "4;12"
    assert (study["period_start"], study["period_end"]) == ("2014-07", "2014-12")
    assert (series["regimens"]["concentration_mg_per_ml"] == 150).all()
    assert (series["patients"]["sex"] == "female").all()


@pytest.fixture(scope="module")
def case():
    return load_dataset("jdm-case")


def test_report1_age_and_sex(case):
    c = case["case"].iloc[0]
    assert (c["sex"], c["ancestry"], c["age_printed"]) == ("male", "Caucasian", "3 years and 10 months")
    assert c["age_at_presentation_months"] == 3 * 12 + 10


def test_report1_aldolase_values_and_limit(case):
    ald = case["investigations"].query("test == 'aldolase'")
    assert ald["value"].tolist() == [11.0, 19.3]
    assert (ald["upper_limit"] == 7.3).all() and (ald["unit"] == "U/L").all()


def test_report1_muscle_scores(case):
    s = case["muscle_scores"].set_index("instrument")
    assert (s.loc["CMAS", "points"], s.loc["CMAS", "maximum"]) == (35, 52)
    assert (s.loc["MMT8", "points"], s.loc["MMT8", "maximum"]) == (50, 80)


def test_report1_treatments_in_order(case):
    t = case["treatments"].sort_values(["sequence", "treatment_id"])
    assert t["agent"].tolist() == [
        "corticosteroid",
        "corticosteroid",
        "hydroxychloroquine",
        "methotrexate",
        "alendronate",
        "sodium thiosulfate",
        "sodium thiosulfate",
    ]
    sts = t[t["agent"] == "sodium thiosulfate"]
    assert sts["concentration_pct"].tolist() == [3, 10]
    assert t.loc[t["agent"] == "alendronate", "timing_months_from_onset"].item() == 24
    assert pd.isna(t.loc[t["agent"] == "methotrexate", "timing_months_from_onset"].item())


def test_report1_outcome_after_nine_months(case):
    o = case["outcomes"]
    assert set(o["months_on_treatment"]) == {9}
    assert {"calcinosis", "ulceration"} <= set(o["domain"])
