"""casebook.reports.sts_series.synthetic: a seeded synthetic series in the schema of report 2."""

from __future__ import annotations

import pandas as pd
import pytest

from casebook.data.load import datasets, load_dataset
from casebook.exceptions import CasebookError
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series.synthetic import make_series, write_series

SLOW = pytest.mark.slow  # more seeds and sizes of the same check (a quarter of a second each): make test


@pytest.mark.parametrize("seed", [0, 1, *(pytest.param(s, marks=SLOW) for s in (2, 3, 42, 2024))])
@pytest.mark.parametrize("n_patients", [1, 2, 6, pytest.param(15, marks=SLOW)])
def test_synthetic_series_is_valid(tmp_path, seed, n_patients):
    folder = write_series(tmp_path / "syn", seed, n_patients)
    tables = load_dataset("sts-series", folder)  # raises on any schema or rule violation
    assert set(tables) == set(datasets()["sts-series"])
    assert len(tables["patients"]) == n_patients


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = (write_series(tmp_path / name, seed) for name, seed in (("a", 5), ("b", 5), ("c", 6)))
    for table in datasets()["sts-series"]:
        assert (a / f"{table}.csv").read_bytes() == (b / f"{table}.csv").read_bytes()
    assert any((a / f"{t}.csv").read_bytes() != (c / f"{t}.csv").read_bytes() for t in datasets()["sts-series"])


def test_varied_but_valid(tmp_path):
    tables = load_dataset("sts-series", write_series(tmp_path, seed=3, n_patients=6))
    reg, meas = tables["regimens"], tables["measurements"]
    assert set(reg["sessions"] == 1) == {True, False}  # single injections and repeated sessions
    lost = meas[meas["status"] == "lost_to_follow_up"]
    assert len(lost) >= 1 and lost["size_mm"].isna().all()
    assert (series.lesions_per_patient(tables) > 1).any()


@SLOW
def test_some_lesions_grow_and_some_visits_are_missed(tmp_path):
    grew = missed = 0
    for seed in range(6):
        m = series.lesion_measurements(load_dataset("sts-series", write_series(tmp_path / str(seed), seed, 8)))
        follow = m[m["week"] > 0]
        grew += int((follow["size_mm"] > follow["baseline_mm"]).sum())
        missed += int((follow["status"] == series.NOT_RECORDED).sum())
        printed = follow.dropna(subset=["reduction_printed_pct"])
        assert ((printed["reduction_printed_pct"] < 0) == (printed["size_mm"] > printed["baseline_mm"])).all()
    assert grew and missed


@SLOW
def test_printed_cells_agree_with_the_rebuild(tmp_path):
    for seed in range(5):
        tables = load_dataset("sts-series", write_series(tmp_path / str(seed), seed, 8))
        rebuilt = series.table1(tables)[series.printed_columns()]
        pd.testing.assert_frame_equal(rebuilt, series.transcribed_table1(tables))
        assert not series.reductions(tables)["reduction_differs"].any()


def test_bad_arguments():
    with pytest.raises(CasebookError):
        make_series(1.5)
    with pytest.raises(CasebookError):
        make_series(1, n_patients=0)


def test_other_follow_up_weeks(tmp_path):
    tables = load_dataset("sts-series", write_series(tmp_path, seed=1, weeks=(2, 6, 26)))
    assert sorted(tables["measurements"]["week"].unique()) == [0, 2, 6, 26]
    t1 = series.table1(tables, weeks=[2, 6, 26])
    assert "Size (mm)/reduction (%) week 26" in t1.columns
