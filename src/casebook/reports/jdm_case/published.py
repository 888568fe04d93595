"""What report 1 publishes: each table with its file stem and caption, ready for ``casebook.publish``."""

from __future__ import annotations

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.publish.artefacts import TableSpec
from casebook.reports.jdm_case.criteria import criteria_table
from casebook.reports.jdm_case.tables import (
    CAPTIONS,
    findings_table,
    lab_table,
    muscle_score_table,
    present,
    treatment_table,
)
from casebook.reports.jdm_case.timeline import timeline_table

BUILDERS = {
    "findings": findings_table,
    "laboratory": lab_table,
    "muscle-scores": muscle_score_table,
    "treatments": treatment_table,
    "criteria": criteria_table,
    "timeline": timeline_table,
}
STEMS = {
    "findings": "jdm-case-findings-at-presentation",
    "laboratory": "jdm-case-laboratory-values",
    "muscle-scores": "jdm-case-muscle-scores",
    "treatments": "jdm-case-treatment-history",
    "criteria": "jdm-case-bohan-peter-criteria",
    "timeline": "jdm-case-timeline",
}


def table(name: str, tables: dict[str, pd.DataFrame]) -> TableSpec:
    """Table ``name`` built from the data, its numbers formatted to their stated decimals, with stem and caption."""
    if name not in BUILDERS:
        raise CasebookError(f"unknown table {name!r}; known: {', '.join(BUILDERS)}")
    return TableSpec(present(BUILDERS[name](tables)), STEMS[name], CAPTIONS[name])
