"""CARE case-report checklist: how completely each report covers its 13 items, graded, with what is missing.

Items about the case (patient information to follow-up) are graded from field-level completeness of the structured
data: a report's ``care.items(tables)`` returns, per item, the :class:`Element` s CARE asks for (dates, route, dose,
adverse events, patient-reported outcomes, ...), each with how many of the rows it concerns have it. An item is
covered when every element is complete, not covered when none is present, partly covered otherwise; the missing
elements are listed. Items about the report's text (title, abstract, discussion, patient perspective, consent) come
from the report's ``data/<id>/report-structure.csv``, which names what each lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casebook.data.load import load_dataset
from casebook.data.register import load_structure
from casebook.registry import get

CARE_ITEMS = (
    "title", "keywords", "abstract", "introduction", "patient information", "clinical findings", "timeline",
    "diagnostic assessment", "therapeutic intervention", "follow-up and outcomes", "discussion",
    "patient perspective", "informed consent",
)
_STATUS = {"yes": "covered", "partial": "partly covered", "no": "not covered"}


@dataclass(frozen=True)
class Element:
    """One element of a CARE item: present in ``have`` of the ``of`` rows it concerns; ``missing`` says what is not."""

    name: str
    have: int
    of: int = 1
    missing: str = ""


def judge(ok: bool, partly: bool = False) -> str:
    return "covered" if ok else ("partly covered" if partly else "not covered")


def grade(elements: list[Element]) -> tuple[str, str, str]:
    """(status, evidence, missing) of an item from its elements."""
    complete = [e for e in elements if e.have >= e.of]
    status = judge(len(complete) == len(elements), any(e.have > 0 for e in elements))
    evidence = "; ".join(f"{e.name}: {e.have} of {e.of}" if e.of > 1 else f"{e.name}: {'yes' if e.have else 'no'}"
                         for e in elements)
    missing = "; ".join(f"{e.name} ({e.missing})" if e.missing else e.name for e in elements if e.have < e.of)
    return status, evidence, missing


def care_checklist(report_id: str, data_dir: str | None = None, structure: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 13 CARE items for one report: item number, item, status, basis, evidence and what is missing.

    ``structure`` (rows of report-structure.csv's schema) describes the text of another document than the report's
    own, an author's article say; by default the report's ``data/<id>/report-structure.csv``."""
    report = get(report_id)
    tables = load_dataset(report_id, data_dir)
    from_data = report.module("care").items(tables) if report.has_module("care") else {}
    structure = (load_structure(report_id) if structure is None else structure).set_index("element")
    rows = []
    for number, item in enumerate(CARE_ITEMS, start=1):
        if item in from_data:
            status, evidence, missing = grade(from_data[item])
            basis = "structured data"
        else:
            status, evidence, basis, missing = _from_structure(structure, item)
        rows.append({"item": number, "care_item": item, "status": status, "basis": basis, "evidence": evidence,
                     "missing": missing})
    return pd.DataFrame(rows)


def _text_items() -> set[str]:
    """The CARE items report-structure.csv may hold (its ``element`` vocabulary in the data dictionary)."""
    from casebook.data.tables import load_dictionary

    d = load_dictionary()
    row = d[(d["table"] == "report-structure") & (d["column"] == "element")]
    return set(row["allowed"].iloc[0].split(";")) if len(row) else set()


def _from_structure(structure: pd.DataFrame, item: str) -> tuple[str, str, str, str]:
    """An item about the report's text, from its report-structure.csv (not covered when the report has no row)."""
    if item not in structure.index:
        if item in _text_items():
            return "not covered", "no entry in report-structure.csv", "report-structure.csv", item
        # an item about the case data: report-structure.csv cannot hold it; the report's care.py grades it
        return "not covered", "not graded: the report has no care.py that grades it from the data", "structured data", item
    s = structure.loc[item]
    missing = s["missing"] if isinstance(s.get("missing"), str) else ""
    return _STATUS[s["present"]], s["evidence"], "report-structure.csv", missing
