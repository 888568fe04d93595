"""Reading and typing one CSV table: the file checked as a file (UTF-8, comma-separated, rows of the header's width),
then typed by its pandera schema, every problem named by file, line and column.

Below :mod:`casebook.data.load` (datasets) and :mod:`casebook.data.vocabulary` (vocabularies), which both read
tables through it.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from casebook import paths
from casebook.data.schema import TableSpec, build_specs, describe_check
from casebook.engine.io import record_input
from casebook.exceptions import DataValidationError, Problem
from casebook.registry import get


def dictionary_path(dataset: str) -> Path:
    """The data dictionary describing a dataset's tables ("" for the project-wide tables under data/)."""
    if not dataset:
        return paths.DICTIONARY
    return get(dataset).dictionary


def read_csv(path: Path, may_be_empty: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV as text; problems with the file itself are reported, not raised. A table that ``may_be_empty``
    (e.g. no complication in a series) may have a header and no rows."""
    name = paths.relative(path)
    if not path.is_file():
        return None, [Problem(name, None, None, "file not found")]
    raw = path.read_bytes()
    record_input(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, [Problem(name, None, None, "file is empty (expected a header line and at least one row)")]
    header = next(csv.reader(io.StringIO(text)))
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        return None, [Problem(name, 1, None, "header has a single column: the file must be comma-separated")]
    shape = _row_shape_problems(name, text, len(header))
    if shape:
        return None, shape
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as exc:
        return None, [Problem(name, None, None, f"not a well-formed CSV: {exc}")]
    if df.empty and not may_be_empty:
        return None, [Problem(name, None, None, "file has a header but no rows")]
    return df, []


def _row_shape_problems(name: str, text: str, width: int) -> list[Problem]:
    """Rows that are not rows of the table: too many or too few fields (wherever they are, the first data row
    included, where pandas would silently take the extra field for an index), or every field empty."""
    problems = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for row in reader:
        line = reader.line_num
        if not row:
            continue  # a blank line: pandas skips it too
        if not any(field.strip() for field in row):
            problems.append(Problem(name, line, None, "line is empty (every field is blank): delete it"))
        elif len(row) != width:
            hint = " (a value with a comma, e.g. a decimal comma, must be quoted or use a decimal point)" if len(row) > width else ""
            problems.append(Problem(name, line, None, f"line has {len(row)} fields, the header has {width}{hint}"))
    return problems


def line(index) -> int | None:
    try:
        return int(index) + 2  # line 1 is the header
    except (TypeError, ValueError):
        return None


def validate_table(df: pd.DataFrame, spec: TableSpec, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Check and type one table with its schema; return the typed frame or the problems."""
    try:
        typed = spec.schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        uncoerced = set(fc.loc[fc["check"].astype(str).str.startswith("coerce_dtype"), "column"])
        problems, seen = [], set()
        for _, f in fc.iterrows():
            column = f["column"] if isinstance(f["column"], str) else None
            at = line(f["index"])
            check = str(f["check"])
            if check.startswith("dtype(") and (column, at) in seen:
                continue  # the failed coercion already said it
            if column in uncoerced and not check.startswith("coerce_dtype") and at is None:
                continue  # range checks on a column that could not be typed only repeat that problem
            seen.add((column, at))
            if check in ("column_in_dataframe", "column_in_schema"):
                column = str(f["failure_case"])
            problems.append(Problem(file, at, column, describe_check(check, column, spec.types, f["failure_case"])))
        return None, problems
    # An optional column the file leaves out is there, empty, for the code that reads the table.
    for column in spec.columns:
        if column not in typed:
            typed[column] = pd.Series([None] * len(typed), index=typed.index, dtype=_EMPTY_DTYPES.get(spec.types[column], "object"))
    return typed, []


_EMPTY_DTYPES = {"integer": "Int64", "number": "float64"}


@functools.cache
def specs(dataset: str, kind: str = "transcribed") -> dict[tuple[str, str], TableSpec]:
    return build_specs(load_dictionary(dictionary_path(dataset)), dataset, kind)


def load_dictionary(path: Path | None = None) -> pd.DataFrame:
    """The data dictionary as text columns."""
    path = path or paths.DICTIONARY
    df, problems = read_csv(path)
    if problems:
        raise DataValidationError(problems)
    return df.fillna("")


def load_table_checked(path: Path, dataset: str, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Load and validate a single table: the typed frame, or None and its problems."""
    spec = specs(dataset)[(dataset, table)]
    df, problems = read_csv(Path(path))
    if not problems:
        df, problems = validate_table(df, spec, paths.relative(path))
    return df, problems


def load_table(path: Path, dataset: str, table: str) -> pd.DataFrame:
    """Load and validate a single table (no references to other tables are checked)."""
    df, problems = load_table_checked(path, dataset, table)
    if problems:
        raise DataValidationError(problems)
    return df
