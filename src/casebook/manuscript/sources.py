"""The sources of an article's sentences: register claims and data cells, named beside the text they support.

A sentence of a template ends with ``{{ cite: a, b, ... }}`` naming what it rests on:

- ``sts-results-infection``: a claim of the register (``data/claims.csv``) of the article's report;
- ``patients:P6.vital_status``: one data cell, ``table:ROW.column`` (``ROW`` = the row's key values joined by ``/``,
  as ``measurements:L6/12.status``);
- ``measurements[week=12].status``: a column over the rows a filter selects (``table.column`` for every row), for
  counts, ranges and means;
- ``computed:function``: the project's computation that a bound value comes from (a judgement such as the
  criteria met, a ratio), named by its function; cite the data cells it reads beside it;
- ``own``: the article's own statement about its method or this build, which rests on no source and binds no value.

:func:`casebook.manuscript.template.unsourced` lists the sentences that name no source;
:func:`casebook.manuscript.template.disagreements` the bound values (``{{ name }}``) that agree with none of their
sentence's sources (a claim as the audit recomputes it, a cell, or a selection's count, value counts, minimum,
maximum, mean, median or sum; :func:`agrees`). Both lists are kept empty by tests; this module imports no template
code (the templates use it, not the other way round).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from casebook.exceptions import CasebookError
from casebook.text import decimals, number

CITE = re.compile(r"\{\{\s*cite\s*:\s*([^{}]*?)\s*\}\}")
OWN = "own"
COMPUTED = "computed:"


@dataclass(frozen=True)
class Computed:
    """A computation as a source: a value agrees with it when that function computed the value."""

    function: str
CELL = re.compile(r"^([a-z_]+):([^.\s]+)\.([a-z_0-9]+)$")
ROWS = re.compile(r"^([a-z_]+)(?:\[([^\]]*)\])?\.([a-z_0-9]+)$")
CLAIM = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
NUM = re.compile(r"-?\d+(?:\.\d+)?")


def split(cite: str) -> list[str]:
    """The source names of one ``{{ cite: ... }}`` (separated by commas)."""
    return [s.strip() for s in cite.split(",") if s.strip()]


@dataclass(frozen=True)
class Sources:
    """What a report's sentences may cite: its claims (with the audit's verdicts) and its data tables."""

    report_id: str
    claims: object  # DataFrame: claim_id, report, location, statement, printed, recomputed (claim_verdicts)
    tables: dict

    def _claim(self, name: str):
        rows = self.claims[(self.claims["claim_id"] == name) & (self.claims["report"] == self.report_id)]
        if rows.empty:
            raise CasebookError(f"source {name!r} is not a claim of {self.report_id} in data/claims.csv")
        return rows.iloc[0]

    @functools.cached_property
    def _dictionary(self):
        import pandas as pd

        from casebook import paths

        return pd.read_csv(paths.DATA / self.report_id / "data-dictionary.csv", dtype=str).fillna("")

    def _keys(self, table: str) -> list[str]:
        dictionary = self._dictionary  # read once per Sources (a summary cites many cells)
        return list(dictionary.loc[(dictionary["table"] == table) & (dictionary["key"] == "yes"), "column"])

    def _table(self, name: str, table: str, column: str):
        if table not in self.tables:
            raise CasebookError(f"source {name!r}: {self.report_id} has no table {table!r}")
        df = self.tables[table]
        if column not in df.columns:
            raise CasebookError(f"source {name!r}: table {table!r} has no column {column!r}")
        return df

    def _cells(self, name: str) -> list:
        """The data cells a cell or selection source names (an unknown table, row or column is an error)."""
        m = CELL.match(name)
        if m:
            table, row, column = m.groups()
            df = self._table(name, table, column)
            keys, parts = self._keys(table), row.split("/")
            if len(keys) != len(parts):
                raise CasebookError(f"source {name!r}: a row of {table} is named by {'/'.join(keys)}")
            mask = True
            for key, part in zip(keys, parts, strict=True):
                mask = mask & (df[key].astype(str) == part)
            found = df.loc[mask, column] if keys else df.iloc[0:0][column]
            if len(found) != 1:
                raise CasebookError(f"source {name!r}: no row {row!r} in {table}")
            return list(found)
        table, where, column = ROWS.match(name).groups()
        df = self._table(name, table, column)
        for cond in filter(None, (c.strip() for c in (where or "").split(";"))):
            col, _, val = cond.partition("=")
            self._table(name, table, col.strip())
            df = df[df[col.strip()].astype(str) == val.strip()]
        if df.empty and where:  # a filter that selects nothing is a slip; a table with no rows yet counts 0
            raise CasebookError(f"source {name!r} selects no row")
        return list(df[column])

    @functools.cached_property
    def _found(self) -> dict:
        return {}

    def candidates(self, name: str) -> list:
        """What a source gives that a bound value may be compared with; an unknown source is an error. Worked out
        once per name (a template cites a source from many sentences, and is checked more than once)."""
        if name not in self._found:
            self._found[name] = self._candidates(name)
        return self._found[name]

    def _candidates(self, name: str) -> list:
        if name == OWN:
            return []
        if name.startswith(COMPUTED):
            return [Computed(name[len(COMPUTED):])]
        if CELL.match(name) or ROWS.match(name):
            return _aggregates(self._cells(name), single=bool(CELL.match(name)))
        if CLAIM.match(name):
            recomputed = str(self._claim(name)["recomputed"] or "")
            return [recomputed, *(float(x) for x in NUM.findall(recomputed.replace(",", "")))]
        raise CasebookError(f"source {name!r} is neither a claim id, a cell (table:ROW.column), a selection "
                            "(table[column=value].column) nor 'own'")

    def describe(self, name: str) -> str:
        """A source in words, for the reader (the HTML article shows it on hover)."""
        if name == OWN:
            return "this article's own method"
        if name.startswith(COMPUTED):
            return f"computed by {name[len(COMPUTED):]}"
        if CELL.match(name) or ROWS.match(name):
            return f"data {name}"
        c = self._claim(name)
        return f"{c['location']}: {c['statement']} [{name}]"


def _aggregates(cells: list, single: bool) -> list:
    import pandas as pd

    s = pd.Series(cells)
    out = [*cells]
    if single:
        return out
    out += [len(s), *s.astype(str).value_counts().tolist(), s.nunique()]
    nums = pd.to_numeric(s, errors="coerce").dropna()
    if len(nums):
        out += [nums.min(), nums.max(), nums.mean(), nums.median(), nums.sum()]
    return out


def agrees(value, candidates: list) -> bool:
    """True when a registry value is one of what its sources give (a number as shown, or a text)."""
    try:
        x = float(value.value)
    except (TypeError, ValueError):
        x = None
    return any(_agrees_one(value, x, c) for c in candidates)


def _agrees_one(value, x: float | None, c) -> bool:
    if isinstance(c, Computed):
        return c.function in (value.source, value.source.rsplit(".", 1)[-1])
    if isinstance(c, str):
        return bool(c) and _text_agrees(value.text.lower(), c.lower())
    if x is None or _missing(c):
        return False
    return abs(float(c) - x) < 1e-9 or number(float(c), decimals(value.text)) == value.text


def _missing(c) -> bool:
    try:
        float(c)
    except (TypeError, ValueError):
        return True
    return c != c  # NaN


def _text_agrees(text: str, source: str) -> bool:
    """A text value agrees with a source's text that contains it, or contains its numbers and its words."""
    if text == source or text in source:
        return True
    words = re.findall(r"[a-z]{4,}", text)
    return bool(NUM.search(text)) and all(n in NUM.findall(source) for n in NUM.findall(text)) and \
        all(w in source for w in words)

