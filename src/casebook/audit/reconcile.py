"""The reconciliation: the smallest set of simple hypotheses that explains the most claims the audit flags.

The search is greedy over the declared space of :mod:`casebook.audit.hypotheses`: it starts from the evidence as
transcribed, and at each step adds the one hypothesis that most raises the number of flagged claims explained minus
the number of matching claims it breaks; it stops when no hypothesis raises it. An omitted row's outcomes are solved
again whenever a reading or the rounding changes. Every step keeps the hypotheses that explain exactly the same
claims (alternatives), and the single hypotheses of the evidence as transcribed are kept as each claim's rivals.

What it concludes for a flagged claim (:meth:`Reconciliation.finding`):

``correction``   one misprint explains it, alone and with no rival that explains it as well: the evidence pins
                 down one value;
``query``        a hypothesis explains it, but rivals explain it as well, or the explanation is a reading or an
                 omitted row (which only the authors can confirm);
``unexplained``  no simple hypothesis explains it: the data contradict the claim as printed;
``gap``          the report leaves its reading unstated (``data/claim-readings.csv``): not searched.

Nothing here knows a report: the register, the declared readings, the recompute functions' ``cell`` and the
reports' declared omissions drive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from casebook.audit import candidates
from casebook.audit.evidence import Evidence
from casebook.audit.hypotheses import Hypothesis, State, compatible

STEP_COLUMNS = ("report", "step", "family", "hypothesis", "explained", "broken", "alternatives", "arithmetic")
FINDING_COLUMNS = ("report", "claim_id", "finding", "step", "rivals")
MAX_STEPS = 8


@dataclass(frozen=True)
class Step:
    hypothesis: Hypothesis
    explained: tuple[str, ...]
    broken: tuple[str, ...]
    alternatives: tuple[Hypothesis, ...]
    state: State


@dataclass
class Reconciliation:
    report: str
    flagged: tuple[str, ...]
    gaps: tuple[str, ...]
    steps: list[Step] = field(default_factory=list)
    rivals: dict[str, list[Hypothesis]] = field(default_factory=dict)  # flagged claim -> best single explanations

    @property
    def state(self) -> State:
        return self.steps[-1].state if self.steps else frozenset()

    def step_of(self, cid: str) -> int | None:
        return next((i for i, s in enumerate(self.steps, start=1) if cid in s.explained), None)

    def finding(self, cid: str) -> str:
        if cid in self.gaps:
            return "gap"
        k = self.step_of(cid)
        if k is None:
            return "unexplained"
        step = self.steps[k - 1]
        pinned = step.hypothesis.family == "misprint" and not step.alternatives
        return "correction" if pinned and self.rivals.get(cid, []) == [step.hypothesis] else "query"


class Search:
    def __init__(self, ev: Evidence):
        self.ev = ev
        self.base = ev.matched(ev.ids, frozenset())
        self._moved: dict = {}
        self.alone: dict[Hypothesis, tuple[str, ...]] = {}  # hypothesis -> the flagged claims it explains alone

    def moved(self, h: Hypothesis) -> set[str]:
        """The claims a hypothesis can move (data hypotheses: measured against the evidence as transcribed)."""
        if h.family == "omission":
            name, parent, _ = h.value
            return candidates.dependencies(self.ev, name, self.ev.omissions[name], parent)[0]
        key = h.slot if h.changes_data else h  # a misprinted cell moves the same claims whatever its value
        if key not in self._moved:
            if h.changes_data:
                self._moved[key] = self.ev.moved_by_data(h, self.ev.touched(h)) | self.ev.scope(h)
            else:
                self._moved[key] = self.ev.scope(h)
        return self._moved[key]

    def status(self, state: State) -> dict[str, bool]:
        now = dict(self.base)
        cids = set().union(*(self.moved(h) for h in state)) if state else set()
        now.update(self.ev.matched(sorted(cids), state))
        return now

    def score(self, state: State, flagged: set[str]) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
        now = self.status(state)
        explained = tuple(sorted(c for c in flagged if now[c]))
        broken = tuple(sorted(c for c in self.base if self.base[c] and not now[c]))
        return len(explained) - len(broken), explained, broken

    def extend(self, state: State, h: Hypothesis) -> State | None:
        """``state`` with ``h``; an omitted row in it is solved again when a reading or the rounding changes."""
        if not compatible(state, h):
            return None
        new = state | {h}
        old = next((x for x in state if x.family == "omission"), None)
        if old is not None and h.family != "omission" and self.moved(h) & self.outcome_claims(old) and self._fresh(state, h):
            # the row's outcomes were solved for the other hypotheses: solve them again with this one (a misprinted
            # size moves a mean that the outcomes were solved to match)
            rest = new - {old}
            name, parent, outcomes = old.value
            new = rest | {candidates.solved(self.ev, name, self.ev.omissions[name], parent, rest, self.status(rest),
                                            dict(outcomes))}
        return new

    def _fresh(self, state: State, h: Hypothesis) -> bool:
        """Worth solving the row again for: a reading or the rounding (cheap: no data changes), or a misprint that
        alone explains a claim ``state`` leaves flagged (solving again for every misprinted number would cost
        thousands of recomputations)."""
        if h.family != "misprint":
            return True
        now = self.status(state)
        return any(not now[c] for c in self.alone.get(h, ()))

    def outcome_claims(self, h: Hypothesis) -> set[str]:
        """The claims an omitted row's outcomes move (not those its mere presence moves, such as counts)."""
        name, parent, _ = h.value
        _moved, by_slot = candidates.dependencies(self.ev, name, self.ev.omissions[name], parent)
        return set().union(*by_slot.values())


