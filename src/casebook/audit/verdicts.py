"""Verdicts: each claim recomputed under every reading and judged against the printed value."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from casebook.audit import compare
from casebook.audit.model import OUTPUT_COLUMNS, AuditData, Grim, Reading, parse_args, readings_for
from casebook.exceptions import CasebookError


@dataclass
class ClaimResult:
    verdict: str
    readings: list[Reading] = field(default_factory=list)
    matches: list[compare.Match] = field(default_factory=list)
    grims: list[tuple[bool, str] | None] = field(default_factory=list)
    reason: str = ""


def _grim(printed: str, g: Grim) -> tuple[bool, str]:
    numbers = compare.parse_numbers(printed)
    if g.kind == "mean":
        return compare.grim_mean(numbers[0], g.n, g.step)
    if g.kind == "percent":
        return compare.grim_percent(numbers[0], g.n)
    if g.kind == "mean_range":
        mean = numbers[0]
        lo, hi = (numbers[1].value, numbers[2].value) if len(numbers) >= 3 else (mean.value, mean.value)
        return compare.mean_range_feasible(mean.text, lo, hi, g.n)
    raise CasebookError(f"unknown GRIM kind {g.kind!r}")


def check_claim(claim: pd.Series, data: AuditData) -> ClaimResult:
    """Recompute one claim and give its verdict."""
    rule = claim["rule"]
    if rule == "not_derivable":
        return ClaimResult("not derivable", reason="not derivable from the data")
    readings = readings_for(claim["function"], parse_args(claim.get("args")), data)
    matches, grims = [], []
    for r in readings:
        m = compare.compare(rule, claim["printed"], r.value)
        g = _grim(claim["printed"], r.grim) if r.grim is not None else None
        if g is not None and not g[0] and m.matched:
            m = compare.Match(False, m.detail + "; but " + g[1])
        matches.append(m)
        grims.append(g)
    if all(r.value is None for r in readings):
        return ClaimResult("not derivable", readings, matches, grims, reason="; ".join(r.arithmetic for r in readings))
    verdict = "consistent" if any(m.matched for m in matches) else "inconsistent"
    return ClaimResult(verdict, readings, matches, grims)


def _verdict_note(claim: pd.Series, res: ClaimResult) -> str:
    if res.verdict == "not derivable":
        return "Not derivable: " + (claim["note"] if isinstance(claim["note"], str) and claim["note"] else res.reason)
    hits = [r.name for r, m in zip(res.readings, res.matches, strict=False) if m.matched]
    if claim["rule"] == "transcribed" and hits:
        head = "Consistent by transcription: the data hold the printed value."
    elif len(res.readings) == 1:
        head = res.verdict.capitalize() + f": {res.matches[0].detail}."
    elif hits:
        head = f"Consistent under {len(hits)} of {len(res.readings)} readings: {'; '.join(hits)}."
    else:
        head = f"Inconsistent under every one of {len(res.readings)} readings."
    note = claim["note"] if isinstance(claim["note"], str) else ""
    return head + (" " + note if note else "")


def audit(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """Every claim of the register with its recomputed readings, verdict and arithmetic (columns: OUTPUT_COLUMNS)."""
    rows = []
    for _, c in claims.iterrows():
        res = check_claim(c, data)
        best = next((r for r, m in zip(res.readings, res.matches, strict=False) if m.matched), res.readings[0] if res.readings else None)
        rows.append({
            "claim_id": c["claim_id"],
            "report": c["report"],
            "location": c["location"],
            "statement": c["statement"],
            "printed": c["printed"],
            "recomputed": "" if best is None or best.value is None else best.display(),
            "verdict": res.verdict,
            "note": _verdict_note(c, res),
            "unit": c["unit"] if isinstance(c["unit"], str) else "",
            "kind": c["kind"],
            "rule": c["rule"],
            "function": c["function"] if isinstance(c["function"], str) else "",
            "args": c["args"] if isinstance(c["args"], str) else "",
            "readings": " | ".join(
                f"{r.name}: {'-' if r.value is None else r.display()} ({'matches' if m.matched else 'no match'})"
                for r, m in zip(res.readings, res.matches, strict=False)),
            "matching_readings": "; ".join(r.name for r, m in zip(res.readings, res.matches, strict=False) if m.matched),
            "arithmetic": " | ".join(
                (f"{r.name}: " if len(res.readings) > 1 else "") + f"{r.arithmetic} -> {m.detail}"
                for r, m in zip(res.readings, res.matches, strict=False)),
            "grim": " | ".join(
                (f"{r.name}: " if len(res.readings) > 1 else "") + g[1]
                for r, g in zip(res.readings, res.grims, strict=False) if g is not None),
            # 'no' when a printed value is impossible for its n under some reading; '' when nothing was checked
            "grim_possible": "" if all(g is None for g in res.grims)
            else ("no" if any(g is not None and not g[0] for g in res.grims) else "yes"),
        })
    return pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
