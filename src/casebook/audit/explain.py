"""What the reconciliation says about each flagged claim, for the claims-audit figure and the editor's letter, computed
from the :class:`~casebook.audit.evidence.Evidence` and :class:`~casebook.audit.reconcile.Reconciliation` objects.

:func:`moves`        one row per printed number of each flagged claim: the point as transcribed (printed against
                     recomputed) and where the hypotheses of the step that explains it put it (a misprinted claim
                     moves the printed value; a reading, an omitted row or a misprinted cell the recomputed one);
:func:`figure_key`   one row per step (its mark in the figure, hypothesis, alternatives, findings and root causes),
                     and one for the flagged claims no step explains;
:func:`explanations`  one row per competing explanation of each root cause: the step's hypothesis, its alternatives
                     and each claim's rivals, with what each gives for the printed statements (the letter's queries).

Nothing here knows a report: a claim's root cause comes from the declared causes (the findings' agreement table),
the claim's own id when none lists it.
"""

from __future__ import annotations

import pandas as pd

from casebook.audit.compare import NUMERIC_RULES, parse_numbers, to_fraction
from casebook.audit.hypotheses import Hypothesis, State, compatible, printed_texts

MOVE_COLUMNS = ("report", "claim_id", "mark", "step", "finding", "cause_id", "unit", "part", "printed", "recomputed",
                "printed_after", "recomputed_after")
KEY_COLUMNS = ("report", "mark", "step", "family", "hypothesis", "alternatives", "finding", "cause_id", "claims",
               "not_drawn", "explains")
HYPOTHESIS_COLUMNS = ("report", "cause_id", "role", "hypothesis", "claims", "arithmetic")
NONE = "none"  # the mark of a flagged claim no step explains
SEPARATOR = " | "  # between the arithmetic of two claims (one claim's arithmetic may hold '; ')


