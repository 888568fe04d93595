"""The evidence under a hypothesis: a report's checkable claims judged on the tables and printed texts a set of
hypotheses implies, with every recomputation kept (the search asks for the same ones many times)."""

from __future__ import annotations

import pandas as pd

from casebook.audit import compare
from casebook.audit.hypotheses import Hypothesis, State, apply, claim_cell, printed_texts
from casebook.audit.memo import memo
from casebook.audit.model import OMISSIONS, Reading, _load_functions, cells_of, kind_of, parse_args, readings_for
from casebook.audit.verdicts import judge, text

MATCHED = ("consistent", "transcribed")


class _Recorder(dict):
    """The tables, noting which ones a recompute function reads."""

    def __init__(self, tables: dict):
        super().__init__(tables)
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)


class Evidence:
    """One report's claims (those the data can check) and tables, judged under any state of hypotheses."""

    def __init__(self, report: str, claims: pd.DataFrame, tables: dict, kinds: dict[str, tuple[str, str]],
                 keys: dict[str, list[str]]):
        _load_functions()
        mine = claims[(claims["report"] == report) & (claims["rule"] != "not_derivable")]
        self.report = report
        self.claims = mine.set_index("claim_id", drop=False)
        self.ids = list(self.claims.index)
        self.tables, self.kinds, self.keys = tables, kinds, keys
        self.cells = {cid: cell for cid, c in self.claims.iterrows()
                      if (cell := claim_cell(c, cells_of(report), parse_args(c.get("args"))))}
        self.omissions = {name: o for name, (rep, o) in sorted(OMISSIONS.items()) if rep == report}
        self._readings: dict[tuple, list[Reading]] = {}
        self._verdicts: dict[tuple, object] = {}
        self._kept: dict = {}  # what recompute functions derive from each variant of the tables (audit.memo)
        self._rows = dict(self.claims.iterrows())  # .loc on every judgement is slow
        self._kinds: dict[str, str] = {}
        self._tables: dict[tuple, dict] = {(): tables}
        self.reads: dict[str, set[str]] = {}  # claim id -> the tables its recompute function reads
        self.memo: dict = {}  # what the search learns once about this evidence (an omitted row's dependencies)

    # --- what a claim is ---------------------------------------------------------------------------

    def kind(self, cid: str) -> str:
        if cid not in self._kinds:  # asked on every judgement: a row's fields are slow to read
            c = self._rows[cid]
            self._kinds[cid] = text(c.get("reading_kind")) or kind_of(self.report, text(c.get("function")))
        return self._kinds[cid]

    def rule(self, cid: str) -> str:
        return str(self._rows[cid]["rule"])

    # --- recomputation, kept ---------------------------------------------------------------------

    @staticmethod
    def data_key(state: State) -> tuple:
        return tuple(sorted(h for h in state if h.changes_data))

    def tables_for(self, state: State) -> dict:
        key = self.data_key(state)
        if key not in self._tables:
            # one hypothesis on the tables of the others: a misprinted cell is set once for every omitted row tried
            *rest, last = sorted(key, key=lambda h: h.family != "misprint")
            under = self.tables_for(frozenset(rest))
            with memo(self._kept):  # an omitted row's parts that no outcome changes are built once
                self._tables[key] = apply(frozenset({last}), under, self.keys, self.omissions)
        return self._tables[key]

    def readings(self, cid: str, state: State) -> list[Reading]:
        key = (cid, self.data_key(state))
        if key not in self._readings:
            c = self._rows[cid]
            tables = _Recorder(self.tables_for(state))
            try:
                with memo(self._kept):
                    self._readings[key] = readings_for(c["function"], parse_args(c.get("args")), {self.report: tables}, self.report)
            except (ArithmeticError, ValueError, KeyError, IndexError) as e:
                if not key[1]:
                    raise
                # a hypothesis can make the data impossible (a baseline size of 0): no value, so no match
                self._readings[key] = [Reading("impossible under the hypothesis", None, f"{type(e).__name__}: {e}")]
            self.reads.setdefault(cid, set()).update(tables.read)
        return self._readings[key]

    def touched(self, h: Hypothesis, state: State = frozenset()) -> set[str]:
        """The claims that read a table ``h`` changes (every claim is read once in the base state first)."""
        for cid in self.ids:
            self.readings(cid, frozenset())
        before, after = self.tables_for(state), self.tables_for(state | {h})
        changed = {name for name in after if after[name] is not before.get(name)}
        return {cid for cid in self.ids if self.reads.get(cid, set()) & changed}

    def values(self, cid: str, state: State) -> tuple:
        return tuple(r.value for r in self.readings(cid, state))

    # --- judgement ---------------------------------------------------------------------------------

    def kinds_for(self, state: State) -> dict[str, tuple[str, str]]:
        kinds = dict(self.kinds)
        for h in state:
            if h.family == "reading":
                kind, key = h.value
                kinds[kind] = (key, f"hypothesis: {h.label}")
        return kinds

    @staticmethod
    def rounding(state: State) -> str:
        return next((h.value[0] for h in state if h.family == "rounding"), "nearest")

    def judge(self, cid: str, state: State, printed: dict[str, str] | None = None):
        printed = printed_texts(state, self.claims, self.cells) if printed is None else printed
        readings = self.readings(cid, state)
        kinds = self.kinds_for(state)
        kind = self.kind(cid)
        if kind in kinds and kinds[kind][0] not in {r.key for r in readings}:
            kinds[kind] = self.kinds[kind]  # a claim that does not offer the hypothesis's reading keeps its own
        # a verdict depends only on these: the search asks for the same one under many states
        key = (cid, self.data_key(state), printed.get(cid), kinds.get(kind), self.rounding(state))
        if key not in self._verdicts:
            token = compare.ROUNDING.set(key[-1])
            try:
                self._verdicts[key] = judge(self._rows[cid], readings, kinds, printed.get(cid))
            finally:
                compare.ROUNDING.reset(token)
        return self._verdicts[key]

    def matched(self, cids, state: State) -> dict[str, bool]:
        printed = printed_texts(state, self.claims, self.cells)
        return {cid: self.judge(cid, state, printed).verdict in MATCHED for cid in cids}

    def arithmetic(self, cid: str, state: State) -> str:
        res = self.judge(cid, state)
        r = res.primary_reading
        return "" if r is None else f"{r.arithmetic} -> {res.matches[res.primary].detail}"

    # --- which claims a hypothesis can move ------------------------------------------------------------

    def moved_by_data(self, h: Hypothesis, cids, state: State = frozenset()) -> set[str]:
        """The claims among ``cids`` whose recomputed values differ when ``h`` joins ``state``."""
        return {cid for cid in cids if self.values(cid, state | {h}) != self.values(cid, state)}

    def scope(self, h: Hypothesis) -> set[str]:
        """The claims a reading, rounding or printed-number hypothesis can move (data hypotheses: see moved_by_data)."""
        if h.family == "reading":
            return {cid for cid in self.ids if self.kind(cid) == h.value[0]}
        if h.family == "rounding":
            return {cid for cid in self.ids if self.rule(cid) == "rounded"}
        target = h.value[0]
        if target.startswith("claim:"):
            return {target[len("claim:"):]}
        return {cid for cid, cell in self.cells.items() if "cell:" + cell == target}
