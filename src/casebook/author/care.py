"""The CARE checklist of an author's publication, and the tables of their draft's audit.

Items about the case are graded from the folder's data, as for any report (``casebook.publish.care``). Items about
the text are graded from the article this publication writes: its title (the folder's ``manuscript.toml`` or the
neutral one from the data) and keywords, and what a generated article cannot write for the authors (abstract,
introduction, discussion, the patient's perspective, informed consent). A ``report-structure.csv`` in the folder,
in the register's schema, states what the authors' own text has and replaces the row of each element it names.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casebook.author.article import REPORT
from casebook.author.meta import Meta
from casebook.publish.artefacts import TableSpec

STRUCTURE = "report-structure.csv"
WRITE = "write it and describe it in report-structure.csv in the data folder"


def _row(element: str, present: str, evidence: str, missing: str = "") -> dict:
    return {"report_id": REPORT, "element": element, "present": present, "evidence": evidence,
            "source_location": "generated article", "missing": missing, "note": ""}


def structure(meta: Meta, folder: Path) -> pd.DataFrame:
    """The CARE elements about the text of the generated article, replaced by the folder's own rows."""
    titled = f"from {meta.file}" if meta.title else "neutral, from the data (no title in manuscript.toml)"
    rows = {
        "title": _row("title", "yes", f"the intervention and 'case series' or 'case report' ({titled})"),
        "keywords": (_row("keywords", "yes", f"{len(meta.keywords)} keywords in {meta.file}") if len(meta.keywords) >= 2
                     else _row("keywords", "no", "fewer than 2 keywords", "keywords (add them to manuscript.toml)")),
    }
    for element in ("abstract", "introduction", "discussion", "patient perspective", "informed consent"):
        rows[element] = _row(element, "no", "the generated article has no such section", f"{element} ({WRITE})")
    own = folder / STRUCTURE
    if own.is_file():
        from casebook.data.register import load_register

        for r in load_register("report-structure", own, REPORT).to_dict("records"):
            rows[r["element"]] = r
    return pd.DataFrame(list(rows.values()))


def checklist_spec(tables, meta: Meta, folder: Path, has_draft: bool) -> TableSpec:
    from casebook.publish.care import care_checklist

    df = care_checklist(REPORT, str(folder), structure(meta, folder))
    return TableSpec(df, "care-checklist", "CARE checklist: what the data and the generated article cover")


def draft_spec(df: pd.DataFrame, stem: str) -> TableSpec:
    caption = ("The authors' draft, each number recomputed from the data" if stem == "draft-audit"
               else "Root causes of the draft's inconsistencies")
    # the register's column of the number as the text gives it is, for a draft, the draft's number
    # (the reasons for the default readings, declared for report 2's text, stay in its claim-readings.csv)
    shown = df.rename(columns={"printed": "draft"}).drop(columns=["reading_reason", "report"], errors="ignore")
    return TableSpec(shown, stem, caption)
