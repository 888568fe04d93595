import shutil

import pandas as pd

from casebook import paths
from casebook.publish.care import CARE_ITEMS, Element, care_checklist, grade
from casebook.registry import registry


def _with_table(table: str) -> str:
    """The report whose dataset has ``table`` (the judgements below are about what such a dataset holds)."""
    found = [r.id for r in registry().values() if table in r.tables]
    assert len(found) == 1, (table, found)
    return found[0]


def test_thirteen_items_for_each_report():
    for report in registry():
        df = care_checklist(report)
        assert df["care_item"].tolist() == list(CARE_ITEMS) and len(df) == 13
        assert set(df["status"]) <= {"covered", "partly covered", "not covered"}
        partly = df[df["status"] != "covered"]
        assert (partly["missing"] != "").all(), partly  # every item short of covered says what is missing


def test_grade_from_elements():
    assert grade([Element("a", 2, 2), Element("b", 1)])[0] == "covered"
    status, evidence, missing = grade([Element("route", 1, 4, "not reported for x"), Element("dose", 4, 4)])
    assert status == "partly covered" and missing == "route (not reported for x)" and "route: 1 of 4" in evidence
    assert grade([Element("a", 0, 3), Element("b", 0)])[0] == "not covered"


def test_judgements_from_data_and_structure():
    jdm = care_checklist(_with_table("treatments")).set_index("care_item")
    assert jdm.loc["timeline", "status"] == "partly covered"  # only alendronate is dated
    assert "start of each treatment: 1 of 7" in jdm.loc["timeline", "evidence"]
    # a table row per drug is not coverage: route and dose are missing for most drugs
    ti = jdm.loc["therapeutic intervention"]
    assert ti["status"] == "partly covered" and "route (not reported for" in ti["missing"] and "methotrexate" in ti["missing"].lower()
    assert "adverse events" in jdm.loc["follow-up and outcomes", "missing"]
    assert jdm.loc["informed consent", "status"] == "partly covered"
    assert jdm.loc["title", "status"] == "not covered"
    series = care_checklist(_with_table("lesions")).set_index("care_item")
    assert series.loc["timeline", "status"] == "partly covered"
    assert series.loc["abstract", "status"] == "not covered"
    # an outcome reported by the investigators is not the patient's perspective
    assert series.loc["patient perspective", "status"] == "not covered"
    # published photographs without a consent statement
    assert series.loc["informed consent", "status"] == "not covered" and "photographs" in series.loc["informed consent", "missing"]
    assert "patient-reported outcomes" in series.loc["follow-up and outcomes", "missing"]


def test_timeline_judgement_follows_the_data(tmp_path):
    report = _with_table("treatments")
    folder = tmp_path / report
    shutil.copytree(paths.DATA / report, folder)
    t = pd.read_csv(folder / "treatments.csv", dtype=str, keep_default_na=False)
    t["timing"] = "not reported"
    t.to_csv(folder / "treatments.csv", index=False)
    row = care_checklist(report, folder).set_index("care_item").loc["timeline"]
    assert "start of each treatment: 0 of 7" in row["evidence"]
    t["timing"] = "month 1"
    t.to_csv(folder / "treatments.csv", index=False)
    assert "start of each treatment" not in care_checklist(report, folder).set_index("care_item").loc["timeline", "missing"]
