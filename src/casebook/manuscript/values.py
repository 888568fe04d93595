"""The registry of named values an article's text may use: each computed from data, with its provenance.

A report's ``values`` module (``casebook.reports.<id>.values``) returns a list of :class:`Value` objects; the
registry checks that names are unique and well formed. Each value keeps the number (or text) computed, the text
shown in prose (formatted by :mod:`casebook.text`, the one number format), its unit, the function that computed it
(``module.function``) and, when the published report printed the same quantity, the id of that claim in
``data/claims.csv``: the corrected edition marks a value whose claim the audit finds inconsistent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from casebook.exceptions import CasebookError
from casebook.text import number

NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Value:
    name: str
    value: object  # the number or text computed from data
    text: str  # as prose shows it
    source: str  # the function that computed it: "module.function"
    unit: str = ""
    claim: str = ""  # claim_id in data/claims.csv of the printed number this value recomputes, if any


def source_of(func: Callable | str) -> str:
    """``module.function`` of a function (a string is taken as it is)."""
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def value(name: str, x, source: Callable | str, unit: str = "", claim: str = "", decimals: int | None = 1,
          text: str | None = None) -> Value:
    """A named value: ``x`` computed by ``source``; its text rounded half-up to ``decimals`` unless given."""
    if text is None:
        text = x if isinstance(x, str) else number(x, decimals)
    return Value(name, x, str(text), source_of(source), unit, claim)


class Registry:
    """Named values of one report, in the order given; unknown names are errors that list the known ones."""

    def __init__(self, report_id: str, values: Iterable[Value]):
        self.report_id = report_id
        self._values: dict[str, Value] = {}
        for v in values:
            if not NAME.fullmatch(v.name):
                raise CasebookError(f"{report_id}: value name {v.name!r} is not lower_case_with_underscores")
            if v.name in self._values:
                raise CasebookError(f"{report_id}: value {v.name!r} defined twice ({v.source})")
            self._values[v.name] = v

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __iter__(self):
        return iter(self._values.values())

    def __len__(self) -> int:
        return len(self._values)

    def get(self, name: str) -> Value:
        if name not in self._values:
            raise CasebookError(f"{self.report_id}: unknown value {name!r}")
        return self._values[name]

    def rows(self) -> list[dict]:
        """One row per value: name, text, unit, source, claim (for display and the values CSV)."""
        return [{"name": v.name, "text": v.text, "unit": v.unit, "source": v.source, "claim": v.claim} for v in self]


def gather(report_id: str, tables: dict) -> Registry:
    """The registry of a report, from its ``values`` module (``values(tables) -> list[Value]``)."""
    from casebook.registry import get

    report = get(report_id)
    if not report.has_module("values"):
        raise CasebookError(f"report {report_id!r} has no values module (casebook.reports.<id>.values)")
    return Registry(report_id, report.module("values").values(tables))
