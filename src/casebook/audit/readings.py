"""Building blocks of readings: shares, percentages, means and transcribed facts, each with its arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt, to_fraction
from casebook.audit.memo import kept
from casebook.audit.model import Grim, Reading
from casebook.exceptions import CasebookError


def F(x) -> Fraction:
    return to_fraction(x)


def rows(df: pd.DataFrame | list[dict]) -> list[dict]:
    """The rows of a table as dicts: what recompute functions iterate over (``iterrows`` builds a Series per row,
    which costs more than the arithmetic; the reconciliation recomputes claims thousands of times, and keeps them:
    :mod:`casebook.audit.memo`). Read them, never change them. Rows already (a list of dicts) are returned as they are."""
    if isinstance(df, list):
        return df
    return kept((df,), "rows", lambda: _rows(df))


def _rows(df: pd.DataFrame) -> list[dict]:
    columns = list(df.columns)
    return [dict(zip(columns, values, strict=True)) for values in zip(*(df[c].tolist() for c in columns), strict=True)]


def share(name: str, hits: list[str], pool: list[str], what: str, key: str = "") -> Reading:
    k, n = len(hits), len(pool)
    value = Fraction(k, n) if n else Fraction(0)
    listed = ", ".join(hits) if hits else "none"
    return Reading(name, value, f"{k} of {n} {what} ({listed}) = {fmt(value, 3)}", shown=f"{k}/{n}", key=key)


def percent(name: str, hits: list[str], pool: list[str], what: str, key: str = "") -> Reading:
    k, n = len(hits), len(pool)
    value = Fraction(100 * k, n)
    listed = ", ".join(hits) if hits else "none"
    return Reading(name, value, f"{k}/{n} {what} ({listed}) = {fmt(value)}%", grim=Grim("percent", n), key=key)


def mean(name: str, labelled: list[tuple[str, Fraction]], grim_step: Fraction | None = None, key: str = "") -> Reading:
    n = len(labelled)
    total = sum((v for _, v in labelled), Fraction(0))
    value = total / n
    terms = "+".join(fmt(v) for _, v in labelled)
    arithmetic = f"({terms})/{n} = {fmt(total)}/{n} = {fmt(value)}"
    return Reading(name, value, arithmetic, grim=Grim("mean", n, grim_step) if grim_step is not None else None, key=key)


def transcribed(df: pd.DataFrame, file: str, key_column: str, key: str, column: str, label: str) -> list[Reading]:
    """A fact copied into the data: the one reading is the value of ``column`` in the row ``key_column == key``."""
    value = F(row(df, key_column, key)[column])
    return [Reading(f"{label} (transcribed)", value, f"{file} {key} {column} = {fmt(value)}")]


def row(df: pd.DataFrame, column: str, key: str) -> pd.Series:
    hit = df[df[column] == key]
    if len(hit) != 1:
        raise CasebookError(f"expected one row with {column} = {key!r}, found {len(hit)}")
    return hit.iloc[0]
