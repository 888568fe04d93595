"""The audit's results as tables: one row per claim, and the root causes that group its inconsistencies."""

from __future__ import annotations

import pandas as pd

from casebook.audit import compare
from casebook.audit.model import OUTPUT_COLUMNS, AuditData
from casebook.audit.verdicts import ClaimResult, audit_results, split_ids, text
from casebook.exceptions import CasebookError

CAUSE_COLUMNS = ("cause_id", "report", "finding", "explanation", "arithmetic", "claim_ids", "inconsistent_claims", "verdicts")


def _load_causes(causes: pd.DataFrame | None) -> pd.DataFrame:
    if causes is None:
        from casebook.data.load import load_root_causes

        causes = load_root_causes()
    return causes


def _causes_of(causes: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for _, r in causes.iterrows():
        for cid in split_ids(r["claim_ids"]):
            out.setdefault(cid, []).append(r["cause_id"])
    return out


def _row(c: pd.Series, res: ClaimResult, causes: list[str]) -> dict:
    p = res.primary_reading
    pairs = list(zip(res.readings, res.matches, strict=False))
    alternatives = [f"{r.name}: {'-' if r.value is None else r.display()} ({'matches' if m.matched else 'no match'})"
                    for i, (r, m) in enumerate(pairs) if i != res.primary]
    return {
        "claim_id": c["claim_id"], "report": c["report"], "location": c["location"], "statement": c["statement"],
        "printed": c["printed"],
        "primary_reading": "" if p is None else (f"none: unstated (shown: {p.name})" if res.unstated else p.name),
        "primary_value": "" if p is None or p.value is None else p.display(),
        "alternatives": " | ".join(alternatives),
        "verdict": res.verdict, "reason": res.reason, "root_cause": "; ".join(causes),
        "reading_kind": text(c.get("reading_kind")), "reading_reason": res.reading_reason,
        "sentence": text(c.get("sentence")), "depends_on": text(c.get("depends_on")), "note": text(c.get("note")),
        "unit": text(c.get("unit")), "kind": c["kind"], "rule": c["rule"], "function": text(c.get("function")),
        "args": text(c.get("args")),
        "matching_readings": "; ".join(r.name for r, m in pairs if m.matched),
        "primary_arithmetic": "" if p is None else f"{p.arithmetic} -> {res.matches[res.primary].detail}",
        "arithmetic": " | ".join((f"{r.name}: " if len(pairs) > 1 else "") + f"{r.arithmetic} -> {m.detail}" for r, m in pairs),
        "grim": " | ".join((f"{r.name}: " if len(pairs) > 1 else "") + g[1]
                           for r, g in zip(res.readings, res.grims, strict=False) if g is not None),
        # 'no' when a printed value is impossible for its n under some reading; '' when nothing was checked
        "grim_possible": "" if all(g is None for g in res.grims)
        else ("no" if any(g is not None and not g[0] for g in res.grims) else "yes"),
    }


def audit(claims: pd.DataFrame, data: AuditData, readings: pd.DataFrame | None = None,
          causes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim with its primary reading, alternatives, verdict, reason and root cause (columns: OUTPUT_COLUMNS).

    ``readings`` is the table of declared readings (default ``data/claim-readings.csv``), ``causes`` the root
    causes (default ``data/root-causes.csv``).
    """
    results = audit_results(claims, data, readings)
    of = _causes_of(_load_causes(causes))
    rows = [_row(c, results[c["claim_id"]], of.get(c["claim_id"], [])) for _, c in claims.iterrows()]
    return pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))


def _arithmetic(r: pd.Series) -> str:
    printed, value = compare.parse_numbers(r["printed"]), compare.parse_numbers(r["primary_value"])
    if len(printed) == 1 and len(value) == 1:
        diff = printed[0].value - value[0].value
        return (f"{r['claim_id']}: printed {printed[0].text} - recomputed {value[0].text} = {compare.fmt(diff)}"
                f" ({r['primary_reading']})")
    return f"{r['claim_id']}: {r['primary_arithmetic']}"


def root_causes(results: pd.DataFrame, causes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The root causes of the inconsistencies: one row per cause, with the claims it explains and their arithmetic.

    Each cause is a finding (``correction``, ``query`` or ``gap``, see :mod:`casebook.audit`). Claims a cause lists
    but the register does not hold are left out (another register may not have them); a cause none of whose claims
    is in the register is left out too, except a gap that names no claim (something the report never mentions),
    kept when the register holds claims of its report.
    """
    causes = _load_causes(causes)
    by_id = results.set_index("claim_id")
    rows = []
    for i, c in causes.iterrows():
        ids = split_ids(c["claim_ids"])
        finding = text(c.get("finding")) or "correction"
        if not ids and finding != "gap":
            raise CasebookError(f"data/root-causes.csv line {i + 2} (cause {c['cause_id']}), column claim_ids: no claim id")
        held = [x for x in ids if x in by_id.index]
        if not held and (ids or c["report"] not in set(results["report"])):
            continue
        sub = by_id.loc[held].reset_index()
        rows.append({
            "cause_id": c["cause_id"], "report": c["report"], "finding": finding, "explanation": c["explanation"],
            "arithmetic": "; ".join(_arithmetic(r) for _, r in sub.iterrows()),
            "claim_ids": "; ".join(held),
            "inconsistent_claims": int((sub["verdict"] == "inconsistent").sum()),
            "verdicts": "; ".join(f"{r['claim_id']} {r['verdict']}" for _, r in sub.iterrows()),
        })
    return pd.DataFrame(rows, columns=list(CAUSE_COLUMNS))


def problem_counts(results: pd.DataFrame, causes: pd.DataFrame | None = None) -> dict[str, int]:
    """Inconsistent claims against independent problems: causes with at least one inconsistent claim, plus every
    inconsistent claim no cause explains (each its own problem)."""
    groups = root_causes(results, causes)
    bad = set(results.loc[results["verdict"] == "inconsistent", "claim_id"])
    active = groups[groups["inconsistent_claims"] > 0]
    explained = {x for ids in active["claim_ids"] for x in split_ids(ids)}
    return {"inconsistent claims": len(bad), "root causes": len(active), "unexplained": len(bad - explained),
            "independent problems": len(active) + len(bad - explained)}
