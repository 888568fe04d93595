"""Loading and validating the project's CSV tables.

Every table is read as text, then checked and typed by its pandera schema (see
:mod:`casebook.data.schema`), then checked against the tables it refers to and the
logical rules of its dataset (:mod:`casebook.data.rules`). All problems are
collected and raised together as one :class:`DataValidationError` naming file,
line and column; nothing is returned from invalid data.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from casebook import paths
from casebook.data import rules
from casebook.data.schema import TableSpec, build_specs, describe_check
from casebook.data.vocabulary import check_vocabulary, dataset_kind, load_vocabulary
from casebook.engine.io import record_input
from casebook.exceptions import DataValidationError, Problem


def datasets() -> dict[str, tuple[str, ...]]:
    """Every report's dataset (its folder under data/) and the tables that make it up, in load order."""
    from casebook.reports import registry

    return {report.id: report.tables for report in registry().values()}


def dictionary_path(dataset: str) -> Path:
    """The data dictionary describing a dataset's tables ("" for the project-wide tables under data/)."""
    if not dataset:
        return paths.DICTIONARY
    from casebook.reports import get

    return get(dataset).dictionary


def _read_csv(path: Path, may_be_empty: bool = False) -> tuple[pd.DataFrame | None, list[Problem]]:
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


def _line(index) -> int | None:
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
            line = _line(f["index"])
            check = str(f["check"])
            if check.startswith("dtype(") and (column, line) in seen:
                continue  # the failed coercion already said it
            if column in uncoerced and not check.startswith("coerce_dtype") and line is None:
                continue  # range checks on a column that could not be typed only repeat that problem
            seen.add((column, line))
            if check in ("column_in_dataframe", "column_in_schema"):
                column = str(f["failure_case"])
            problems.append(Problem(file, line, column, describe_check(check, column, spec.types, f["failure_case"])))
        return None, problems
    # An optional column the file leaves out is there, empty, for the code that reads the table.
    for column in spec.columns:
        if column not in typed:
            typed[column] = pd.Series([None] * len(typed), index=typed.index, dtype=_EMPTY_DTYPES.get(spec.types[column], "object"))
    return typed, []


_EMPTY_DTYPES = {"integer": "Int64", "number": "float64"}


class Dataset(dict):
    """A dataset's typed tables by name, with what it is (``kind``: transcribed or primary) and the
    vocabulary its categories were checked against (``vocabulary``)."""

    kind: str = "transcribed"
    vocabulary: pd.DataFrame | None = None
    folder: Path | None = None


@functools.cache
def _specs(dataset: str, kind: str = "transcribed") -> dict[tuple[str, str], TableSpec]:
    return build_specs(load_dictionary(dictionary_path(dataset)), dataset, kind)


def load_dictionary(path: Path | None = None) -> pd.DataFrame:
    """The data dictionary as text columns."""
    path = path or paths.DICTIONARY
    df, problems = _read_csv(path)
    if problems:
        raise DataValidationError(problems)
    return df.fillna("")


