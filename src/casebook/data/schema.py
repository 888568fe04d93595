"""pandera schemas built from the data dictionary, the single description of every column.

Each dataset's dictionary (``data/<report>/data-dictionary.csv``; ``data/data-dictionary.csv`` for the
project-wide tables: sources, claims, report structure) says each column's type, unit,
allowed values, range, whether it is required, whether it is (part of) the
table's key, and which table it refers to. This module turns those rows into
pandera ``DataFrameSchema`` objects, so the documentation and the checks can
never disagree.

Two dictionary conventions serve datasets that are either transcribed from a publication or primary data:

* ``allowed`` = ``@vocabulary``: the allowed values are the rows of the report's ``vocabulary.csv`` for that
  table and column (extendable by a row; checked in :mod:`casebook.data.load`, not here);
* ``allowed`` = ``@report``: the column holds a report's id, which must be the report whose folder holds the file
  (the registers of :mod:`casebook.data.register`: no closed list of reports);
* a ``transcription`` column = ``yes``: the column holds what only a transcription has (cells as printed,
  sources); it is required in a ``transcribed`` dataset and optional (may be absent) in a ``primary`` one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

KINDS = ("transcribed", "primary")  # what a dataset is: transcribed from a publication, or an author's own data
VOCABULARY = "@vocabulary"
REPORT = "@report"  # the id of the report whose folder holds the file (checked in casebook.data.register)
# Text columns get no pandera dtype: every table is read as text (``tables.read_csv``, ``dtype=str``), so a text
# column is text before it is checked, and pandera's check of a string dtype is element-wise and formats a table of
# (no) failure cases for every column of every table: a third of the time a dataset takes to load (measured:
# 0.16 s -> 0.11 s for report 2). Numbers are still typed (coerced) and checked.
_DTYPES = {"string": None, "category": None, "integer": "Int64", "number": "float64"}
_TYPE_WORDS = {"integer": "a whole number", "number": "a number"}


@dataclass(frozen=True)
class TableSpec:
    dataset: str
    table: str
    schema: pa.DataFrameSchema
    columns: tuple[str, ...]
    key: tuple[str, ...]
    references: dict[str, tuple[str, str]]  # column -> (table, column)
    types: dict[str, str]
    vocabulary: tuple[str, ...] = ()  # columns whose allowed values are the report's vocabulary


def _is_set(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def transcription_only(row) -> bool:
    """Whether a dictionary row describes a column only a transcription has."""
    return str(row.get("transcription", "")).strip() == "yes"


def _column(row: pd.Series, dataset_kind: str) -> pa.Column:
    kind = row["type"]
    checks = []
    optional = dataset_kind == "primary" and transcription_only(row)
    if _is_set(row["allowed"]) and row["allowed"] not in (VOCABULARY, REPORT):
        allowed = list(row["allowed"].split(";"))
        checks.append(pa.Check.isin(allowed, error=f"not one of the allowed values: {', '.join(allowed)}"))
    if _is_set(row["minimum"]):
        lo = float(row["minimum"])
        checks.append(pa.Check.ge(lo, error=f"below the minimum {lo:g}"))
    if _is_set(row["maximum"]):
        hi = float(row["maximum"])
        checks.append(pa.Check.le(hi, error=f"above the maximum {hi:g}"))
    return pa.Column(
        _DTYPES[kind],
        checks=checks,
        nullable=row["required"] != "yes" or optional,
        coerce=kind in ("integer", "number"),
        required=row["required"] == "yes" and not optional,  # an optional column may be left out of the file
    )


def build_specs(dictionary: pd.DataFrame, dataset: str = "", dataset_kind: str = "transcribed") -> dict[tuple[str, str], TableSpec]:
    """One TableSpec per table named in a dataset's dictionary, keyed by (dataset, table)."""
    specs = {}
    for table, rows in dictionary.groupby("table", sort=False):
        key = tuple(rows.loc[rows["key"] == "yes", "column"])
        schema = pa.DataFrameSchema(
            {r["column"]: _column(r, dataset_kind) for _, r in rows.iterrows()},
            strict=True,
            ordered=False,
            unique=list(key) or None,
            name=table,
        )
        refs = {
            r["column"]: tuple(r["references"].split(".", 1))
            for _, r in rows.iterrows()
            if _is_set(r["references"])
        }
        specs[(dataset, table)] = TableSpec(
            dataset=dataset,
            table=table,
            schema=schema,
            columns=tuple(rows["column"]),
            key=key,
            references=refs,
            types=dict(zip(rows["column"], rows["type"], strict=False)),
            vocabulary=tuple(rows.loc[rows["allowed"] == VOCABULARY, "column"]),
        )
    return specs


def describe_check(check: str, column: str | None, types: dict[str, str], failure) -> str:
    """Turn a pandera failure into a sentence a data author understands."""
    if check == "column_in_dataframe":
        return f"required column '{failure}' is missing"
    if check == "column_in_schema":
        return f"unexpected column '{failure}' (not in the data dictionary)"
    if check == "not_nullable":
        return "value is missing but the column is required"
    if check.startswith("coerce_dtype") or check.startswith("dtype("):
        return f"'{failure}' is not {_TYPE_WORDS.get(types.get(column or '', ''), 'of the right type')}"
    if check in ("multiple_fields_uniqueness", "field_uniqueness") or check.startswith("unique"):
        return f"duplicate key value '{failure}'"
    if isinstance(failure, float):
        failure = f"{failure:g}"
    return f"'{failure}' is {check}" if check.startswith(("below", "above")) else f"'{failure}': {check}"