def causes_of(agreement: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(report, claim id) -> the declared root cause of the claim (the claim's id when no cause lists it)."""
    return {(r["report"], r["claim_id"]): r["cause_id"] or r["claim_id"] for r in agreement.to_dict("records")}


def mark(report: str, step: int | None, several: bool) -> str:
    """The text drawn beside a point: the step number (prefixed by the report when several reports have steps)."""
    core = str(step) if step else NONE
    return f"{report} {core}" if several else core


def _several(reconciled: dict) -> bool:
    return sum(1 for _ev, rec in reconciled.values() if rec.flagged or rec.gaps) > 1


def _numbers(value) -> list[float] | None:
    if value is None or isinstance(value, str):
        return None
    return [float(to_fraction(v)) for v in (value if isinstance(value, tuple) else (value,))]


def positions(ev, cid: str, state: State) -> tuple[list[float], list[float]] | None:
    """The printed numbers of a claim and the values its primary reading recomputes under ``state`` (None: the claim
    prints no number the data give, so it is not drawn)."""
    if ev.rule(cid) not in NUMERIC_RULES:
        return None
    printed = printed_texts(state, ev.claims, ev.cells).get(cid, str(ev.claims.loc[cid, "printed"]))
    res = ev.judge(cid, state)
    reading = res.primary_reading or (res.readings[0] if res.readings else None)
    values = _numbers(None if reading is None else reading.value)
    numbers = [float(p.value) for p in parse_numbers(printed)]
    return None if values is None or len(values) != len(numbers) else (numbers, values)


def moves(reconciled: dict, agreement: pd.DataFrame) -> pd.DataFrame:
    """One row per printed number of each flagged claim (a claim with no number: one row without positions)."""
    causes, several, rows = causes_of(agreement), _several(reconciled), []
    for report, (ev, rec) in sorted(reconciled.items()):
        for cid in (*rec.flagged, *rec.gaps):
            k = rec.step_of(cid)
            unit = ev.claims.loc[cid, "unit"]
            common = {"report": report, "claim_id": cid, "mark": mark(report, k, several), "step": k or "",
                      "finding": rec.finding(cid), "cause_id": causes.get((report, cid), cid),
                      "unit": unit if isinstance(unit, str) else ""}
            base = positions(ev, cid, frozenset())
            after = positions(ev, cid, rec.steps[k - 1].state) if k else base
            if base is None or after is None:
                rows.append({**common, "part": ""})
                continue
            for i, (p, v, p2, v2) in enumerate(zip(*base, *after, strict=True)):
                rows.append({**common, "part": i, "printed": p, "recomputed": v, "printed_after": p2,
                             "recomputed_after": v2})
    return pd.DataFrame(rows, columns=list(MOVE_COLUMNS))


def figure_key(reconciled: dict, moved: pd.DataFrame) -> pd.DataFrame:
    """The figure's key: each step, then the flagged claims no step explains (gaps among them)."""
    rows, several = [], _several(reconciled)
    drawn = set(zip(moved.loc[moved["part"] != "", "report"], moved.loc[moved["part"] != "", "claim_id"], strict=True))
    cause = {(r["report"], r["claim_id"]): r["cause_id"] for r in moved.to_dict("records")}

    def row(report, step, family, hypothesis, alternatives, claims, rec) -> dict:
        groups: dict[tuple[str, str], list[str]] = {}
        for c in claims:  # the claims by finding and root cause, each marked '*' when it is not drawn
            groups.setdefault((rec.finding(c), cause.get((report, c), c)), []).append(c + ("" if (report, c) in drawn else "*"))
        return {"report": report, "mark": mark(report, step, several), "step": step or "", "family": family,
                "hypothesis": hypothesis, "alternatives": "; ".join(alternatives),
                "finding": "; ".join(sorted({f for f, _ in groups})), "cause_id": "; ".join(sorted({k for _, k in groups})),
                "claims": "; ".join(claims), "not_drawn": "; ".join(c for c in claims if (report, c) not in drawn),
                "explains": "; ".join(f"{f} (root cause {k}): {', '.join(cs)}" for (f, k), cs in groups.items())}

    for report, (_ev, rec) in sorted(reconciled.items()):
        for k, s in enumerate(rec.steps, start=1):
            rows.append(row(report, k, s.hypothesis.family, s.hypothesis.label, [a.label for a in s.alternatives],
                            s.explained, rec))
        left = [c for c in (*rec.flagged, *rec.gaps) if rec.step_of(c) is None]
        if left:
            rows.append(row(report, None, "", "no step explains these claims", [], left, rec))
    return pd.DataFrame(rows, columns=list(KEY_COLUMNS))


# --- the competing explanations of each root cause, for the editor's letter -----------------------------------

def _arithmetic(ev, cids, state: State) -> str:
    """What ``state`` gives for each claim: its printed text (as the hypothesis reads it) and the arithmetic."""
    printed = printed_texts(state, ev.claims, ev.cells)
    parts = []
    for cid in cids:
        was = str(ev.claims.loc[cid, "printed"])
        now = printed.get(cid, was)
        shown = f"“{was}”" + (f" meant as “{now}”" if now != was else "")
        parts.append(f"{shown}: {ev.arithmetic(cid, state)}")
    return SEPARATOR.join(parts)


def _candidates(ev, rec, claims: list[str]) -> list[tuple[str, Hypothesis, State, list[str]]]:
    """(role, hypothesis, the state it is judged in, the claims it is offered for) for a cause's claims: each step
    that explains one (with the steps before it), its alternatives, then every claim's rivals on their own; each
    hypothesis once."""
    out: list[tuple[str, Hypothesis, State, list[str]]] = []
    for k in sorted({rec.step_of(c) for c in claims} - {None}):
        s = rec.steps[k - 1]
        before = rec.steps[k - 2].state if k > 1 else frozenset()
        mine = [c for c in claims if c in s.explained]
        with_ = "" if k == 1 else " (with step 1)" if k == 2 else f" (with steps 1-{k - 1})"
        out.append((f"step {k} of the reconciliation{with_}", s.hypothesis, s.state, mine))
        out += [(f"an alternative to step {k}{with_}", a, before | {a}, mine) for a in s.alternatives
                if compatible(before, a)]
    for c in claims:
        out += [("on its own", h, frozenset({h}), claims) for h in rec.rivals.get(c, [])]
    seen: set[Hypothesis] = set()
    return [x for x in out if not (x[1] in seen or seen.add(x[1]))]


def explanations(reconciled: dict, agreement: pd.DataFrame) -> pd.DataFrame:
    """Every root cause's competing explanations, one row each, with the claims of the cause each explains and its
    arithmetic (see the module's docstring). A cause whose claims no hypothesis explains has no row."""
    causes, rows = causes_of(agreement), []
    for report, (ev, rec) in sorted(reconciled.items()):
        by_cause: dict[str, list[str]] = {}
        for cid in rec.flagged:
            by_cause.setdefault(causes.get((report, cid), cid), []).append(cid)
        for cause_id, claims in sorted(by_cause.items()):
            for role, h, state, offered in _candidates(ev, rec, claims):
                now = ev.matched(offered, state)
                explained = [c for c in offered if now[c]]
                if explained:
                    rows.append({"report": report, "cause_id": cause_id, "role": role, "hypothesis": h.label,
                                 "claims": "; ".join(explained), "arithmetic": _arithmetic(ev, explained, state)})
    return pd.DataFrame(rows, columns=list(HYPOTHESIS_COLUMNS))
