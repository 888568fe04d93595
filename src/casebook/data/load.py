"""Loading and validating a report's dataset: its CSV tables under ``data/<id>/`` (or an author's own folder).

Every table is read as text, then checked and typed by its pandera schema (:mod:`casebook.data.tables`), then
checked against the tables it refers to, its vocabulary and the logical rules of its report
(:mod:`casebook.data.rules`). All problems are collected and raised together as one :class:`DataValidationError`
naming file, line and column; nothing is returned from invalid data. The registers every report keeps beside its
tables (claims, sources, ...) are read by :mod:`casebook.data.register`.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.data import rules
from casebook.data.register import (
    REGISTERS,
    load_claim_readings,
    load_claims,
    load_register,
    load_root_causes,
    load_sources,
)
from casebook.data.tables import (
    dictionary_path,
    line,
    load_dictionary,
    load_table,
    load_table_checked,
    read_csv,
    validate_table,
)
from casebook.data.tables import specs as table_specs
from casebook.data.vocabulary import check_vocabulary, dataset_kind, load_vocabulary
from casebook.exceptions import CasebookError, DataValidationError, Problem
from casebook.registry import get, registry

__all__ = ["Dataset", "datasets", "dictionary_path", "load_claim_readings", "load_claims", "load_dataset",
           "load_dictionary", "load_register", "load_root_causes", "load_sources", "load_table", "load_table_checked",
           "read_csv", "validate_all", "validate_folder", "validate_table"]


def datasets() -> dict[str, tuple[str, ...]]:
    """Every report's dataset (its folder under data/) and the tables that make it up, in load order."""
    return {report.id: report.tables for report in registry().values()}


class Dataset(dict):
    """A dataset's typed tables by name, with what it is (``kind``: transcribed or primary) and the
    vocabulary its categories were checked against (``vocabulary``)."""

    kind: str = "transcribed"
    vocabulary: pd.DataFrame | None = None
    folder: Path | None = None


def load_dataset(dataset: str, data_dir: str | Path | None = None, kind: str | None = None) -> Dataset:
    """Load every table of a dataset, validated, as a :class:`Dataset` (a dict of typed DataFrames).

    ``data_dir`` defaults to ``data/<dataset>``; a relative path is taken from
    the project root, so any case series in the same schema can be loaded. ``kind`` (transcribed or
    primary) is used only where the dataset does not declare its own.
    """
    try:
        report = get(dataset)  # this report's package alone (the registry's other reports are not imported)
    except CasebookError:
        message = f"unknown dataset '{dataset}'; known: {', '.join(datasets())}"
        raise DataValidationError([Problem(str(data_dir or dataset), None, None, message)]) from None
    folder = paths.resolve(data_dir) if data_dir is not None else paths.DATA / dataset
    if not folder.is_dir():
        raise DataValidationError([Problem(paths.relative(folder), None, None, "folder not found")])
    kind, problems = dataset_kind(folder, report.kind_table, kind)
    if problems:  # the kind decides which columns are required: checked under a guessed kind, every table would
        raise DataValidationError(problems)  # report columns it lacks and bury the one real mistake
    specs = table_specs(dataset, kind)
    columns = {table: spec.vocabulary for (_, table), spec in specs.items() if spec.vocabulary}
    vocab, vocab_problems = load_vocabulary(report.dictionary, folder, columns)
    problems += vocab_problems
    tables, files = Dataset(), {}
    tables.kind, tables.vocabulary, tables.folder = kind, vocab, folder
    for table in report.tables:
        path = folder / f"{table}.csv"
        files[table] = paths.relative(path)
        df, file_problems = read_csv(path, table in report.may_be_empty)
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
                    problems.append(Problem(files[table], line(idx), column, message))
    return problems


def validate_folder(dataset: str, data_dir: str | Path, kind: str | None = None) -> tuple[str, dict[str, int]]:
    """Validate one data folder as a dataset of a report: its kind and the row count of each table, or raise
    with every problem."""
    tables = load_dataset(dataset, data_dir, kind)
    return tables.kind, {table: len(df) for table, df in tables.items()}



def validate_all() -> dict[str, int]:
    """Validate every table under data/ (each report's dataset and registers, the union of each register checked
    for keys repeated across reports); return the row count of each, or raise with every problem."""
    counts, problems = {}, []
    loaders = [*((functools.partial(load_dataset, dataset), f"{dataset}/") for dataset in datasets()),
               *((lambda name=name: {name: load_register(name)}, "") for name in REGISTERS)]
    for loader, label in loaders:
        try:
            counts.update({f"{label}{k}": len(v) for k, v in loader().items()})
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    return counts
