"""Report 2's code on series unlike the published one: primary data, growth, one patient, men, missed visits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from casebook import load_dataset, paths
from casebook.exceptions import DataValidationError
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import summary, terms

FIXTURE = "tests/fixtures/series-primary"
WEEKS = [2, 8, 26]


@pytest.fixture(scope="module")
def primary():
    return load_dataset("sts-series", FIXTURE)


def only(tables, patient_ids):
    """The dataset restricted to some patients (kind and vocabulary kept)."""
    out = type(tables)({name: df[df["patient_id"].isin(patient_ids)] if "patient_id" in df else df for name, df in tables.items()})
    out.kind, out.vocabulary = tables.kind, tables.vocabulary
    lesions = set(out["lesions"]["lesion_id"])
    out["measurements"] = tables["measurements"][tables["measurements"]["lesion_id"].isin(lesions)]
    return out


def test_kind_and_vocabulary_come_with_the_dataset(primary):
    assert terms.kind(primary) == "primary" and terms.kind(load_dataset("sts-series")) == "transcribed"
    assert terms.label(primary, "complications", "complication", "hyperpigmentation") == "Hyperpigmentation at the injection site"
    assert primary["patients"]["table_row"].isna().all()  # a transcription-only column, absent from the files


def test_growth_is_a_negative_reduction_not_an_error(primary):
    red = series.reductions(primary, WEEKS).set_index(["lesion_id", "week"])
    assert red.loc[("A6", 26), "reduction_recomputed_pct"] == pytest.approx(-50.0)
    assert red.loc[("A3", 26), "status"] == series.LOST  # lost at week 8, still lost at 26
    assert red.loc[("A2", 8), "status"] == series.NOT_RECORDED  # a missed visit is not a loss
    assert red.loc[("A5", 8), "status"] == series.NOT_RECORDED  # no row at all: not recorded


def test_one_patient_reads_in_the_singular(primary):
    text = summary.case_summary(only(primary, ["Q5"]), WEEKS)
    assert "It comprises 1 patient, a woman, aged 45 years." in text
    assert "The patient had idiopathic calcinosis." in text
    assert "The patient received a single injection." in text
    assert "1 of 1 lesion was measured; its size had fallen" in text


def test_a_man_who_died_is_his(primary):
    text = summary.case_summary(only(primary, ["Q2"]), WEEKS)
    assert "a man" in text and "his lesion could not be measured at weeks 8 and 26" in text
    assert "Lesion A3 (Genou droit) had grown by 10% (30 to 33 mm)." in text
    assert "1 of 1 lesion was measured; its size had grown by 10%" in text


def test_patient_of_unreported_sex_is_their(primary):
    text = summary.case_summary(only(primary, ["Q4"]), WEEKS)
    assert "their lesion could not be measured" in text and " her " not in text and " his " not in text


def test_concentration_override_is_said_and_used(primary):
    vol = series.injected_volumes(primary, 100.0)
    assert set(vol["concentration_mg_per_ml"]) == {100.0}
    assert "Volumes below assume 100 mg/ml for every patient" in summary.case_summary(primary, WEEKS, 100.0)


def test_primary_data_have_no_printed_view(primary):
    with pytest.raises(Exception, match="primary data have no 'printed' view"):
        series.table1(primary, WEEKS, view="printed")
    assert series.check_table1(primary, WEEKS).message.startswith("primary data")


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "series"
    shutil.copytree(paths.ROOT / FIXTURE, folder)
    return folder


def test_sign_of_a_printed_reduction_must_agree_with_the_sizes(tmp_path):
    folder = _copy(tmp_path)
    meas = pd.read_csv(folder / "measurements.csv", dtype=str, keep_default_na=False)
    meas.insert(4, "reduction_printed_pct", "")
    meas.loc[(meas["lesion_id"] == "A6") & (meas["week"] == "26"), "reduction_printed_pct"] = "50"
    meas.to_csv(folder / "measurements.csv", index=False)
    with pytest.raises(DataValidationError, match="printed reduction 50% disagrees in sign"):
        load_dataset("sts-series", folder)
    meas.loc[(meas["lesion_id"] == "A6") & (meas["week"] == "26"), "reduction_printed_pct"] = "-50"
    meas.to_csv(folder / "measurements.csv", index=False)
    load_dataset("sts-series", folder)  # growth printed as a negative reduction is fine


def test_declared_kind_wins_and_a_contradiction_is_named(tmp_path):
    folder = _copy(tmp_path)
    with pytest.raises(DataValidationError, match="declares itself 'primary'"):
        load_dataset("sts-series", folder, kind="transcribed")
    study = (folder / "study.csv").read_text(encoding="utf-8").replace("dataset_kind,primary", "dataset_kind,transcribed")
    (folder / "study.csv").write_text(study, encoding="utf-8")
    with pytest.raises(DataValidationError, match="required column 'source_file' is missing"):
        load_dataset("sts-series", folder)


def test_subtype_must_belong_to_its_diagnosis(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "patients.csv").read_text(encoding="utf-8").replace("Q3,JDM,,", "Q3,JDM,lcSSc,")
    (folder / "patients.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match="subtype 'lcSSc' belongs to SSc, not to the diagnosis 'JDM'"):
        load_dataset("sts-series", folder)


def test_a_series_without_any_complication_row(tmp_path):
    folder = _copy(tmp_path)
    (folder / "complications.csv").write_text("patient_id,complication,week,note\n", encoding="utf-8")
    (folder / "vocabulary.csv").unlink()
    tables = load_dataset("sts-series", folder)
    assert tables["complications"].empty
    assert "No complication is recorded for any patient." in summary.case_summary(tables, WEEKS)
    assert set(series.table1(tables, WEEKS)["Complications"]) == {"Not recorded"}


def test_a_site_with_its_own_parentheses_is_not_nested(primary):
    """'Lesion A3 (Genou droit (lateral))' reads badly: a parenthesis inside the site becomes a comma."""
    tables = only(primary, ["Q2"])
    tables["lesions"] = tables["lesions"].assign(site="Genou droit (lateral)")
    text = summary.case_summary(tables, WEEKS)
    assert "Lesion A3 (Genou droit, lateral) had grown by 10%" in text
    assert not re.search(r"\([^()]*\(", text), "nested parentheses in the generated text"
