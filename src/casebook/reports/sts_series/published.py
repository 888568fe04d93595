"""What report 2 publishes: every table with its file stem, caption and footnotes, ready for ``casebook.publish``.

The notebook shows and writes each one with ``publish.table(published.<name>(data, ...), tables_dir=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from casebook.publish.artefacts import TableSpec
from casebook.reports.sts_series.cells import DIFFERS_FLAG
from casebook.reports.sts_series.doses import injected_volumes, injections
from casebook.reports.sts_series.measures import reductions, rounded
from casebook.reports.sts_series.outcomes import lesion_summary, outcomes_table, patient_summary
from casebook.reports.sts_series.table1 import default_view, table1, table1_caption, table1_notes
from casebook.reports.sts_series.terms import transcribed

FLAG_COLOUR = "#fde3c8"  # rows whose printed reduction differs from the sizes
_Tables = dict[str, pd.DataFrame]


def _own_terms(tables: _Tables, df: pd.DataFrame) -> pd.DataFrame:
    """Primary data have nothing printed: the columns about printed values (a printed cell, its table row, its
    difference from the sizes) are left out of their tables."""
    if transcribed(tables):
        return df
    about_print = ("reduction_differs", "difference_pct", "table_row")
    return df.drop(columns=[c for c in df.columns if "printed" in str(c).lower() or c in about_print])


def table1_table(tables: _Tables, weeks: Iterable[int] | None = None, view: str | None = None) -> TableSpec:
    """Table 1 rebuilt: as printed (the default for a transcription), corrected, or from the data (the only view of
    primary data). Rows whose printed reduction differs from the sizes are shaded. Asked for the corrected view of
    primary data, it returns a table with nothing to write and a caption saying why."""
    if view == "corrected" and not transcribed(tables):
        return TableSpec(None, "sts-series-table1-corrected",
                         "Primary data: Table 1 above is built from the recorded values; there is no printed table to correct.")
    view = view or default_view(tables)
    stem = "sts-series-table1-corrected" if view == "corrected" else "sts-series-table1"
    df = table1(tables, weeks, view=view, with_flag=True)
    return TableSpec(df, stem, table1_caption(tables, view), tuple(table1_notes(tables, view)), {DIFFERS_FLAG: FLAG_COLOUR})


def reductions_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    df = _own_terms(tables, rounded(reductions(tables, weeks)))
    if "reduction_differs" not in df:
        return TableSpec(df, "sts-series-reductions", "Reductions from baseline per lesion and week (negative: growth)")
    df = df.assign(_differs=df["reduction_differs"].astype(bool))
    return TableSpec(df, "sts-series-reductions", "Printed and recomputed reductions per lesion and week",
                     highlight={"_differs": FLAG_COLOUR})


def outcomes(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(_own_terms(tables, outcomes_table(tables, weeks)), "sts-series-outcomes",
                     "Outcomes at each follow-up week, per lesion and per patient")


def doses_table(tables: _Tables, concentration_mg_per_ml: float | None = None) -> TableSpec:
    return TableSpec(rounded(injected_volumes(tables, concentration_mg_per_ml)), "sts-series-doses",
                     "Dose per treatment and injected volume per patient")


def injections_table(tables: _Tables) -> TableSpec:
    return TableSpec(injections(tables), "sts-series-injections",
                     "Treatment visits and injections per patient under both readings")


def lesions_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(_own_terms(tables, rounded(lesion_summary(tables, weeks))), "sts-series-lesions", "Per-lesion summary")


def patients_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(_own_terms(tables, patient_summary(tables, weeks)), "sts-series-patients", "Per-patient summary")
