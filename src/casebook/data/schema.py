"""pandera schemas built from the data dictionary, the single description of every column.

Each dataset's dictionary (``data/<report>/data-dictionary.csv``; ``data/data-dictionary.csv`` for the
project-wide tables: sources, claims, report structure) says each column's type, unit,
allowed values, range, whether it is required, whether it is (part of) the
table's key, and which table it refers to. This module turns those rows into
pandera ``DataFrameSchema`` objects, so the documentation and the checks can
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

_DTYPES = {"string": str, "category": str, "integer": "Int64", "number": "float64"}
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


def _is_set(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _column(row: pd.Series) -> pa.Column:
    kind = row["type"]
    checks = []
    if _is_set(row["allowed"]):
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
        nullable=row["required"] != "yes",
        coerce=kind in ("integer", "number"),
        required=True,
    )


def build_specs(dictionary: pd.DataFrame, dataset: str = "") -> dict[tuple[str, str], TableSpec]:
    """One TableSpec per table named in a dataset's dictionary, keyed by (dataset, table)."""
    specs = {}
    for table, rows in dictionary.groupby("table", sort=False):
        key = tuple(rows.loc[rows["key"] == "yes", "column"])
        schema = pa.DataFrameSchema(
            {r["column"]: _column(r) for _, r in rows.iterrows()},
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
