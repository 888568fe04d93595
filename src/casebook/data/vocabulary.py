"""What kind a dataset is, and the open vocabularies its categories are checked against.

A report whose dictionary marks transcription-only columns (see :mod:`casebook.data.schema`) names a
``kind_table``: a key/value table (report 2's ``study.csv``) whose ``dataset_kind`` row says ``transcribed`` or
``primary`` – the one place a dataset says what it is.

A report's ``vocabulary.csv`` (beside its dictionary) lists the allowed values of every ``@vocabulary`` column with
their label (the words for the value in tables and text) and, for a subtype, its group; a data folder may carry
its own ``vocabulary.csv`` whose rows extend the report's.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.data import vocabulary_file
from casebook.data.schema import KINDS
from casebook.data.tables import line
from casebook.engine.io import look
from casebook.exceptions import Problem

KIND_KEY = "dataset_kind"
VOCABULARY_FILE = "vocabulary.csv"
_KIND_WORDS = {"transcribed": "copied from a publication, printed cells kept", "primary": "an author's own data"}


def declared_kind(folder: Path, table: str) -> tuple[str | None, list[Problem]]:
    """The kind the dataset in ``folder`` declares in its key/value ``table``; None if it declares none."""
    path = folder / f"{table}.csv"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, []  # the table's own loading reports the file
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        if (row.get("key") or "").strip() == KIND_KEY:
            value = (row.get("value") or "").strip()
            if value not in KINDS:
                allowed = " or ".join(f"{k} ({_KIND_WORDS[k]})" for k in KINDS)
                message = f"'{value}' is not a dataset kind: write {allowed}"
                return None, [Problem(paths.relative(path), reader.line_num, "value", message)]
            return value, []
    return None, []


def dataset_kind(folder: Path, table: str | None, requested: str | None) -> tuple[str, list[Problem]]:
    """The dataset's kind: as declared in its kind table, else as requested (command line), else transcribed."""
    if requested is not None and requested not in KINDS:
        return "transcribed", [Problem(paths.relative(folder), None, None, f"kind must be {' or '.join(KINDS)}, not {requested!r}")]
    declared, problems = declared_kind(folder, table) if table else (None, [])
    if declared and requested and declared != requested:
        message = f"the dataset declares itself '{declared}' ({KIND_KEY}) but '{requested}' was asked for"
        problems.append(Problem(paths.relative(folder / f"{table}.csv"), None, "value", message))
    return declared or requested or "transcribed", problems


def load_vocabulary(report_dictionary: Path, folder: Path,
                    columns: dict[str, tuple[str, ...]]) -> tuple[pd.DataFrame, list[Problem]]:
    """The report's vocabulary, extended by the rows of the data folder's own ``vocabulary.csv`` if it has one; each
    file checked as a table (see :mod:`casebook.data.vocabulary_file`) against ``columns``, the ``@vocabulary``
    columns of each table."""
    frames, problems = {}, []
    for path in dict.fromkeys([report_dictionary.parent / VOCABULARY_FILE, folder / VOCABULARY_FILE]):
        if look(path):
            df, found = vocabulary_file.read(path)
            problems += found
            if df is not None:
                frames[paths.relative(path)] = df
    if not frames:
        return pd.DataFrame(columns=["table", "column", "value", "label", "group", "note"]), problems
    vocab = pd.concat(frames.values(), ignore_index=True).drop_duplicates(["table", "column", "value"], keep="last")
    vocab = vocab.reset_index(drop=True)
    return vocab, problems + vocabulary_file.check(frames, vocab, columns)


def check_vocabulary(tables: dict[str, pd.DataFrame], files: dict[str, str], specs: dict, dataset: str,
                     vocab: pd.DataFrame, where: str = VOCABULARY_FILE) -> list[Problem]:
    """Every value of a ``@vocabulary`` column must be a row of the vocabulary for that table and column."""
    problems = []
    for table, df in tables.items():
        spec = specs.get((dataset, table))
        for column in spec.vocabulary if spec else ():
            if column not in df:
                continue
            rows = vocab.loc[(vocab["table"] == table) & (vocab["column"] == column)]
            allowed = set(rows["value"])
            for idx, value in df[column].items():
                if pd.notna(value) and value not in allowed:
                    problems.append(Problem(files[table], line(idx), column, _unknown(value, table, column, rows, where)))
    return problems


def _unknown(value: str, table: str, column: str, rows: pd.DataFrame, where: str) -> str:
    """Why a value is refused, and what to write: the existing value whose words (label) it is, or whose value or
    words it nearly spells; a new row only where nothing matches."""
    shown = ", ".join(sorted(rows["value"])) or "none"
    head = f"'{value}' is not in the vocabulary of {table}.{column} ({shown})"
    labels = {str(lbl).strip().casefold(): v for v, lbl in zip(rows["value"], rows["label"], strict=True) if pd.notna(lbl)}
    match = labels.get(str(value).strip().casefold())
    if match is None:
        values = {str(v).casefold(): v for v in rows["value"]}
        match = values.get(str(value).strip().casefold())
    if match is None:
        near = difflib.get_close_matches(str(value).casefold(), list(labels) + [str(v).casefold() for v in rows["value"]], 1, 0.8)
        match = labels.get(near[0], next((v for v in rows["value"] if str(v).casefold() == near[0]), None)) if near else None
    if match is not None:
        words = label(rows, table, column, match)
        return f"{head}: write {match}, the code for {words}" if words != match else f"{head}: write {match}"
    return (f"{head}; to allow it, add a row '{table},{column},{value},<words>' to {where} (or to a {VOCABULARY_FILE} "
            "in the data folder)")


def _field(vocab: pd.DataFrame, table: str, column: str, value, field: str) -> str | None:
    """One field of a vocabulary row (label or group); None where the row or the field is empty."""
    rows = vocab.loc[(vocab["table"] == table) & (vocab["column"] == column) & (vocab["value"] == value), field]
    found = rows.iloc[0] if len(rows) else None
    return str(found) if found is not None and pd.notna(found) and str(found) else None


def label(vocab: pd.DataFrame, table: str, column: str, value, default: str | None = None) -> str:
    """The label of a vocabulary value (its words in text and tables); the value itself if it has none."""
    return _field(vocab, table, column, value, "label") or (default if default is not None else str(value))


def group(vocab: pd.DataFrame, table: str, column: str, value) -> str | None:
    """The group of a vocabulary value (a subtype's parent value), or None."""
    return _field(vocab, table, column, value, "group")
