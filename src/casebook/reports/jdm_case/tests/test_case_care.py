"""Report 1's CARE checklist: what its data and its report-structure rows cover."""

from __future__ import annotations

import shutil

import pandas as pd

from casebook import paths
from casebook.publish.care import care_checklist

REPORT = "jdm-case"


def test_judgements_from_data_and_structure():
    jdm = care_checklist(REPORT).set_index("care_item")
    assert jdm.loc["timeline", "status"] == "partly covered"  # only alendronate is dated
    assert "start of each treatment: 1 of 7" in jdm.loc["timeline", "evidence"]
    # a table row per drug is not coverage: route and dose are missing for most drugs
    ti = jdm.loc["therapeutic intervention"]
    assert ti["status"] == "partly covered" and "route (not reported for" in ti["missing"] and "methotrexate" in ti["missing"].lower()
    assert "adverse events" in jdm.loc["follow-up and outcomes", "missing"]
    assert jdm.loc["informed consent", "status"] == "partly covered"
    assert jdm.loc["title", "status"] == "not covered"


def test_timeline_judgement_follows_the_data(tmp_path):
    folder = tmp_path / REPORT
    shutil.copytree(paths.DATA / REPORT, folder)
    t = pd.read_csv(folder / "treatments.csv", dtype=str, keep_default_na=False)
    t["timing"] = "not reported"
    t.to_csv(folder / "treatments.csv", index=False)
    row = care_checklist(REPORT, folder).set_index("care_item").loc["timeline"]
    assert "start of each treatment: 0 of 7" in row["evidence"]
    t["timing"] = "month 1"
    t.to_csv(folder / "treatments.csv", index=False)
    assert "start of each treatment" not in care_checklist(REPORT, folder).set_index("care_item").loc["timeline", "missing"]
