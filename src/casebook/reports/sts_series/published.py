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
from casebook.reports.sts_series.table1 import table1, table1_caption, table1_notes

FLAG_COLOUR = "#fde3c8"  # rows whose printed reduction differs from the sizes
_Tables = dict[str, pd.DataFrame]


def table1_table(tables: _Tables, weeks: Iterable[int] | None = None, view: str = "printed") -> TableSpec:
    """Table 1 rebuilt, as printed or corrected; rows whose printed reduction differs from the sizes are shaded."""
    stem = "sts-series-table1" if view == "printed" else "sts-series-table1-corrected"
    df = table1(tables, weeks, view=view, with_flag=True)
    return TableSpec(df, stem, table1_caption(tables, view), tuple(table1_notes(tables, view)), {DIFFERS_FLAG: FLAG_COLOUR})


def reductions_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    df = rounded(reductions(tables, weeks))
    df = df.assign(_differs=df["reduction_differs"].astype(bool))
    return TableSpec(df, "sts-series-reductions", "Printed and recomputed reductions per lesion and week",
                     highlight={"_differs": FLAG_COLOUR})


def outcomes(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(outcomes_table(tables, weeks), "sts-series-outcomes",
                     "Outcomes at each follow-up week, per lesion and per patient")


def doses_table(tables: _Tables, concentration_mg_per_ml: float | None = None) -> TableSpec:
    return TableSpec(rounded(injected_volumes(tables, concentration_mg_per_ml)), "sts-series-doses",
                     "Dose per treatment and injected volume per patient")


def injections_table(tables: _Tables) -> TableSpec:
    return TableSpec(injections(tables), "sts-series-injections",
                     "Treatment visits and injections per patient under both readings")


def lesions_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(rounded(lesion_summary(tables, weeks)), "sts-series-lesions", "Per-lesion summary")


def patients_table(tables: _Tables, weeks: Iterable[int] | None = None) -> TableSpec:
    return TableSpec(patient_summary(tables, weeks), "sts-series-patients", "Per-patient summary")
