"""What a series is and the words for its values: dataset kind, vocabulary labels, regimen schedules.

A dataset loaded with :func:`casebook.load_dataset` carries its kind (``transcribed`` from a publication, or
``primary`` data) and its vocabulary (the report's ``vocabulary.csv``, extended by the data folder's own);
tables assembled by hand fall back to ``transcribed`` and the report's vocabulary.
"""

from __future__ import annotations

import functools

import pandas as pd

from casebook.data import vocabulary as vocab_module

TRANSCRIBED, PRIMARY = "transcribed", "primary"
PERIOD_OF = ("identified", "recruited", "treated")  # what the study period (period_start..period_end) covers
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_UNIT_WORDS = {"week": ("week", "weeks", "weekly"), "month": ("month", "months", "monthly")}


def kind(tables) -> str:
    """``transcribed`` or ``primary``: what the dataset is."""
    declared = getattr(tables, "kind", None)
    if declared:
        return declared
    study = tables.get("study") if hasattr(tables, "get") else None
    if study is not None and "key" in study:
        rows = study.loc[study["key"] == vocab_module.KIND_KEY, "value"]
        if len(rows):
            return str(rows.iloc[0])
    return TRANSCRIBED


def transcribed(tables) -> bool:
    return kind(tables) == TRANSCRIBED


@functools.cache
def _report_vocabulary() -> pd.DataFrame:
    from casebook.data.load import load_table
    from casebook.registry import get

    return load_table(get("sts-series").dictionary.parent / vocab_module.VOCABULARY_FILE, "", "vocabulary")


def vocabulary(tables) -> pd.DataFrame:
    vocab = getattr(tables, "vocabulary", None)
    return vocab if vocab is not None else _report_vocabulary()


def label(tables, table: str, column: str, value) -> str:
    """The words for a vocabulary value ('systemic sclerosis' for SSc); the value itself if it has none."""
    return vocab_module.label(vocabulary(tables), table, column, value)


def month(value) -> str | None:
    """'2014-07' -> 'July 2014'; None unless the value is a month written YYYY-MM."""
    text = str(value or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit() or not 1 <= int(text[5:]) <= 12:
        return None
    return f"{_MONTHS[int(text[5:]) - 1]} {text[:4]}"


def is_abbreviation(code: str) -> bool:
    """A code written with capitals (SSc, lcSSc, NSF) is an abbreviation to explain; a plain word is not."""
    return any(ch.isupper() for ch in str(code))


def diagnosis_code(row) -> str:
    """The diagnosis as a table cell shows it: the subtype where one is recorded (lcSSc), else the diagnosis."""
    subtype = row.get("diagnosis_subtype") if hasattr(row, "get") else None
    return str(subtype) if subtype is not None and pd.notna(subtype) else str(row["diagnosis"])


# ---------------------------------------------------------------------------------------------- regimens


def sessions(r) -> int:
    return int(r["sessions"])


def interval_text(interval, unit) -> str:
    """'every week', 'every 2 weeks', 'every month'."""
    one, many, _ = _UNIT_WORDS[str(unit)]
    n = int(interval)
    return f"every {one}" if n == 1 else f"every {n} {many}"


def schedule(r) -> str:
    """A regimen in words: 'single injection', '4 injections every week', '3 injections every 2 months'."""
    n = sessions(r)
    if n == 1:
        return "single injection"
    return f"{n} injections {interval_text(r['interval'], r['interval_unit'])}"


def regimen_name(r) -> str:
    """A regimen's short name: 'single', 'weekly', 'monthly', 'every 2 weeks', 'every 3 months'."""
    if sessions(r) == 1:
        return "single"
    if int(r["interval"]) == 1:
        return _UNIT_WORDS[str(r["interval_unit"])][2]
    return interval_text(r["interval"], r["interval_unit"])
