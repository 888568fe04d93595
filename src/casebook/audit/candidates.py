"""The candidate hypotheses of each family for one report's evidence, screened on the claims the audit flags.

Readings and rounding are few and cheap to judge (no recomputation); misprints are many, so a misprinted number
is kept only if some value one digit away explains a flagged claim; an omitted row's outcomes are solved for on a
grid (every 5 % and 'lost', refined to single units around the best), for the parents whose row alone explains most.
"""

from __future__ import annotations

from casebook.audit.compare import parse_numbers
from casebook.audit.evidence import Evidence
from casebook.audit.hypotheses import Hypothesis, State, digit_edits, parse_cell

COARSE = 10  # the outcome grid of an omitted row, refined every STEP units and then every unit around its best
STEP = 3


def readings(ev: Evidence) -> list[Hypothesis]:
    """Another primary reading for each kind of claim the report has (the keys its claims' readings offer)."""
    out = []
    for kind in sorted({ev.kind(cid) for cid in ev.ids} - {""}):
        declared = ev.kinds.get(kind, ("", ""))[0]
        if declared == "unstated":
            continue
        names: dict[str, str] = {}  # reading key -> its name, as the audit table shows it (the first claim's)
        for cid in ev.ids:
            if ev.kind(cid) == kind:
                for r in ev.readings(cid, frozenset()):
                    names.setdefault(r.key, r.name)
        out += [Hypothesis("reading", f"reading:{kind}", (kind, key),
                           f"the {kind.replace('_', ' ')} claims read as “{names[key]}” (reading {key})")
                for key in sorted(k for k in names if k) if key != declared]
    return out


def rounding() -> list[Hypothesis]:
    return [Hypothesis("rounding", "rounding", ("truncated",), "printed values truncated, not rounded")]


def _targets(ev: Evidence) -> list[tuple[str, int, str]]:
    """Every printed number: (target, index, token); a cell's number once, however many claims print it."""
    out, seen = [], set()
    for cid in ev.ids:
        cell = ev.cells.get(cid)
        numbers = [p.text for p in parse_numbers(str(ev.claims.loc[cid, "printed"])) if p.text[0].isdigit()]
        if cell:
            if cell not in seen and numbers:
                seen.add(cell)
                out.append((f"cell:{cell}", 0, numbers[0]))
        else:
            out += [(f"claim:{cid}", i, t) for i, t in enumerate(numbers)]
    return out


def misprints(ev: Evidence, flagged: set[str]) -> list[Hypothesis]:
    """The misprints (one digit away) that explain at least one flagged claim when alone."""
    out = []
    base = frozenset()
    for target, index, token in _targets(ev):
        edits = [Hypothesis("misprint", f"{target}#{index}", (target, index, token, new),
                            f"{_where(ev, target)} printed {token} for {new}") for new in digit_edits(token)]
        if not edits:
            continue
        if target.startswith("cell:"):
            reach = (ev.moved_by_data(edits[0], ev.touched(edits[0]) & flagged) | ev.scope(edits[0])) & flagged
        else:
            reach = ev.scope(edits[0]) & flagged
        if not reach:
            continue
        scored = [(sum(ev.matched(reach, base | {h}).values()), h) for h in edits]
        top = max(n for n, _ in scored)
        out += [h for n, h in scored if n and n == top]  # per number, the values that explain most
    return out


def _where(ev: Evidence, target: str) -> str:
    """A printed number's place in words: the claim's printed text and location, or the cell's row and column."""
    kind, _, name = target.partition(":")
    if kind == "claim":
        c = ev.claims.loc[name]
        return f"“{c['printed']}” ({c['location']}; claim {name})"
    cell = parse_cell(name)
    row = ", ".join(f"{k.removesuffix('_id')} {v}" for k, v in zip(ev.keys.get(cell.table, []), cell.row, strict=False))
    return f"the {cell.column} of {row or '/'.join(cell.row)} ({cell.table} table)"


# --- omitted rows ----------------------------------------------------------------------------------------

def omissions(ev: Evidence, state: State, current: dict[str, bool], parents: dict | None = None) -> list[Hypothesis]:
    """For each declared kind of omitted row, one hypothesis per best parent (``parents``: name -> parents, by
    default the ones whose row explains most on the evidence as transcribed), its outcomes solved given ``state``."""
    out = []
    for name, o in ev.omissions.items():
        for parent in (parents or {}).get(name) or best_parents(ev, name, o, current):
            out.append(solved(ev, name, o, parent, state, current))
    return out


