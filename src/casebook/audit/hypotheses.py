"""The declared space of simple explanations the reconciliation searches, and how each one changes the evidence.

Four families, fixed before any comparison:

``reading``   the report used another reading of a kind of claim (``data/claim-readings.csv``): the denominator and
              unit (per lesion or per patient, lost counted or not), printed percentages or sizes; applied to every
              claim of that kind, never to one claim alone;
``rounding``  the report truncated instead of rounding to the nearest value;
``misprint``  one printed number is a misprint of another that differs by one digit (one digit replaced, two
              neighbouring digits swapped, or one digit dropped); a number a data cell transcribes changes the cell
              and every claim that prints it (the recompute function's ``cell``), any other number only its claim;
``omission``  the table left out one row, whose outcomes the search solves for (a report declares what such a row
              is with :func:`casebook.audit.model.omission`).

A :class:`Hypothesis` is a value; :class:`State` is a set of them with at most one per ``slot``; :func:`apply`
gives the tables and printed texts a state implies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from casebook.audit.compare import parse_numbers
from casebook.exceptions import CasebookError

FAMILIES = ("reading", "rounding", "misprint", "omission")


@dataclass(frozen=True, order=True)
class Hypothesis:
    """One simple explanation. ``slot`` makes hypotheses exclusive (one reading per kind, one value per number)."""

    family: str
    slot: str
    value: tuple  # reading: (kind, key); rounding: (mode,); misprint: (target, index, old, new); omission: below
    label: str

    @property
    def changes_data(self) -> bool:
        """An omitted row or a misprinted data cell; a misprint of a number only a claim prints changes its text."""
        return self.family == "omission" or (self.family == "misprint" and self.value[0].startswith("cell:"))


State = frozenset  # of Hypothesis


def compatible(state: State, h: Hypothesis) -> bool:
    return all(x.slot != h.slot for x in state)


# --- misprints ---------------------------------------------------------------------------------------

def digit_edits(token: str) -> list[str]:
    """Numbers one digit away from ``token`` (as printed): a digit replaced, two neighbours swapped, one dropped.
    The decimal point stays where it is; no result starts with a superfluous zero."""
    digits = [i for i, ch in enumerate(token) if ch.isdigit()]
    out: set[str] = set()
    for i in digits:
        out.update(token[:i] + d + token[i + 1:] for d in "0123456789")
    for a, b in zip(digits, digits[1:], strict=False):
        if b == a + 1:
            out.add(token[:a] + token[b] + token[a] + token[b + 1:])
    if len(digits) > 1:
        out.update(token[:i] + token[i + 1:] for i in digits)
    return sorted(t for t in out if t != token and _well_formed(t))


def _well_formed(t: str) -> bool:
    return bool(re.fullmatch(r"(0|[1-9]\d*)(\.\d+)?", t.replace(",", "")))


def replace_number(text: str, index: int, new: str) -> str:
    """``text`` with its ``index``-th printed number (in :func:`parse_numbers` order) replaced by ``new``."""
    tokens = [p.text for p in parse_numbers(text)]
    pos, start = -1, 0
    for k, token in enumerate(tokens):
        pos = text.index(token, start)
        start = pos + len(token)
        if k == index:
            return text[:pos] + new + text[start:]
    raise CasebookError(f"{text!r} has no number {index}")


def claim_cell(claim: pd.Series, cells: dict[str, str], args: dict[str, str]) -> str:
    """The data cell a claim prints (its recompute function's ``cell`` template, filled from its arguments)."""
    template = cells.get(str(claim.get("function") or ""))
    return template.format(**args) if template else ""


# --- applying a state -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    table: str
    row: tuple[str, ...]
    column: str


CELL = re.compile(r"^([a-z_]+):([^.\s]+)\.([a-z_0-9]+)$")


def parse_cell(name: str) -> Cell:
    m = CELL.match(name)
    if not m:
        raise CasebookError(f"{name!r} is not a data cell (table:ROW.column)")
    return Cell(m.group(1), tuple(m.group(2).split("/")), m.group(3))


def set_cell(tables: dict, keys: dict[str, list[str]], name: str, value: str) -> dict:
    """A shallow copy of ``tables`` with one cell replaced (the table copied; the others shared)."""
    cell = parse_cell(name)
    df = tables[cell.table]
    key_columns = keys[cell.table]
    mask = pd.Series(True, index=df.index)
    for column, part in zip(key_columns, cell.row, strict=True):
        mask &= df[column].astype(str) == part
    if mask.sum() != 1:
        raise CasebookError(f"no single row {'/'.join(cell.row)} in {cell.table}")
    out = dict(tables)
    df = df.copy()
    df[cell.column] = df[cell.column].astype(object)
    df.loc[mask, cell.column] = float(value) if "." in value else int(value)
    out[cell.table] = df
    return out


def apply(state: State, tables: dict, keys: dict[str, list[str]], omissions: dict) -> dict:
    """The tables a state implies: its misprinted cells replaced and its omitted row added."""
    out = tables
    for h in sorted(state):
        if h.family == "misprint" and h.value[0].startswith("cell:"):
            out = set_cell(out, keys, h.value[0][len("cell:"):], h.value[3])
        elif h.family == "omission":
            name, parent, outcomes = h.value
            out = omissions[name].build(out, parent, dict(outcomes))
    return out


def printed_texts(state: State, claims: pd.DataFrame, claim_cells: dict[str, str]) -> dict[str, str]:
    """The printed text of every claim a misprint in ``state`` changes: claim id -> text."""
    out: dict[str, str] = {}
    for h in sorted(state):
        if h.family != "misprint":
            continue
        target, index, _old, new = h.value
        if target.startswith("claim:"):
            cid = target[len("claim:"):]
            out[cid] = replace_number(out.get(cid, claims.loc[cid, "printed"]), index, new)
        else:
            for cid, cell in claim_cells.items():
                if "cell:" + cell == target:
                    out[cid] = replace_number(out.get(cid, claims.loc[cid, "printed"]), 0, new)
    return out
