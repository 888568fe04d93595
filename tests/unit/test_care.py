"""The CARE checklist for every report of the registry; each report's own judgements are in its tests/."""

from casebook.publish.care import CARE_ITEMS, Element, care_checklist, grade
from casebook.registry import registry


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