def solved(ev: Evidence, name: str, o, parent: str, state: State, current: dict[str, bool],
           start: dict | None = None) -> Hypothesis:
    """The row of ``parent`` with the outcomes that explain most given ``state`` (``start``: the outcomes solved
    before, from which one pass suffices)."""
    outcomes = _solve(ev, name, o, parent, state, current, start)
    best = {slot: representative(values) for slot, values in outcomes.items()}
    label = o.describe(parent, {slot: _span(values) for slot, values in outcomes.items()})
    return Hypothesis("omission", f"omission:{name}", (name, parent, tuple(sorted(best.items()))), label)


def representative(values: list):
    """The value a solved outcome takes in the search: the highest number among the best, else the first."""
    nums = [v for v in values if not isinstance(v, str)]
    return nums[-1] if nums else values[0]


def _span(values: list) -> str:
    nums = [v for v in values if not isinstance(v, str)]
    words = [v for v in values if isinstance(v, str)]
    parts = ([f"{nums[0]}" if nums[0] == nums[-1] else f"{nums[0]}-{nums[-1]}"] if nums else []) + words
    return " or ".join(parts)


def _score(ev: Evidence, state: State, cids, current: dict[str, bool]) -> int:
    now = ev.matched(cids, state)
    return sum(1 for cid in cids if now[cid]) - sum(1 for cid in cids if current[cid])


def _probe(name: str, parent: str, outcomes: dict) -> Hypothesis:
    return Hypothesis("omission", f"omission:{name}", (name, parent, tuple(sorted(outcomes.items()))), "probe")


def _defaults(o, tables) -> dict:
    return {slot: values[0] for slot, values in o.slots(tables).items()}


def dependencies(ev: Evidence, name: str, o, parent: str) -> tuple[set[str], dict[str, set[str]]]:
    """The claims a row of ``parent`` moves at all, and those each outcome moves (on the evidence as transcribed;
    kept on the evidence)."""
    key = ("omission", name, parent)
    if key not in ev.memo:
        defaults = _defaults(o, ev.tables)
        h = _probe(name, parent, defaults)
        moved = ev.moved_by_data(h, ev.touched(h))
        by_slot = {}
        for slot, values in o.slots(ev.tables).items():
            probes = [_probe(name, parent, {**defaults, slot: v}) for v in (values[len(values) // 2], values[-2], values[-1])]
            by_slot[slot] = {c for c in moved if any(ev.values(c, frozenset({p})) != ev.values(c, frozenset({h}))
                                                     for p in probes)}
        ev.memo[key] = (moved, by_slot)
    return ev.memo[key]


def best_parents(ev: Evidence, name: str, o, current: dict[str, bool]) -> list[str]:
    """The parents whose row explains most through the claims no outcome moves (counts, for instance)."""
    scores = {}
    defaults = _defaults(o, ev.tables)
    for parent in o.parents(ev.tables):
        moved, by_slot = dependencies(ev, name, o, parent)
        fixed = moved - set().union(*by_slot.values())
        scores[parent] = _score(ev, frozenset({_probe(name, parent, defaults)}), fixed, current)
    top = max(scores.values(), default=0)
    return [p for p, s in scores.items() if s == top]


def _solve(ev: Evidence, name: str, o, parent: str, state: State, current: dict[str, bool],
           start: dict | None = None) -> dict[str, list]:
    """Per outcome, the values that explain most: a grid every :data:`COARSE` units, then every unit around the best."""
    slots = o.slots(ev.tables)
    _moved, by_slot = dependencies(ev, name, o, parent)
    chosen = dict(start) if start else _defaults(o, ev.tables)
    best: dict[str, list] = {}
    # twice from the defaults: one outcome's best can depend on another's (lost at one week is lost at the next);
    # once from outcomes solved before
    for _ in range(1 if start else 2):
        for slot, values in slots.items():
            def scores_of(vs, slot=slot):
                return {v: _score(ev, state | {_probe(name, parent, {**chosen, slot: v})}, by_slot[slot], current)
                        for v in vs}
            scores = scores_of([v for i, v in enumerate(values) if isinstance(v, str) or i % COARSE == 0])
            for step in (STEP, 1):  # narrower and finer around the best values so far
                top = max(scores.values())
                idx = [i for i, v in enumerate(values) if scores.get(v) == top and not isinstance(v, str)]
                reach = COARSE if step == STEP else STEP
                near = {values[j] for i in idx for j in range(max(0, i - reach + 1), min(len(values), i + reach), step)
                        if not isinstance(values[j], str)}
                scores.update(scores_of(sorted(near - set(scores))))
            top = max(scores.values())
            best[slot] = [v for v in values if scores.get(v) == top]
            chosen[slot] = representative(best[slot])
    return best
