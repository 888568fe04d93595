"""CARE case-report checklist: which of its 13 items each report covers.

Items about the case (patient information to follow-up) are judged from the structured data; items about the
report's text (title, abstract, discussion, consent, ...) from ``data/report-structure.csv``, a transcription of
which of those elements each report has.
"""

from __future__ import annotations

import pandas as pd

from casebook import paths
from casebook.data.load import load_dataset, load_table
from casebook.reports import get

CARE_ITEMS = (
    "title", "keywords", "abstract", "introduction", "patient information", "clinical findings", "timeline",
    "diagnostic assessment", "therapeutic intervention", "follow-up and outcomes", "discussion",
    "patient perspective", "informed consent",
)
_STATUS = {"yes": "covered", "partial": "partly covered", "no": "not covered"}


def judge(ok: bool, partly: bool = False) -> str:
    return "covered" if ok else ("partly covered" if partly else "not covered")


def care_checklist(report_id: str, data_dir: str | None = None) -> pd.DataFrame:
    """The 13 CARE items for one report: item number, item, status, basis and evidence."""
    report = get(report_id)
    tables = load_dataset(report_id, data_dir)
    from_data = report.module("care").items(tables) if report.has_module("care") else {}
    structure = load_table(paths.DATA / "report-structure.csv", "", "report-structure")
    structure = structure[structure["report_id"] == report_id].set_index("element")
    rows = []
    for number, item in enumerate(CARE_ITEMS, start=1):
        if item in from_data:
            status, evidence = from_data[item]
            basis = "structured data"
        else:
            status, evidence, basis = _from_structure(structure, item)
        rows.append({"item": number, "care_item": item, "status": status, "basis": basis, "evidence": evidence})
    return pd.DataFrame(rows)


def _from_structure(structure: pd.DataFrame, item: str) -> tuple[str, str, str]:
    """An item about the report's text, from data/report-structure.csv (not covered when the report has no row)."""
    if item not in structure.index:
        return "not covered", "no entry in report-structure.csv", "report-structure.csv"
    s = structure.loc[item]
    return _STATUS[s["present"]], s["evidence"], "report-structure.csv"
