"""Patients, lesions and their measurements at each follow-up week, with reductions printed and recomputed."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.reports.sts_series.cells import DEFAULT_WEEKS, LOST, NOT_RECORDED, ROUNDING_TOLERANCE_PCT

# ---------------------------------------------------------------------------------------------- structure


def checked_weeks(weeks: Iterable[int] | None) -> tuple[int, ...]:
    weeks = tuple(int(w) for w in (DEFAULT_WEEKS if weeks is None else weeks))
    if not weeks or any(w <= 0 for w in weeks) or len(set(weeks)) != len(weeks):
        raise CasebookError(f"follow-up weeks must be distinct positive whole numbers, not {list(weeks)}")
    return tuple(sorted(weeks))


def follow_up_weeks(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> list[int]:
    """The follow-up weeks to report: ``weeks`` if given, else every week after baseline that the measurements have
    a row for (the data win: a series measured at weeks 3 and 9 is reported at weeks 3 and 9)."""
    if weeks is not None:
        return list(checked_weeks(weeks))
    found = sorted({int(w) for w in tables["measurements"]["week"] if int(w) > 0})
    return list(checked_weeks(found or None))


def patients(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Patients in table row order (a primary dataset without table rows: in the file's order)."""
    pat = tables["patients"]
    if "table_row" not in pat or pat["table_row"].isna().all():
        return pat.reset_index(drop=True)
    return pat.sort_values("table_row", kind="stable").reset_index(drop=True)


def lesions(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Lesions in printed order (patient row, then lesion order in the file), with patient columns joined."""
    pat = patients(tables)[["patient_id", "diagnosis", "age_years", "sex"]].assign(_row=lambda d: range(len(d)))
    les = tables["lesions"].reset_index(drop=True).assign(_order=lambda d: range(len(d)))
    out = les.merge(pat, on="patient_id", how="left").sort_values(["_row", "_order"], kind="stable").drop(columns="_row")
    return out.drop(columns="_order").reset_index(drop=True)


def lesions_per_patient(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Number of lesions of each patient, indexed by patient_id in row order."""
    counts = lesions(tables).groupby("patient_id", sort=False).size()
    return counts.reindex(patients(tables)["patient_id"]).fillna(0).astype(int)


def lesion_labels(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A short label per lesion: its id and printed site ('L1 Fingertip')."""
    return {r.lesion_id: f"{r.lesion_id} {r.site}" for r in lesions(tables).itertuples()}


def reduction_pct(baseline, size) -> float:
    """Reduction from baseline in percent, 100 * (baseline - size) / baseline; NaN if either is missing or baseline <= 0."""
    if baseline is None or size is None or pd.isna(baseline) or pd.isna(size) or baseline <= 0:
        return math.nan
    return 100.0 * (float(baseline) - float(size)) / float(baseline)


def lesion_measurements(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per lesion and week (baseline 0 and each follow-up week), lesions in printed order.

    Columns: lesion_id, patient_id, week, status, size_mm, baseline_mm, reduction_printed_pct,
    reduction_recomputed_pct, reduction_differs, cell_printed. A follow-up week without a row in
    the data gets status ``not_recorded``, unless the lesion was lost to follow-up at an earlier week (then it
    stays ``lost_to_follow_up``); a lost or unrecorded lesion has NaN size and reductions. A lesion that grew
    has a negative reduction.
    """
    weeks = (0, *checked_weeks(weeks))
    les = lesions(tables)[["lesion_id", "patient_id"]]
    grid = pd.DataFrame(
        [(lid, pid, w) for lid, pid in les.itertuples(index=False) for w in weeks],
        columns=["lesion_id", "patient_id", "week"],
    )
    meas = tables["measurements"].copy()
    meas["week"] = meas["week"].astype(int)
    cols = ["lesion_id", "week", "status", "size_mm", "reduction_printed_pct", "cell_printed"]
    out = grid.merge(meas[cols], on=["lesion_id", "week"], how="left")
    lost_from = meas[meas["status"] == LOST].groupby("lesion_id")["week"].min()
    after_lost = out["status"].isna() & (out["week"] > out["lesion_id"].map(lost_from))
    out.loc[after_lost, "status"] = LOST
    out["status"] = out["status"].fillna(NOT_RECORDED).astype(str)
    out["size_mm"] = out["size_mm"].astype("float64")
    out["reduction_printed_pct"] = out["reduction_printed_pct"].astype("float64")
    base = out.loc[out["week"] == 0].set_index("lesion_id")["size_mm"]
    out["baseline_mm"] = out["lesion_id"].map(base).astype("float64")
    out["reduction_recomputed_pct"] = [
        reduction_pct(b, s) if w > 0 else math.nan for b, s, w in zip(out["baseline_mm"], out["size_mm"], out["week"], strict=False)
    ]
    out["reduction_recomputed_pct"] = out["reduction_recomputed_pct"].astype("float64")
    diff = (out["reduction_printed_pct"] - out["reduction_recomputed_pct"]).abs()
    out["reduction_differs"] = (diff > ROUNDING_TOLERANCE_PCT).fillna(False).astype(bool)
    return out[
        ["lesion_id", "patient_id", "week", "status", "size_mm", "baseline_mm", "reduction_printed_pct",
         "reduction_recomputed_pct", "reduction_differs", "cell_printed"]
    ]


def reductions(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Follow-up rows only: printed and recomputed reductions side by side, with their difference."""
    m = lesion_measurements(tables, weeks)
    m = m[m["week"] > 0].reset_index(drop=True)
    m["difference_pct"] = m["reduction_printed_pct"] - m["reduction_recomputed_pct"]
    return m.drop(columns="cell_printed")


def rounded(df: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """Float columns rounded (for written tables: the same text on every platform), as objects so that a
    missing value is written as an empty cell."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(decimals).astype(object)
    return out
