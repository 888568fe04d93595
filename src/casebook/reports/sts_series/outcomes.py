"""Outcomes per lesion and per patient at each follow-up week; lost to follow-up is counted, never set to 0."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.reports.sts_series.cells import CELL_SEPARATOR, LOST, MEASURED, NOT_RECORDED, PARTLY
from casebook.reports.sts_series.doses import injections_per_lesion
from casebook.reports.sts_series.measures import checked_weeks, lesion_measurements, lesions, lesions_per_patient, patients
from casebook.reports.sts_series.terms import regimen_name
from casebook.text import fixed

# ---------------------------------------------------------------------------------------------- summaries


def lesion_summary(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per lesion: patient, site, baseline size, size/status and both reductions at each week, injections."""
    weeks = checked_weeks(weeks)
    les = lesions(tables)
    meas = lesion_measurements(tables, weeks).set_index(["lesion_id", "week"])
    inj = injections_per_lesion(tables)
    rows = []
    for r in les.itertuples():
        row = {"lesion_id": r.lesion_id, "patient_id": r.patient_id, "site": r.site, "site_class": r.site_class,
               "region": r.region, "baseline_mm": meas.loc[(r.lesion_id, 0), "size_mm"],
               "injections": inj[r.lesion_id]}
        for w in weeks:
            m = meas.loc[(r.lesion_id, w)]
            row[f"status_week_{w}"] = m["status"]
            row[f"size_week_{w}_mm"] = m["size_mm"]
            row[f"reduction_printed_week_{w}_pct"] = m["reduction_printed_pct"]
            row[f"reduction_recomputed_week_{w}_pct"] = m["reduction_recomputed_pct"]
        lm = meas.loc[r.lesion_id]
        row["last_week_measured"] = int(lm.index[lm["status"] == MEASURED].max())
        rows.append(row)
    return pd.DataFrame(rows)


