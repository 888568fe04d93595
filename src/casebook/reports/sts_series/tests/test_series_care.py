"""Report 2's CARE checklist: what its data and its report-structure rows cover."""

from __future__ import annotations

from casebook.publish.care import care_checklist


def test_judgements_from_data_and_structure():
    series = care_checklist("sts-series").set_index("care_item")
    assert series.loc["timeline", "status"] == "partly covered"
    assert series.loc["abstract", "status"] == "not covered"
    # an outcome reported by the investigators is not the patient's perspective
    assert series.loc["patient perspective", "status"] == "not covered"
    # published photographs without a consent statement
    assert series.loc["informed consent", "status"] == "not covered" and "photographs" in series.loc["informed consent", "missing"]
    assert "patient-reported outcomes" in series.loc["follow-up and outcomes", "missing"]
