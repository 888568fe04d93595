"""Loading and validation: the real data pass, and every file of the bad-input corpus fails with its exact problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from casebook import DataValidationError, load_dataset, paths, validate_all
from casebook.data.load import datasets, dictionary_path

CORPUS = Path(__file__).parents[1] / "bad-inputs" / "data"
CASES = sorted(p.name for p in CORPUS.iterdir())


def test_every_dataset_loads_with_types():
    series = load_dataset("sts-series")
    assert set(series) == set(datasets()["sts-series"])
    assert series["measurements"]["size_mm"].dtype == "float64"
    assert str(series["patients"]["age_years"].dtype) == "Int64"
    case = load_dataset("jdm-case")
    assert case["case"].loc[0, "age_at_presentation_months"] == 46


def test_lost_to_follow_up_is_missing_not_zero():
    m = load_dataset("sts-series")["measurements"]
    lost = m[m["status"] == "lost_to_follow_up"]
    assert len(lost) == 2 and lost["size_mm"].isna().all()


def test_validate_all_counts_rows():
    counts = validate_all()
    assert counts["sts-series/lesions"] == 7 and counts["jdm-case/treatments"] == 7


def test_corpus_is_large_enough():
    assert len(CASES) >= 20


def _broken_copy(case: str, tmp_path: Path) -> tuple[str, Path]:
    folder = CORPUS / case
    dataset = (folder / "dataset.txt").read_text().strip()
    target = tmp_path / dataset
    shutil.copytree(paths.DATA / dataset, target)
    for f in folder.glob("*.csv"):
        shutil.copy(f, target / f.name)
    return dataset, target


@pytest.mark.parametrize("case", [c if i % 2 == 0 else pytest.param(c, marks=pytest.mark.slow)  # half in make check
                                  for i, c in enumerate(CASES)])
def test_bad_input_reports_exact_problem(case, tmp_path):
    dataset, folder = _broken_copy(case, tmp_path)
    with pytest.raises(DataValidationError) as info:
        load_dataset(dataset, folder)
    got = [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]
    expected = (CORPUS / case / "expected.txt").read_text().splitlines()
    assert got == expected


def test_all_problems_are_reported_together(tmp_path):
    folder = tmp_path / "sts-series"
    shutil.copytree(paths.DATA / "sts-series", folder)
    for case in ("negative-size", "unknown-diagnosis", "missing-column"):
        for f in (CORPUS / case).glob("*.csv"):
            shutil.copy(f, folder / f.name)
    with pytest.raises(DataValidationError) as info:
        load_dataset("sts-series", folder)
    columns = {p.column for p in info.value.problems}
    assert {"size_mm", "diagnosis", "site_class"} <= columns
    assert "3 problem(s)" in str(info.value)




def test_every_table_and_column_is_in_the_dictionary():
    for dataset, tables in datasets().items():
        dictionary = pd.read_csv(dictionary_path(dataset), dtype=str, keep_default_na=False)
        for table in tables:
            header = pd.read_csv(paths.DATA / dataset / f"{table}.csv", nrows=0).columns
            documented = dictionary.loc[dictionary["table"] == table, "column"]
            assert list(header) == list(documented), f"{dataset}/{table}"
        assert (dictionary["description"] != "").all()
        assert set(dictionary["type"]) <= {"string", "category", "integer", "number"}


def test_every_row_names_its_source():
    """A report that rebuilds a published text names, on every row, where in it the row comes from; a table of
    another report that keeps source columns fills them too."""
    from helpers import published

    for dataset, tables in datasets().items():
        data = load_dataset(dataset)
        for table in tables:
            df = data[table]
            if published(dataset) or "source_file" in df.columns:
                assert df["source_file"].notna().all() and df["source_location"].notna().all(), (dataset, table)


def test_a_study_concentration_other_than_the_regimens_is_accepted_with_a_note(tmp_path):
    _, folder = _broken_copy("study-concentration-disagrees", tmp_path)
    study = (folder / "study.csv").read_text().replace("Introduction; Methods; Discussion,\n",
                                                       "Introduction; Methods; Discussion,The stock solution; diluted to 150 mg/ml\n")
    (folder / "study.csv").write_text(study)
    assert load_dataset("sts-series", folder)["study"].set_index("key").loc["concentration", "value"] == "250"


@pytest.mark.parametrize("written, expect", [
    ("dermatomyositis", "write DM, the code for dermatomyositis"),  # the words of an existing value
    ("Dermatomyositis ", "write DM, the code for dermatomyositis"),
    ("ssc", "write SSc"),  # the value itself, in other case
    ("morphea", "add a row 'patients,diagnosis,morphea,<words>'"),  # nothing matches: a new row
])
def test_a_vocabulary_error_points_to_the_existing_value(written, expect):
    import pandas as pd

    from casebook.data.vocabulary import check_vocabulary

    vocab = pd.DataFrame({"table": ["patients"] * 3, "column": ["diagnosis"] * 3, "value": ["DM", "JDM", "SSc"],
                          "label": ["dermatomyositis", "juvenile dermatomyositis", "systemic sclerosis"],
                          "group": [None] * 3, "note": [None] * 3})

    class Spec:
        vocabulary = ("diagnosis",)

    tables = {"patients": pd.DataFrame({"diagnosis": [written]})}
    problems = check_vocabulary(tables, {"patients": "patients.csv"}, {("x", "patients"): Spec()}, "x", vocab)
    assert len(problems) == 1 and expect in problems[0].message, problems