def load_table_checked(path: Path, dataset: str, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Load and validate a single table: the typed frame, or None and its problems."""
    spec = _specs(dataset)[(dataset, table)]
    df, problems = _read_csv(Path(path))
    if not problems:
        df, problems = validate_table(df, spec, paths.relative(path))
    return df, problems


def load_table(path: Path, dataset: str, table: str) -> pd.DataFrame:
    """Load and validate a single table (no references to other tables are checked)."""
    df, problems = load_table_checked(path, dataset, table)
    if problems:
        raise DataValidationError(problems)
    return df


def load_dataset(dataset: str, data_dir: str | Path | None = None, kind: str | None = None) -> Dataset:
    """Load every table of a dataset, validated, as a :class:`Dataset` (a dict of typed DataFrames).

    ``data_dir`` defaults to ``data/<dataset>``; a relative path is taken from
    the project root, so any case series in the same schema can be loaded. ``kind`` (transcribed or
    primary) is used only where the dataset does not declare its own.
    """
    from casebook.reports import get

    known = datasets()
    if dataset not in known:
        message = f"unknown dataset '{dataset}'; known: {', '.join(known)}"
        raise DataValidationError([Problem(str(data_dir or dataset), None, None, message)])
    folder = paths.resolve(data_dir) if data_dir is not None else paths.DATA / dataset
    if not folder.is_dir():
        raise DataValidationError([Problem(paths.relative(folder), None, None, "folder not found")])
    report = get(dataset)
    kind, problems = dataset_kind(folder, report.kind_table, kind)
    if problems:  # the kind decides which columns are required: checked under a guessed kind, every table would
        raise DataValidationError(problems)  # report columns it lacks and bury the one real mistake
    specs = _specs(dataset, kind)
    columns = {table: spec.vocabulary for (_, table), spec in specs.items() if spec.vocabulary}
    vocab, vocab_problems = load_vocabulary(report.dictionary, folder, columns)
    problems += vocab_problems
    tables, files = Dataset(), {}
    tables.kind, tables.vocabulary, tables.folder = kind, vocab, folder
    for table in known[dataset]:
        path = folder / f"{table}.csv"
        files[table] = paths.relative(path)
        df, file_problems = _read_csv(path, table in report.may_be_empty)
        if not file_problems:
            df, file_problems = validate_table(df, specs[(dataset, table)], files[table])
        problems += file_problems
        if df is not None:
            tables[table] = df
    problems += _check_references(dataset, tables, files, specs)
    problems += check_vocabulary(tables, files, specs, dataset, vocab, paths.relative(report.dictionary.parent / "vocabulary.csv"))
    if not problems:
        problems += rules.check(dataset, tables, files)
    if problems:
        raise DataValidationError(problems)
    return tables


def _check_references(dataset, tables, files, specs) -> list[Problem]:
    problems = []
    for table, df in tables.items():
        for column, (ref_table, ref_column) in specs[(dataset, table)].references.items():
            if ref_table not in tables:
                continue  # that table's own problems are already reported
            known = set(tables[ref_table][ref_column].dropna())
            for idx, value in df[column].items():
                if pd.notna(value) and value not in known:
                    message = f"'{value}' does not exist in {files[ref_table]} ({ref_column})"
                    problems.append(Problem(files[table], _line(idx), column, message))
    return problems


def load_sources() -> pd.DataFrame:
    return load_table(paths.SOURCES, "", "sources")


def load_claims(path: Path | None = None) -> pd.DataFrame:
    """The claims register (data/claims.csv), validated."""
    return load_table(path or paths.CLAIMS, "", "claims")


def validate_folder(dataset: str, data_dir: str | Path, kind: str | None = None) -> tuple[str, dict[str, int]]:
    """Validate one data folder as a dataset of a report: its kind and the row count of each table, or raise
    with every problem."""
    tables = load_dataset(dataset, data_dir, kind)
    return tables.kind, {table: len(df) for table, df in tables.items()}


def load_claim_readings(path: Path | None = None) -> pd.DataFrame:
    """The declared readings of the claims audit (data/claim-readings.csv), validated."""
    return load_table(path or paths.CLAIM_READINGS, "", "claim-readings")


def load_root_causes(path: Path | None = None) -> pd.DataFrame:
    """The root causes of the claims audit (data/root-causes.csv), validated."""
    return load_table(path or paths.ROOT_CAUSES, "", "root-causes")


def validate_all() -> dict[str, int]:
    """Validate every table under data/; return the row count of each, or raise with every problem."""
    counts, problems = {}, []
    for loader, label in (
        (lambda: {"sources": load_sources()}, ""),
        (lambda: {"report-structure": load_table(paths.DATA / "report-structure.csv", "", "report-structure")}, ""),
        *((functools.partial(load_dataset, dataset), f"{dataset}/") for dataset in datasets()),
    ):
        try:
            counts.update({f"{label}{k}": len(v) for k, v in loader().items()})
        except DataValidationError as exc:
            problems += exc.problems
    if paths.CLAIMS.exists():
        try:
            counts["claims"] = len(load_claims())
            counts["claim-readings"] = len(load_claim_readings())
            counts["root-causes"] = len(load_root_causes())
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    return counts
