"""The audit of an author's own draft: the numbers of their manuscript, recomputed from their data.

A folder may hold ``claims.csv`` in the register's schema (``data/data-dictionary.csv``: one row per number of the
draft, its ``report`` column ``sts-series``, the schema whose recompute functions read the folder's tables), and
optionally ``claim-readings.csv`` (the primary reading of each kind of claim, declared before any comparison;
without it the readings declared for report 2's schema apply) and ``root-causes.csv``. The audit goes through the
public API only: ``casebook.audit.audit(claims, data, readings, causes)`` and ``casebook.audit.root_causes``.

Hypotheses: where explanations compete (a misprinted size or a misprinted percentage, a lesion left out of a
table), the claims audit's reconciliation search proposes them with their arithmetic. It plugs in at
:func:`hypotheses`, which returns nothing until that search is available through ``casebook.audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from casebook.author.article import REPORT

CLAIMS, READINGS, CAUSES = "claims.csv", "claim-readings.csv", "root-causes.csv"


@dataclass
class DraftAudit:
    results: pd.DataFrame  # one row per claim of the draft: casebook.audit.OUTPUT_COLUMNS
    causes: pd.DataFrame  # casebook.audit.CAUSE_COLUMNS
    hypotheses: pd.DataFrame | None  # the reconciliation search's, where it applies (None: not available)
    file: str  # the draft's claims file, as the folder names it

    def view(self) -> pd.DataFrame:
        """Each number of the draft, what the data give under the declared reading, the verdict and its reason."""
        shown = self.results.rename(columns={"printed": "draft", "primary_value": "from the data"})
        return shown[["claim_id", "location", "draft", "from the data", "verdict", "reason"]]


def hypotheses(results: pd.DataFrame, data) -> pd.DataFrame | None:
    """The place for the claims audit's reconciliation search of hypotheses (competing explanations of a finding,
    each with its arithmetic): used when ``casebook.audit`` offers it, else None."""
    from casebook import audit

    search = getattr(audit, "hypotheses", None)
    return None if search is None else search(results, data)


def audit_draft(folder: Path, tables) -> DraftAudit | None:
    """The audit of the folder's ``claims.csv`` against its tables; None when the folder holds no draft."""
    from casebook import audit
    from casebook.data.register import load_claim_readings, load_claims, load_root_causes

    if not (folder / CLAIMS).is_file():
        return None
    claims = load_claims(folder / CLAIMS, REPORT)
    readings = (load_claim_readings(folder / READINGS) if (folder / READINGS).is_file()
                else load_claim_readings(report_id=REPORT))
    causes = (load_root_causes(folder / CAUSES, REPORT) if (folder / CAUSES).is_file()
              else load_root_causes(report_id=REPORT).iloc[0:0])
    data = audit.AuditData({REPORT: tables})
    results = audit.audit(claims, data, readings, causes)
    return DraftAudit(results, audit.root_causes(results, causes), hypotheses(results, data), CLAIMS)