def reconcile(ev: Evidence, max_steps: int = MAX_STEPS) -> Reconciliation:
    """Search the declared space for the report's flagged claims (see the module's docstring)."""
    search = Search(ev)
    gaps = tuple(c for c in ev.ids if ev.kinds.get(ev.kind(c), ("",))[0] == "unstated" and not search.base[c])
    flagged = {c for c in ev.ids if not search.base[c] and c not in gaps}
    out = Reconciliation(ev.report, tuple(sorted(flagged)), gaps)
    if not flagged:
        return out
    pool = candidates.readings(ev) + candidates.rounding() + candidates.misprints(ev, flagged)
    out.rivals = _rivals(search, pool + candidates.omissions(ev, frozenset(), search.base), flagged)
    state: State = frozenset()
    best = 0
    for _ in range(max_steps):
        offers = pool if any(h.family == "omission" for h in state) else pool + candidates.omissions(
            ev, state, search.status(state))
        scored = []
        for h in offers:
            new = search.extend(state, h)
            if new is not None:
                scored.append((search.score(new, flagged), h, new))
        if not scored:
            break
        top = max(s[0][0] for s in scored)
        if top <= best:
            break
        (gain, explained, broken), h, new = min((s for s in scored if s[0][0] == top), key=_order)
        alternatives = tuple(x for (g, e, b), x, _ in scored if (g, e, b) == (gain, explained, broken) and x != h)
        previous = {c for st in out.steps for c in st.explained}
        out.steps.append(Step(h, tuple(c for c in explained if c not in previous), broken, alternatives, new))
        state, best = new, top
    return out


def _order(item) -> tuple:
    (gain, explained, broken), h, _ = item
    return (len(broken), candidates_family_rank(h), h.label)


def candidates_family_rank(h: Hypothesis) -> int:
    return ("omission", "reading", "rounding", "misprint").index(h.family)


def _rivals(search: Search, pool: list[Hypothesis], flagged: set[str]) -> dict[str, list[Hypothesis]]:
    """For each flagged claim, the single hypotheses that explain it on the evidence as transcribed and break no
    claim that matched: the competing explanations (most explained first)."""
    found: dict[str, list[tuple[int, Hypothesis]]] = {}
    for h in pool:
        gain, explained, broken = search.score(frozenset({h}), flagged)
        search.alone[h] = explained
        if not broken:
            for c in explained:
                found.setdefault(c, []).append((gain, h))
    return {c: [h for _g, h in sorted(hs, key=lambda x: (-x[0], x[1].label))] for c, hs in sorted(found.items())}


