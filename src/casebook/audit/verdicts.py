"""Verdicts: each claim recomputed under every reading and judged under the one reading declared primary.

The primary reading is declared in the data before any comparison: a claim names its kind of reading
(``claims.reading_kind``) and ``data/claim-readings.csv`` names the primary reading of that kind, with its reason.
A claim whose recompute function gives a single reading needs no kind. The other readings are computed and shown
beside the primary one (a sensitivity analysis); they never make a claim consistent. The verdicts:

``consistent``      the primary reading matches the printed value;
``inconsistent``    no reading matches;
``ambiguous``       only a non-primary reading matches (the reason names the siblings, claims of the same sentence,
                    that reject that reading), or the claim rests on a value the audit flags (``depends_on``), or
                    the report leaves the reading unstated (``data/claim-readings.csv`` declares ``unstated``: a
                    reporting gap) and not every reading matches;
``not derivable``   the data cannot decide;
``transcribed``     the primary reading matches a value copied into the data from this very statement (rule
                    ``transcribed`` or ``circular = yes``): consistent by construction, counted apart from checks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from casebook.audit import compare
from casebook.audit.model import AuditData, Grim, Reading, kind_of, parse_args, readings_for
from casebook.exceptions import CasebookError

CLAIMS_FILE = "data/claims.csv"
UNSTATED = "unstated"  # a kind of reading the reports leave open: no reading is primary


@dataclass
class ClaimResult:
    verdict: str
    readings: list[Reading] = field(default_factory=list)
    matches: list[compare.Match] = field(default_factory=list)
    grims: list[tuple[bool, str] | None] = field(default_factory=list)
    primary: int | None = None
    reading_reason: str = ""
    reason: str = ""
    unstated: bool = False  # the report leaves the reading open: no reading is primary (the first is shown)

    @property
    def primary_reading(self) -> Reading | None:
        return None if self.primary is None else self.readings[self.primary]

    def matching_alternatives(self) -> list[int]:
        return [i for i, m in enumerate(self.matches) if m.matched and i != self.primary]


def text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def where(claim: pd.Series, column: str) -> str:
    """The place of a problem in the register: file, line (header = line 1), claim and column."""
    line = f" line {claim.name + 2}" if isinstance(claim.name, int) else ""
    return f"{CLAIMS_FILE}{line} (claim {claim['claim_id']}), column {column}"


def declared(table: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """``reading_kind -> (primary reading key, reason)`` from the table of ``data/claim-readings.csv``."""
    if table is None:
        from casebook.data.load import load_claim_readings

        table = load_claim_readings()
    return {r["reading_kind"]: (r["primary_reading"], r["reason"]) for _, r in table.iterrows()}


def _grim(printed: str, g: Grim) -> tuple[bool, str]:
    return _grim_under(printed, g, compare.ROUNDING.get())


@functools.lru_cache(maxsize=1 << 12)
def _grim_under(printed: str, g: Grim, _rounding: str) -> tuple[bool, str]:
    # the rounding is part of the key: the checks round under it
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


def _primary(claim: pd.Series, readings: list[Reading], kinds: dict[str, tuple[str, str]]) -> tuple[int, str]:
    kind = text(claim.get("reading_kind")) or kind_of(text(claim.get("report")), text(claim.get("function")))
    keys = ", ".join(r.key or r.name for r in readings)
    if not kind:
        if len(readings) != 1:
            raise CasebookError(f"{where(claim, 'reading_kind')}: function {claim['function']!r} gives {len(readings)} "
                                f"readings ({keys}); name the kind of reading, whose primary reading data/claim-readings.csv declares")
        return 0, "the only reading the recompute function gives"
    if kind not in kinds:
        raise CasebookError(f"{where(claim, 'reading_kind')}: {kind!r} is not declared in data/claim-readings.csv "
                            f"(declared: {', '.join(sorted(kinds))})")
    key, reason = kinds[kind]
    if key == UNSTATED:
        return -1, reason
    hits = [i for i, r in enumerate(readings) if r.key == key]
    if len(hits) != 1:
        raise CasebookError(f"{where(claim, 'reading_kind')}: the primary reading {key!r} of kind {kind!r} is not one of the "
                            f"readings of {claim['function']!r} ({keys})")
    return hits[0], reason


def check_claim(claim: pd.Series, data: AuditData, kinds: dict[str, tuple[str, str]] | None = None) -> ClaimResult:
    """Recompute one claim under every reading and judge it under its primary reading, on its own (no siblings)."""
    kinds = declared(None) if kinds is None else kinds
    if claim["rule"] == "not_derivable":
        return ClaimResult("not derivable", reason="not derivable from the data")
    readings = readings_for(claim["function"], parse_args(claim.get("args")), data, text(claim.get("report")) or None)
    if not readings:
        raise CasebookError(f"{where(claim, 'function')}: {claim['function']!r} gave no reading")
    return judge(claim, readings, kinds)


def judge(claim: pd.Series, readings: list[Reading], kinds: dict[str, tuple[str, str]],
          printed: str | None = None) -> ClaimResult:
    """A claim's verdict from its readings (already recomputed), against ``printed`` (default: the register's)."""
    rule = claim["rule"]
    printed = claim["printed"] if printed is None else printed
    matches, grims = [], []
    for r in readings:
        m = compare.compare(rule, printed, r.value)
        g = _grim(printed, r.grim) if r.grim is not None else None
        if g is not None and not g[0] and m.matched:
            m = compare.Match(False, m.detail + "; but " + g[1])
        matches.append(m)
        grims.append(g)
    if all(r.value is None for r in readings):
        return ClaimResult("not derivable", readings, matches, grims, reason="; ".join(r.arithmetic for r in readings))
    primary, reading_reason = _primary(claim, readings, kinds)
    if primary < 0:
        res = ClaimResult("", readings, matches, grims, 0, reading_reason, unstated=True)
        res.verdict = "consistent" if all(m.matched for m in matches) else "ambiguous"
        return res
    res = ClaimResult("", readings, matches, grims, primary, reading_reason)
    if matches[primary].matched:
        res.verdict = "transcribed" if rule == "transcribed" or text(claim.get("circular")) == "yes" else "consistent"
    else:
        res.verdict = "ambiguous" if res.matching_alternatives() else "inconsistent"
    return res


def split_ids(value) -> list[str]:
    return [x.strip() for x in text(value).split(";") if x.strip()]


def _sibling_rejections(claim: pd.Series, res: ClaimResult, siblings: list[tuple[pd.Series, ClaimResult]]) -> list[str]:
    out = []
    for i in res.matching_alternatives():
        key = res.readings[i].key
        for sib, sres in siblings:
            for r, m in zip(sres.readings, sres.matches, strict=False):
                if key and r.key == key and not m.matched:
                    out.append(f"its sibling {sib['claim_id']} rejects the reading '{r.name}' ({m.detail})")
    return out


def finish(claims: pd.DataFrame, first: dict[str, ClaimResult]) -> dict[str, ClaimResult]:
    """The second pass: dependencies on flagged values and sibling claims; every verdict gets its reason."""
    by_sentence: dict[str, list[str]] = {}
    for _, c in claims.iterrows():
        if text(c.get("sentence")):
            by_sentence.setdefault(text(c["sentence"]), []).append(c["claim_id"])
    rows = {c["claim_id"]: c for _, c in claims.iterrows()}
    for cid, c in rows.items():
        res = first[cid]
        if res.verdict == "not derivable":
            res.reason = "Not derivable: " + (text(c.get("note")) or res.reason)
            continue
        parts = _verdict_parts(c, res)
        if res.verdict == "ambiguous":
            sibs = [(rows[s], first[s]) for s in by_sentence.get(text(c.get("sentence")), []) if s != cid]
            rejected = _sibling_rejections(c, res, sibs)
            if rejected:
                parts.append("That reading is not the sentence's: " + "; ".join(rejected) + ".")
        parts += _flag_dependencies(c, res, first)
        res.reason = " ".join(parts)
    return first


def _verdict_parts(c: pd.Series, res: ClaimResult) -> list[str]:
    """The reason's first sentences: what the primary reading found, and for a claim the audit flags, whether
    another reading matches."""
    head = f"Primary reading ({res.primary_reading.name}): {res.matches[res.primary].detail}."
    if res.verdict == "transcribed":
        what = "were filled from this statement" if text(c.get("circular")) == "yes" else "hold the printed value"
        return [f"Transcribed: the data {what} ({res.matches[res.primary].detail}); consistent by construction, not a check."]
    if res.unstated:
        shown = "; ".join(f"{r.name} ({m.detail})" for r, m in zip(res.readings, res.matches, strict=False))
        return [f"The report does not state which reading holds, so no reading is primary: {shown}. "
                "A reporting gap, not an error."]
    parts = [head]
    if res.verdict == "ambiguous":
        alts = "; ".join(f"{res.readings[i].name} ({res.matches[i].detail})" for i in res.matching_alternatives())
        parts.append(f"Matches only under a non-primary reading: {alts}.")
    elif res.verdict == "inconsistent" and len(res.readings) > 1:
        n = len(res.readings) - 1
        parts.append(f"No alternative reading matches either ({n} alternative{'s' if n > 1 else ''} computed).")
    return parts


def _flag_dependencies(c: pd.Series, res: ClaimResult, first: dict[str, ClaimResult]) -> list[str]:
    """A sentence for each claim this one ``depends_on`` that the audit flags; resting on one makes a consistent or
    transcribed claim ambiguous (``res.verdict`` is changed here)."""
    parts = []
    for dep in split_ids(c.get("depends_on")):
        if dep not in first:
            raise CasebookError(f"{where(c, 'depends_on')}: unknown claim {dep!r}")
        if first[dep].verdict in ("inconsistent", "ambiguous"):
            parts.append(f"It rests on {dep}, which the audit flags ({first[dep].verdict}).")
            if res.verdict in ("consistent", "transcribed"):
                res.verdict = "ambiguous"
    return parts


def audit_results(claims: pd.DataFrame, data: AuditData, readings: pd.DataFrame | None = None) -> dict[str, ClaimResult]:
    """Every claim's :class:`ClaimResult` after both passes, keyed by claim id."""
    kinds = declared(readings)
    first = {c["claim_id"]: check_claim(c, data, kinds) for _, c in claims.iterrows()}
    return finish(claims, first)
