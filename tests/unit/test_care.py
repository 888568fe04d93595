import shutil

import pandas as pd

from casebook import paths
from casebook.publish.care import CARE_ITEMS, care_checklist


def test_thirteen_items_for_each_report():
    for report in ("jdm-case", "sts-series"):
        df = care_checklist(report)
        assert df["care_item"].tolist() == list(CARE_ITEMS) and len(df) == 13
        assert set(df["status"]) <= {"covered", "partly covered", "not covered"}


def test_judgements_from_data_and_structure():
    jdm = care_checklist("jdm-case").set_index("care_item")
    assert jdm.loc["timeline", "status"] == "partly covered"  # only alendronate is dated
    assert "1 of 7 treatments dated" in jdm.loc["timeline", "evidence"]
    assert jdm.loc["informed consent", "status"] == "partly covered"
    assert jdm.loc["title", "status"] == "not covered"
    series = care_checklist("sts-series").set_index("care_item")
    assert series.loc["timeline", "status"] == "covered"
    assert series.loc["abstract", "status"] == "not covered"


def test_timeline_judgement_follows_the_data(tmp_path):
    folder = tmp_path / "jdm-case"
    shutil.copytree(paths.DATA / "jdm-case", folder)
    t = pd.read_csv(folder / "treatments.csv", dtype=str, keep_default_na=False)
    t["timing_months_from_onset"] = ""
    t.to_csv(folder / "treatments.csv", index=False)
    assert care_checklist("jdm-case", folder).set_index("care_item").loc["timeline", "status"] == "not covered"