def patient_summary(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per patient: age, sex, diagnosis, lesions, regimen, visits, last week with a measurement, vital status."""
    weeks = checked_weeks(weeks)
    les = lesions(tables)
    meas = lesion_measurements(tables, weeks)
    reg = tables["regimens"].set_index("patient_id")
    rows = []
    for row_number, p in enumerate(patients(tables).itertuples(), start=1):
        pl = les[les["patient_id"] == p.patient_id]
        pm = meas[meas["patient_id"] == p.patient_id]
        measured_weeks = pm.loc[pm["status"] == MEASURED, "week"]
        row = {"patient_id": p.patient_id, "table_row": int(p.table_row) if pd.notna(p.table_row) else row_number, "diagnosis": p.diagnosis,
               "diagnosis_printed": p.diagnosis_printed, "age_years": int(p.age_years), "sex": p.sex,
               "lesions": len(pl), "sites": CELL_SEPARATOR.join(pl["site"]),
               "regimen": regimen_name(reg.loc[p.patient_id]), "visits": int(reg.loc[p.patient_id, "sessions"]),
               "last_week_measured": int(measured_weeks.max()) if len(measured_weeks) else 0,
               "vital_status": p.vital_status}
        for w in weeks:
            row[f"status_week_{w}"] = patient_status(pm.loc[pm["week"] == w, "status"])
        rows.append(row)
    return pd.DataFrame(rows)


def patient_status(statuses: Iterable[str]) -> str:
    """A patient's follow-up status at one week from their lesions' statuses."""
    statuses = list(statuses)
    if statuses and all(s == MEASURED for s in statuses):
        return MEASURED
    if any(s == MEASURED for s in statuses):
        return PARTLY
    return LOST if any(s == LOST for s in statuses) else NOT_RECORDED


def series_overview(tables: dict[str, pd.DataFrame]) -> dict:
    """Counts and ranges describing the series: patients, sexes, ages, diagnoses, lesions, sites, regimens."""
    pat, les, reg = patients(tables), lesions(tables), tables["regimens"]
    ages = pat["age_years"].astype(float)
    return {
        "patients": len(pat),
        "sexes": pat["sex"].value_counts(sort=False).to_dict(),
        "age_mean": float(ages.mean()), "age_median": float(ages.median()),
        "age_min": int(ages.min()), "age_max": int(ages.max()),
        "diagnoses": pat["diagnosis"].value_counts(sort=False).to_dict(),
        "lesions": len(les),
        "lesions_per_patient": lesions_per_patient(tables).to_dict(),
        "sites": les["site"].value_counts(sort=False).to_dict(),
        "site_classes": les["site_class"].value_counts(sort=False).to_dict(),
        "regions": les["region"].value_counts(sort=False).to_dict(),
        "regimens": pd.Series([regimen_name(r) for _, r in reg.iterrows()], dtype=object).value_counts(sort=False).to_dict(),
        "sessions": sorted(int(n) for n in reg["sessions"]),
    }


# ---------------------------------------------------------------------------------------------- outcomes


def patient_reductions(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Per patient and follow-up week: status, lesions measured/lost, mean printed and recomputed reduction
    over the measured lesions, and complete remission (all lesions measured with size 0)."""
    weeks = checked_weeks(weeks)
    m = lesion_measurements(tables, weeks)
    m = m[m["week"] > 0]
    rows = []
    for pid in patients(tables)["patient_id"]:
        for w in weeks:
            g = m[(m["patient_id"] == pid) & (m["week"] == w)]
            meas = g[g["status"] == MEASURED]
            status = patient_status(g["status"])
            rows.append({
                "patient_id": pid, "week": w, "status": status, "lesions": len(g),
                "lesions_measured": len(meas), "lesions_lost": int((g["status"] == LOST).sum()),
                "reduction_printed_pct": meas["reduction_printed_pct"].mean() if len(meas) else math.nan,
                "reduction_recomputed_pct": meas["reduction_recomputed_pct"].mean() if len(meas) else math.nan,
                "complete_remission": bool(status == MEASURED and (meas["size_mm"] == 0).all()),
            })
    return pd.DataFrame(rows)


def _stats(values: pd.Series) -> tuple[float, float]:
    v = values.dropna()
    return (float(v.mean()), float(v.median())) if len(v) else (math.nan, math.nan)


def outcomes(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """At each follow-up week, per lesion and per patient: how many were measured and lost, the mean and
    median reduction (printed and recomputed from sizes) over those measured, and complete remissions.

    Lost lesions are counted in ``lost`` and excluded from means and medians; they are never counted as 0.
    """
    weeks = checked_weeks(weeks)
    m = lesion_measurements(tables, weeks)
    pr = patient_reductions(tables, weeks)
    rows = []
    for w in weeks:
        for unit, g, measured_mask, complete in (
            ("lesion", m[m["week"] == w], m.loc[m["week"] == w, "status"] == MEASURED, None),
            ("patient", pr[pr["week"] == w], pr.loc[pr["week"] == w, "status"].isin([MEASURED, PARTLY]), None),
        ):
            meas = g[measured_mask]
            if unit == "lesion":
                complete = int((meas["size_mm"] == 0).sum())
                lost = int((g["status"] == LOST).sum())
                partly = 0
            else:
                complete = int(meas["complete_remission"].sum())
                lost = int((g["status"] == LOST).sum())
                partly = int((g["status"] == PARTLY).sum())
            mean_rec, med_rec = _stats(meas["reduction_recomputed_pct"])
            mean_pr, med_pr = _stats(meas["reduction_printed_pct"])
            rows.append({
                "week": w, "unit": unit, "total": len(g), "measured": len(meas), "partly_measured": partly,
                "lost": lost, "not_recorded": int((g["status"] == NOT_RECORDED).sum()),
                "mean_reduction_recomputed_pct": mean_rec, "median_reduction_recomputed_pct": med_rec,
                "mean_reduction_printed_pct": mean_pr, "median_reduction_printed_pct": med_pr,
                "complete_remissions": complete,
            })
    return pd.DataFrame(rows)


def mean_reduction(tables, week: int, unit: str = "lesion", source: str = "recomputed") -> float:
    """Mean reduction (%) at one week over the measured lesions or patients; ``source`` 'recomputed' or 'printed'."""
    return _outcome(tables, week, unit, f"mean_reduction_{_source(source)}_pct")


def median_reduction(tables, week: int, unit: str = "lesion", source: str = "recomputed") -> float:
    """Median reduction (%) at one week over the measured lesions or patients."""
    return _outcome(tables, week, unit, f"median_reduction_{_source(source)}_pct")


def complete_remissions(tables, week: int, unit: str = "lesion") -> dict[str, int]:
    """Complete remissions at one week with their denominators: {'complete', 'measured', 'lost', 'total'}."""
    row = _outcome_row(tables, week, unit)
    return {"complete": int(row["complete_remissions"]), "measured": int(row["measured"]),
            "lost": int(row["lost"]), "total": int(row["total"])}


def _source(source: str) -> str:
    if source not in ("recomputed", "printed"):
        raise CasebookError(f"source must be 'recomputed' or 'printed', not {source!r}")
    return source


def _outcome_row(tables, week: int, unit: str) -> pd.Series:
    if unit not in ("lesion", "patient"):
        raise CasebookError(f"unit must be 'lesion' or 'patient', not {unit!r}")
    o = outcomes(tables, [week])
    return o[o["unit"] == unit].iloc[0]


def _outcome(tables, week: int, unit: str, column: str) -> float:
    return float(_outcome_row(tables, week, unit)[column])


def outcomes_table(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """:func:`outcomes` with readable headers and rounded numbers, for display and for tables/."""
    o = outcomes(tables, weeks)

    def pct(x):
        return fixed(x, 1) if pd.notna(x) else ""  # rounded half up, as every number shown

    return pd.DataFrame({
        "Week": o["week"], "Unit": o["unit"], "Total": o["total"], "Measured": o["measured"],
        "Partly measured": o["partly_measured"], "Lost to follow-up": o["lost"], "Not recorded": o["not_recorded"],
        "Mean reduction from sizes, %": o["mean_reduction_recomputed_pct"].map(pct),
        "Median reduction from sizes, %": o["median_reduction_recomputed_pct"].map(pct),
        "Mean printed reduction, %": o["mean_reduction_printed_pct"].map(pct),
        "Median printed reduction, %": o["median_reduction_printed_pct"].map(pct),
        "Complete remission, n of measured": [f"{c} of {n}" for c, n in zip(o["complete_remissions"], o["measured"], strict=False)],
    })
