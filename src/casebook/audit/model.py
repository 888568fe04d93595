"""The claims model: readings, GRIM checks, the data the audit reads, and the registry of recompute functions.

The register (``data/claims.csv``) names, for each claim, a recompute function (``function``) with its arguments
(``args``: ``key=value;key=value``) and a comparison rule (``rule``, see :mod:`casebook.audit.compare`). A recompute
function lives with its report (``casebook.reports.<id>.claims``), registers itself with :func:`recompute`, and
receives that report's validated tables; it returns one or more :class:`Reading` objects: the claim read per lesion
or per patient, with or without lesions lost to follow-up, from the printed percentages or from the sizes they come
from. Each reading carries its value and its arithmetic, and optionally a GRIM-style check. Recompute functions use
only the loaded tables, never the reports' analysis modules, so the audit is independent of the rebuilds it checks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt
from casebook.data.load import load_dataset
from casebook.exceptions import CasebookError

Tables = dict[str, pd.DataFrame]
VERDICTS = ("consistent", "inconsistent", "ambiguous", "not derivable", "transcribed")
CHECKS = ("consistent", "inconsistent", "ambiguous")  # the verdicts of a real check (transcriptions counted apart)
OUTPUT_COLUMNS = (
    "claim_id", "report", "location", "statement", "printed", "primary_reading", "primary_value", "alternatives",
    "verdict", "reason", "root_cause", "reading_kind", "reading_reason", "sentence", "depends_on", "note",
    "unit", "kind", "rule", "function", "args", "matching_readings", "primary_arithmetic", "arithmetic", "grim",
    "grim_possible",
)


@dataclass(frozen=True)
class Grim:
    """A GRIM-style check attached to a reading: ``mean`` of n values in steps of ``step``,
    ``percent`` of n, or ``mean_range`` (a printed 'mean (min-max)' over n values)."""

    kind: str
    n: int
    step: Fraction = Fraction(1)


@dataclass(frozen=True)
class Reading:
    """One reading of a claim. ``key`` names it for the declaration of primary readings (claim-readings.csv)."""

    name: str
    value: object  # Fraction, tuple of Fractions, a share (Fraction) or a text
    arithmetic: str
    shown: str | None = None  # how the value is shown; default fmt(value)
    grim: Grim | None = None
    key: str = ""

    def display(self) -> str:
        return self.shown if self.shown is not None else fmt(self.value)


class AuditData(dict):
    """The validated tables of every report the register has claims about: report id -> tables."""


def load_data(claims: pd.DataFrame, dirs: dict[str, str] | None = None) -> AuditData:
    """Every report named in the register, validated; ``dirs`` maps a report id to another data folder."""
    dirs = dirs or {}
    return AuditData({report: load_dataset(report, dirs.get(report)) for report in sorted(set(claims["report"]))})


# --- the registry of recompute functions ---------------------------------------------------------

# Each report names its recompute functions in its own namespace: (report id, name) -> (report id, function)
FUNCTIONS: dict[tuple[str, str], tuple[str, Callable[..., list]]] = {}


def _report_of(module: str) -> str:
    from casebook.registry import registry

    for report in registry().values():
        if module == report.package or module.startswith(report.package + "."):
            return report.id
    raise CasebookError(f"recompute functions live in a report's package; {module} is not one")


KINDS: dict[tuple[str, str], str] = {}  # (report, function) -> the kind of reading it declares (claim-readings.csv)
CELLS: dict[tuple[str, str], str] = {}  # (report, function) -> the data cell its claims print ('table:{arg}/{arg}.column')


def recompute(name: str, kind: str | None = None, cell: str | None = None):
    """Register a recompute function of the report whose package defines it, under the register's name for it.

    A function that gives several readings declares ``kind``, its kind of reading: the primary reading is then the
    one ``data/claim-readings.csv`` declares for that kind, fixed before any claim is compared (a claim's own
    ``reading_kind`` in the register overrides it).

    A function whose claims print one transcribed data cell declares ``cell``, a template filled from the claim's
    arguments (``measurements:{lesion}/{week}.size_mm``): the reconciliation then treats a misprint of that number as
    one change to the cell and to every claim that prints it."""

    def wrap(func):
        report = _report_of(func.__module__)
        if (report, name) in FUNCTIONS:
            raise CasebookError(f"recompute function {name!r} of report {report!r} registered twice")
        FUNCTIONS[(report, name)] = (report, func)
        if kind:
            KINDS[(report, name)] = kind
        if cell:
            CELLS[(report, name)] = cell
        return func

    return wrap


@dataclass(frozen=True)
class Omission:
    """A row a report's table may have left out, for the reconciliation to solve for.

    ``parents(tables)`` names the rows it may belong to (e.g. the patients); ``slots(tables)`` maps each outcome to
    solve for (e.g. ``week 4``) to its candidate values, in order; ``build(tables, parent, outcomes)`` returns the
    tables with the row added; ``describe(parent, outcomes)`` says in words what the row is."""

    name: str
    parents: Callable[[Tables], list[str]]
    slots: Callable[[Tables], dict[str, list]]
    build: Callable[[Tables, str, dict], Tables]
    describe: Callable[[str, dict], str]


OMISSIONS: dict[str, tuple[str, Omission]] = {}  # name -> (report id, omission)


def omission(o: Omission) -> Omission:
    """Register an omission of the report whose package defines its ``build``."""
    if o.name in OMISSIONS:
        raise CasebookError(f"omission {o.name!r} registered twice")
    OMISSIONS[o.name] = (_report_of(o.build.__module__), o)
    return o


def _load_functions() -> None:
    from casebook.registry import registry

    for report in registry().values():
        if report.has_module("claims") and f"{report.package}.claims" not in sys.modules:
            report.module("claims")


def function_problems() -> list:
    """Every claim of a report's register whose recompute function the report does not define: a problem naming
    the file, line and column, as ``casebook validate`` reports bad data (the build would fail on it later)."""
    from casebook import paths
    from casebook.data.register import load_claims
    from casebook.data.rules import line
    from casebook.exceptions import Problem
    from casebook.registry import registry

    _load_functions()
    out = []
    for report in registry().values():
        path = report.data_dir / "claims.csv"
        if not path.is_file():
            continue
        claims = load_claims(path)
        for index, c in claims.iterrows():
            name = c["function"] if isinstance(c["function"], str) else ""
            if name and c["rule"] != "not_derivable" and (report.id, name) not in FUNCTIONS:
                out.append(Problem(paths.relative(path), line(index), "function",
                                   f"no recompute function {name!r} in {report.package}.claims; {_known(report.id)}"))
    return out


def _known(report: str) -> str:
    """The recompute functions a report defines, for an error about one it does not."""
    known = sorted(name for rep, name in FUNCTIONS if rep == report)
    return (f"known: {', '.join(known)}" if known else "the report defines none yet: write them in its claims.py "
            "with @recompute (CONTRIBUTING, 'Adding a report')")


def parse_args(text) -> dict[str, str]:
    """``key=value;key=value`` (empty: no arguments)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    out = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep:
            raise CasebookError(f"argument {part!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


def readings_for(function: str, args: dict[str, str], data: AuditData, report: str | None = None) -> list[Reading]:
    """The readings of one claim: ``report``'s function of that name (each report has its own names; without
    ``report``, the one report of the loaded data that has it), on its tables, with the claim's arguments."""
    _load_functions()
    report = report or _owner(function, data)
    if (report, function) not in FUNCTIONS:
        raise CasebookError(f"unknown recompute function {function!r} of report {report!r}; {_known(report)}")
    if report not in data:
        raise CasebookError(f"recompute function {function!r} needs the data of report {report!r}, not loaded")
    return FUNCTIONS[(report, function)][1](data[report], **args)


def _owner(function: str, data: AuditData) -> str:
    owners = sorted(rep for rep, name in FUNCTIONS if name == function)
    loaded = [rep for rep in owners if rep in data] or owners
    if len(loaded) != 1:
        raise CasebookError(f"recompute function {function!r}: name the report ({', '.join(owners) or 'no report has it'})")
    return loaded[0]


def kind_of(report: str, function: str) -> str:
    """The kind of reading a report's recompute function declares ('' if none)."""
    return KINDS.get((report, function), "")


def cells_of(report: str) -> dict[str, str]:
    """A report's recompute functions that print a data cell: name -> the cell's template."""
    return {name: cell for (rep, name), cell in CELLS.items() if rep == report}
