"""The Results of the series' case summary: one follow-up week's numbers, by lesion and by patient, each bound to
the function that computed it (see :mod:`.summary`; the sources of each sentence are cited in ``summary.md.j2``)."""

from __future__ import annotations

import pandas as pd

from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import phrases
from casebook.text import number

SOURCE = "casebook.reports.sts_series.outcomes.outcomes"


def weeks_context(tables, weeks, bind) -> list[dict]:
    """One dict per follow-up week (see :func:`week_context`)."""
    out = series.outcomes(tables, weeks)
    red = series.reductions(tables, weeks)
    labels = series.lesions(tables).set_index("lesion_id")["site"]
    recorded = {int(w) for w in tables["measurements"]["week"]}
    return [week_context(out, red, labels, w, bind, w in recorded) for w in weeks]


def week_context(out: pd.DataFrame, red: pd.DataFrame, labels: pd.Series, w: int, bind, recorded: bool) -> dict:
    """One follow-up week: lesions measured, lost and not recorded, the change in size, complete remissions, the
    same by patient, and the mean of the printed reductions where the data hold them (None where not shown)."""
    les = out[(out["week"] == w) & (out["unit"] == "lesion")].iloc[0]
    pt = out[(out["week"] == w) & (out["unit"] == "patient")].iloc[0]
    measured = int(les["measured"])
    show_patients = bool(pt["measured"]) and pt["total"] != les["total"]
    show_printed = bool(measured) and pd.notna(les["mean_reduction_printed_pct"]) and \
        number(les["mean_reduction_printed_pct"], 1) != number(les["mean_reduction_recomputed_pct"], 1)
    return {
        "week": bind(f"w{w}_week", w, SOURCE), "recorded": recorded,
        "total": bind(f"w{w}_total", int(les["total"]), SOURCE), "measured": bind(f"w{w}_measured", measured, SOURCE),
        "lost": bind(f"w{w}_lost", int(les["lost"]), SOURCE),
        "not_recorded": bind(f"w{w}_not_recorded", int(les["not_recorded"]), SOURCE),
        "change": (phrases.change(les["mean_reduction_recomputed_pct"], les["median_reduction_recomputed_pct"], measured,
                                  bind, w) if measured else None),
        "grown": phrases.grown(red[(red["week"] == w) & (red["status"] == series.MEASURED)], labels, bind),
        "complete": bind(f"w{w}_complete", int(les["complete_remissions"]), SOURCE) if measured else None,
        "show_patients": show_patients,
        **(_patients(pt, w, bind) if show_patients else {}),
        "printed_mean": bind(f"w{w}_printed_mean", les["mean_reduction_printed_pct"], SOURCE) if show_printed else None,
    }


def _patients(pt, w: int, bind) -> dict:
    """The week by patient: each patient's measured lesions averaged."""
    mean = pt["mean_reduction_recomputed_pct"]
    shown = bind(f"w{w}_patient_mean", abs(mean), SOURCE)
    return {
        "patient_measured": bind(f"w{w}_patients_measured", int(pt["measured"]), SOURCE),
        "patient_change": (f"the mean reduction was {shown}%" if mean >= 0 else f"the lesions had grown by a mean of {shown}%"),
        "patient_complete": bind(f"w{w}_patients_complete", int(pt["complete_remissions"]), SOURCE),
    }
