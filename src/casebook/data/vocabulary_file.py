"""Checks of a ``vocabulary.csv`` itself, the report's and a data folder's own alike.

A vocabulary row allows a value only where its ``table`` and ``column`` name a ``@vocabulary`` column of the
schema; a row that names nothing (a typo such as ``patient`` for ``patients``) would otherwise be ignored without
a word, and the value the author meant to allow would stay unknown. So each row must name a table and column that
have a vocabulary, list its value once, give the value's words (``label``), and, if it has a ``group``, name a
value that exists (a subtype's diagnosis).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.data.tables import line as _line
from casebook.data.tables import read_csv, specs, validate_table
from casebook.exceptions import Problem
from casebook.text import join

KEY = ["table", "column", "value"]


def read(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One vocabulary file, typed, or its problems. A repeated value is named here once, by its rows; the schema's
    key check would name it three times per row, once for each key column."""
    file = paths.relative(path)
    df, problems = read_csv(path)
    if problems:
        return None, problems
    if set(KEY) <= set(df.columns):  # else the schema names the missing column
        problems, df = _duplicates(df, file), df.drop_duplicates(KEY)
    df, more = validate_table(df, specs("")[("", "vocabulary")], file)
    return df, problems + more


def check(frames: dict[str, pd.DataFrame], vocab: pd.DataFrame, columns: dict[str, tuple[str, ...]]) -> list[Problem]:
    """The problems of each vocabulary file (``frames``: typed rows by file name), its groups checked against the
    whole ``vocab``; ``columns`` maps each table to its ``@vocabulary`` columns."""
    problems = []
    for file, df in frames.items():
        for idx, row in df.iterrows():
            problems += _row(row, _line(idx), file, vocab, columns)
    return problems


def _row(row: pd.Series, line: int, file: str, vocab: pd.DataFrame, columns: dict[str, tuple[str, ...]]) -> list[Problem]:
    table, column, value = row["table"], row["column"], row["value"]
    if table not in columns:
        message = f"'{table}' names no table with a vocabulary, so the row allows nothing: write {_choices(table, columns)}"
        return [Problem(file, line, "table", message)]
    out = []
    if column not in columns[table]:
        message = (f"'{column}' names no column of {table} with a vocabulary, so the row allows nothing: "
                   f"write {_choices(column, columns[table])}")
        out.append(Problem(file, line, "column", message))
    if pd.isna(row["label"]) or not str(row["label"]).strip():
        out.append(Problem(file, line, "label", f"'{value}' has no label: write its words, as tables and text should show it"))
    if pd.notna(row["group"]):
        out += _group(row, line, file, vocab)
    return out


def _group(row: pd.Series, line: int, file: str, vocab: pd.DataFrame) -> list[Problem]:
    """A group names a value of another column of the same table (a subtype's diagnosis)."""
    table, group = row["table"], row["group"]
    known = set(vocab.loc[(vocab["table"] == table) & (vocab["column"] != row["column"]), "value"])
    if group in known:
        return []
    message = (f"group '{group}' names no value of {table} in the vocabulary: write the value '{row['value']}' belongs "
               f"to, spelt as the vocabulary spells it{_hint(group, known)}, or leave group empty")
    return [Problem(file, line, "group", message)]


def _duplicates(df: pd.DataFrame, file: str) -> list[Problem]:
    out = []
    for _, rows in df[df.duplicated(KEY, keep=False)].groupby(KEY, sort=False):
        first = _line(rows.index[0])
        for idx, row in rows.iloc[1:].iterrows():
            message = (f"'{row['value']}' is already listed for {row['table']}.{row['column']} on line {first}: "
                       "keep one row for it, with the label you mean")
            out.append(Problem(file, _line(idx), "value", message))
    return out


def _choices(word: str, choices) -> str:
    """The allowed names, and the one the author probably meant."""
    return join(sorted(choices), " or ") + _hint(word, choices)


def _hint(word: str, choices) -> str:
    choices = sorted(choices)
    same = [c for c in choices if c.lower() == str(word).lower()]
    near = same or difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""
