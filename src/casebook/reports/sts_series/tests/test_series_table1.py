"""casebook.reports.sts_series.analysis: Table 1 rebuilt cell by cell."""

from __future__ import annotations

import pandas as pd
import pytest

from casebook import publish
from casebook.exceptions import CasebookError
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import published

from helpers import copy_tables, table1_rows

PRINTED_TABLE1 = table1_rows()  # Table 1 as printed, one row per patient (helpers.TABLE1)


# ------------------------------------------------------------------------------------------------ Table 1


def test_table1_headers_are_the_printed_ones_with_recomputed_columns_beside_the_weeks(tables):
    t1 = series.table1(tables)
    assert list(t1.columns) == [
        "Diagnosis/age, years",
        "Localization",
        "Size of calcinosis, mm",
        "Treatment",
        "Sodium thiosulphate, mg Mean (range)",
        "Complications",
        "Size (mm)/reduction (%) week 4",
        "Reduction from sizes (%) week 4",
        "Size (mm)/reduction (%) week 12",
        "Reduction from sizes (%) week 12",
    ]


def test_every_printed_cell_matches_the_report(tables):
    t1 = series.table1(tables, view="printed")[series.printed_columns()]
    assert t1.shape == (6, 8)
    for i, expected_row in enumerate(PRINTED_TABLE1):
        for col, expected in zip(t1.columns, expected_row, strict=False):
            assert t1.iloc[i][col] == expected, f"row {i + 1}, {col!r}"


def test_every_printed_cell_matches_the_transcription(tables):
    rebuilt = series.table1(tables, view="printed")[series.printed_columns()]
    transcribed = series.transcribed_table1(tables)
    assert rebuilt.shape == transcribed.shape
    for i in range(len(rebuilt)):
        for col in rebuilt.columns:
            assert rebuilt.iloc[i][col] == transcribed.iloc[i][col], f"row {i + 1}, {col!r}"


def test_transcription_cells_come_from_the_printed_columns(tables):
    tr = series.transcribed_table1(tables)
    pat = tables["patients"].sort_values("table_row")
    assert list(tr["Diagnosis/age, years"]) == [f"{d}/{a}" for d, a in zip(pat["diagnosis_printed"], pat["age_years"], strict=False)]
    assert list(tr["Treatment"]) == list(tables["regimens"].set_index("patient_id").loc[pat["patient_id"], "treatment_printed"])
    assert list(tr["Sodium thiosulphate, mg Mean (range)"]) == list(
        tables["regimens"].set_index("patient_id").loc[pat["patient_id"], "dose_printed"]
    )


def test_a_changed_size_breaks_the_comparison(tables):
    t = copy_tables(tables)
    t["measurements"].loc[(t["measurements"]["lesion_id"] == "L2") & (t["measurements"]["week"] == 4), "size_mm"] = 31.0
    rebuilt = series.table1(t)[series.printed_columns()]
    assert not rebuilt.equals(series.transcribed_table1(t))
    assert rebuilt.iloc[1]["Size (mm)/reduction (%) week 4"] == "31/57"


def test_printed_view_keeps_the_typo_and_corrected_view_says_nsf(tables):
    printed = series.table1(tables, view="printed")
    corrected = series.table1(tables, view="corrected")
    assert printed.iloc[5]["Diagnosis/age, years"] == "NSE/49"
    assert corrected.iloc[5]["Diagnosis/age, years"] == "NSF/49"
    assert not corrected["Diagnosis/age, years"].str.contains("NSE").any()


def test_corrected_view_uses_the_reductions_from_the_sizes(tables):
    corrected = series.table1(tables, view="corrected")
    assert corrected.iloc[3]["Size (mm)/reduction (%) week 12"] == "10/80"  # a query: the printed cell stays
    assert corrected.iloc[3]["Size (mm)/reduction (%) week 4"] == "50/38"  # 37.5 rounded half up
    assert corrected.iloc[5]["Size (mm)/reduction (%) week 12"] == "Lost to follow-up"


def test_recomputed_reductions_are_beside_the_printed_ones_and_flag_the_difference(tables):
    t1 = series.table1(tables, with_flag=True)
    assert t1.iloc[3]["Reduction from sizes (%) week 12"] == "87.5 (printed 80)"
    assert t1.iloc[1]["Reduction from sizes (%) week 4"] == "57.1"
    assert t1.iloc[5]["Reduction from sizes (%) week 4"] == "60.0; 58.8"
    assert t1.iloc[5]["Reduction from sizes (%) week 12"] == "Lost to follow-up"
    assert list(t1[series.DIFFERS_FLAG]) == [False, False, False, True, False, False]


def test_lesion_layout_repeats_the_shared_cells(tables):
    t1 = series.table1(tables, layout="lesion")
    assert len(t1) == 7
    assert list(t1["Lesion"]) == ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
    assert list(t1["Size of calcinosis, mm"].iloc[5:]) == ["75", "85"]
    assert list(t1["Size (mm)/reduction (%) week 4"].iloc[5:]) == ["30/60", "35/59"]
    assert t1["Treatment"].iloc[5] == t1["Treatment"].iloc[6]


def test_table1_follows_the_weeks_asked_for(tables):
    t1 = series.table1(tables, weeks=[4])
    assert "Size (mm)/reduction (%) week 12" not in t1.columns
    with pytest.raises(CasebookError):
        series.table1(tables, weeks=[0])
    with pytest.raises(CasebookError):
        series.table1(tables, view="other")


def test_footnote_is_built_from_the_diagnoses_present(tables):
    assert series.table1_footnote(tables) == "SSc: systemic sclerosis; NSF: nephrogenic systemic fibrosis."
    t = copy_tables(tables)
    t["patients"].loc[t["patients"]["patient_id"] == "P6", "diagnosis"] = "DM"
    assert series.table1_footnote(t) == "SSc: systemic sclerosis; DM: dermatomyositis."


def test_write_table1_writes_csv_markdown_and_booktabs(tables, tmp_path):
    written = publish.table(published.table1_table(tables), tables_dir=tmp_path).files
    assert sorted(p.name for p in written) == ["sts-series-table1.csv", "sts-series-table1.md", "sts-series-table1.tex"]
    assert series.DIFFERS_FLAG not in (tmp_path / "sts-series-table1.csv").read_text()  # a flag is colour, not data
    csv = pd.read_csv(tmp_path / "sts-series-table1.csv", dtype=str, keep_default_na=False)
    assert csv.iloc[5]["Diagnosis/age, years"] == "NSE/49"
    md = (tmp_path / "sts-series-table1.md").read_text()
    tex = (tmp_path / "sts-series-table1.tex").read_text()
    assert "SSc: systemic sclerosis; NSF: nephrogenic systemic fibrosis." in md
    assert r"\toprule" in tex and r"\bottomrule" in tex and "nephrogenic systemic fibrosis" in tex
    assert r"87.5 (printed 80)" in tex and r"\%" in tex
    assert publish.table(published.table1_table(tables), tables_dir=tmp_path).files == written
    assert (tmp_path / "sts-series-table1.md").read_text() == md