# --- tables -------------------------------------------------------------------------------------------

def steps_table(ev: Evidence, rec: Reconciliation) -> pd.DataFrame:
    """One row per step of the best set: the hypothesis, the claims it explains and breaks, its alternatives, and
    the arithmetic of each explained claim under the hypotheses so far."""
    rows = []
    for i, s in enumerate(rec.steps, start=1):
        rows.append({
            "report": rec.report, "step": i, "family": s.hypothesis.family, "hypothesis": s.hypothesis.label,
            "explained": "; ".join(s.explained), "broken": "; ".join(s.broken),
            "alternatives": "; ".join(a.label for a in s.alternatives),
            "arithmetic": " | ".join(f"{c}: {ev.arithmetic(c, s.state)}" for c in s.explained),
        })
    return pd.DataFrame(rows, columns=list(STEP_COLUMNS))


def findings_table(rec: Reconciliation) -> pd.DataFrame:
    rows = [{"report": rec.report, "claim_id": c, "finding": rec.finding(c), "step": rec.step_of(c) or "",
             "rivals": "; ".join(h.label for h in rec.rivals.get(c, []))} for c in (*rec.flagged, *rec.gaps)]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


def table_keys(report: str) -> dict[str, list[str]]:
    """The key columns of each of a report's tables (its data dictionary's ``key`` column)."""
    from casebook.data.load import dictionary_path

    d = pd.read_csv(dictionary_path(report), dtype=str).fillna("")
    return {t: list(g.loc[g["key"] == "yes", "column"]) for t, g in d.groupby("table", sort=True)}


def evidence(claims: pd.DataFrame, data, report: str, readings: pd.DataFrame | None = None) -> Evidence:
    """A report's evidence: its claims in the register, its validated tables, the declared readings."""
    from casebook.audit.verdicts import declared

    return Evidence(report, claims, data[report], declared(readings), table_keys(report))


def reconcile_all(claims: pd.DataFrame, data, readings: pd.DataFrame | None = None) -> dict[str, tuple]:
    """Every report of the register: report id -> (its evidence, its :class:`Reconciliation`), the search kept on
    disk by the evidence's content (:mod:`casebook.audit.stored`)."""
    from casebook.audit import stored
    from casebook.registry import get

    out = {}
    for report in sorted(set(claims["report"])):
        ev = evidence(claims, data, report, readings)
        key = stored.evidence_key(ev, get(report).package.rsplit(".", 1)[-1], MAX_STEPS)
        out[report] = (ev, stored.kept(report, key, lambda ev=ev: reconcile(ev), encode, decode))
    return out


def encode(rec: Reconciliation) -> dict:
    """A reconciliation as plain JSON values (for :mod:`casebook.audit.stored`); :func:`decode` gives it back."""
    return {"report": rec.report, "flagged": list(rec.flagged), "gaps": list(rec.gaps),
            "steps": [[_out(s.hypothesis), list(s.explained), list(s.broken), [_out(a) for a in s.alternatives],
                       [_out(x) for x in sorted(s.state)]] for s in rec.steps],
            "rivals": {c: [_out(x) for x in hs] for c, hs in rec.rivals.items()}}


def decode(d: dict) -> Reconciliation:
    steps = [Step(_in(s[0]), tuple(s[1]), tuple(s[2]), tuple(map(_in, s[3])), frozenset(map(_in, s[4])))
             for s in d["steps"]]
    return Reconciliation(d["report"], tuple(d["flagged"]), tuple(d["gaps"]), steps,
                          {c: [_in(x) for x in hs] for c, hs in d["rivals"].items()})


def _out(h: Hypothesis) -> list:
    return [h.family, h.slot, list(h.value), h.label]


def _in(x: list) -> Hypothesis:
    return Hypothesis(x[0], x[1], _tuples(x[2]), x[3])


def _tuples(value):
    """JSON's lists back to the tuples a hypothesis's value is made of (an omitted row's outcomes nest them)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
