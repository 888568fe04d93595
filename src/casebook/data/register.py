"""The registers each report keeps beside its tables, and their union across reports.

A report's folder ``data/<id>/`` holds, besides its dataset, its own rows of the project's registers:
``claims.csv`` (every statement it prints), ``claim-readings.csv`` (the primary reading of each kind of claim it
declares), ``root-causes.csv``, ``sources.csv`` (the publication it comes from) and ``report-structure.csv`` (the
CARE items about its text). Their columns are described once, in the project-wide ``data/data-dictionary.csv``;
a column whose ``allowed`` is ``@report`` holds the report's id, which must be the folder's. Every register is
optional: a report without claims has no ``claims.csv``.

The audit, the CARE checklist and the manuscripts read the union (:func:`load_register`): every report's rows, in
registry order, the same columns as one file would have; a key repeated across reports is an error naming both
files. Adding a report adds its files and changes no other.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.data.schema import REPORT
from casebook.data.tables import line, load_dictionary, load_table_checked
from casebook.engine.io import look
from casebook.exceptions import DataValidationError, Problem
from casebook.registry import registry

REGISTERS = ("sources", "report-structure", "claims", "claim-readings", "root-causes")


def _report_column(table: str) -> str | None:
    rows = load_dictionary()
    found = rows.loc[(rows["table"] == table) & (rows["allowed"] == REPORT), "column"]
    return found.iloc[0] if len(found) else None


def _columns(table: str) -> list[str]:
    rows = load_dictionary()
    return list(rows.loc[rows["table"] == table, "column"])


def register_files(table: str) -> dict[str, Path]:
    """Every registered report's file of a register that exists, by report id. A file looked for and absent is
    recorded as such (:func:`casebook.engine.io.look`): a build re-executes what read the register when it appears."""
    return {rid: r.data_dir / f"{table}.csv" for rid, r in registry().items() if look(r.data_dir / f"{table}.csv")}


def _read(path: Path, table: str, report_id: str | None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One report's file of a register, typed; its report-id column checked against the folder's report."""
    df, problems = load_table_checked(path, "", table)
    column = _report_column(table)
    if df is None or column is None or report_id is None:
        return df, problems
    file = paths.relative(path)
    for idx, value in df[column].items():
        if value != report_id:
            problems.append(Problem(file, line(idx), column, f"'{value}' is not this folder's report: every row of "
                                    f"{file} belongs to '{report_id}' (write {report_id})"))
    return df, problems


def _repeated_keys(table: str, frames: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """A key that two reports' files both hold (the union would hold it twice)."""
    rows = load_dictionary()
    key = list(rows.loc[(rows["table"] == table) & (rows["key"] == "yes"), "column"])
    seen, problems = {}, []
    for rid, df in frames.items():
        for idx, values in df[key].astype(str).agg("|".join, axis=1).items():
            if values in seen and seen[values] != rid:
                message = f"'{values}' is already a key of {paths.relative(files[seen[values]])}: keys are project-wide"
                problems.append(Problem(paths.relative(files[rid]), line(idx), "|".join(key), message))
            seen.setdefault(values, rid)
    return problems


def load_register(table: str, path: str | Path | None = None, report_id: str | None = None) -> pd.DataFrame:
    """A register, validated: the union of every report's file (``path`` None or ""), one report's
    (``report_id``), or one file (``path``, e.g. an author's own claims file)."""
    if path:
        df, problems = _read(paths.resolve(path), table, report_id)
        if problems:
            raise DataValidationError(problems)
        return df
    files = register_files(table)
    if report_id is not None:
        files = {rid: f for rid, f in files.items() if rid == report_id}
    frames, problems = {}, []
    for rid, file in files.items():
        df, found = _read(file, table, rid)
        problems += found
        if df is not None:
            frames[rid] = df
    problems += _repeated_keys(table, frames, files)
    if problems:
        raise DataValidationError(problems)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _columns(table)})
    return pd.concat(frames.values(), ignore_index=True)


def load_claims(path: str | Path | None = None, report_id: str | None = None) -> pd.DataFrame:
    """The claims register, validated: every report's ``data/<id>/claims.csv`` (or one report's, or one file)."""
    return load_register("claims", path, report_id)


def load_claim_readings(path: str | Path | None = None, report_id: str | None = None) -> pd.DataFrame:
    """The declared readings of the claims audit (each report's ``claim-readings.csv``), validated."""
    return load_register("claim-readings", path, report_id)


def load_root_causes(path: str | Path | None = None, report_id: str | None = None) -> pd.DataFrame:
    """The root causes of the claims audit (each report's ``root-causes.csv``), validated."""
    return load_register("root-causes", path, report_id)


def load_sources(report_id: str | None = None) -> pd.DataFrame:
    """The publications the reports come from (each report's ``sources.csv``)."""
    return load_register("sources", report_id=report_id)


def load_structure(report_id: str | None = None) -> pd.DataFrame:
    """The CARE items about each report's text (each report's ``report-structure.csv``)."""
    return load_register("report-structure", report_id=report_id)
