"""The reconciliation's findings beside the declared root causes: the tables the notebook shows and writes, and the
check that every declared finding is one the evidence allows.

What the evidence allows (the reconciliation's finding of a claim -> the declared findings that agree with it):

``correction``   only a correction: the search pins down one value, so a query or a gap would hide it;
``query``        a query, or a gap (a reading the report leaves open is both): hypotheses compete, so no correction;
``unexplained``  a correction or a gap: no simple hypothesis explains the claim, the data contradict it as printed;
``gap``          a gap: the report leaves the reading unstated.

A declared cause that lists a flagged claim must agree; a flagged claim no cause lists is a disagreement too. The
notebook shades disagreements (data an author changed can make a declaration stale); the tests hold every report's
committed declarations to the evidence (:func:`check_agreement`).
"""

from __future__ import annotations

import pandas as pd

from casebook.audit.reconcile import FINDING_COLUMNS, STEP_COLUMNS, findings_table, reconcile_all, steps_table
from casebook.audit.verdicts import split_ids, text
from casebook.exceptions import CasebookError

ALLOWED = {"correction": ("correction",), "query": ("query", "gap"), "unexplained": ("correction", "gap"),
           "gap": ("gap",)}
AGREEMENT_COLUMNS = (*FINDING_COLUMNS, "cause_id", "declared", "agrees", "_disagrees")  # _disagrees: a shading flag


def reconciled(claims: pd.DataFrame, data, readings: pd.DataFrame | None = None) -> dict[str, tuple]:
    """Every report's reconciliation as objects: report id -> (its evidence, its reconciliation). Worked out once,
    they give the tables (:func:`reconciliation`), the figure's data and the letter's hypotheses
    (:mod:`casebook.audit.explain`)."""
    return reconcile_all(claims, data, readings)


def reconciliation(claims: pd.DataFrame, data, readings: pd.DataFrame | None = None,
                   done: dict[str, tuple] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every report's reconciliation: its steps (the best set of hypotheses, each with the claims it explains, its
    alternatives and arithmetic) and its findings (one row per flagged claim). ``done``: the objects of
    :func:`reconciled`, when already worked out."""
    steps, found = [], []
    for _report, (ev, rec) in (reconcile_all(claims, data, readings) if done is None else done).items():
        steps.append(steps_table(ev, rec))
        found.append(findings_table(rec))
    return _concat(steps, STEP_COLUMNS), _concat(found, FINDING_COLUMNS)


def _concat(frames: list[pd.DataFrame], columns) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns))


def agreement(findings: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """The findings with the declared root cause of each claim, its declared finding and whether the two agree."""
    declared: dict[str, tuple[str, str]] = {}
    for _, c in causes.iterrows():
        for cid in split_ids(c["claim_ids"]):
            declared[cid] = (c["cause_id"], text(c.get("finding")) or "correction")
    rows = []
    for r in findings.to_dict("records"):
        cause, said = declared.get(r["claim_id"], ("", ""))
        agrees = said in ALLOWED[r["finding"]]
        rows.append({**r, "cause_id": cause, "declared": said, "agrees": "yes" if agrees else "no", "_disagrees": not agrees})
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def check_agreement(table: pd.DataFrame) -> None:
    """Raise when a declared finding is not one the evidence allows (see the module's docstring)."""
    bad = table[table["agrees"] != "yes"]
    if bad.empty:
        return
    lines = [f"  {r['report']} claim {r['claim_id']}: the reconciliation finds a {r['finding']}"
             + (f", root cause {r['cause_id']} declares a {r['declared']}" if r["cause_id"] else ", no root cause lists it")
             + f" (allowed: {' or '.join(ALLOWED[r['finding']])})" for r in bad.to_dict("records")]
    raise CasebookError("the root causes disagree with the reconciliation of the evidence:\n" + "\n".join(lines))
