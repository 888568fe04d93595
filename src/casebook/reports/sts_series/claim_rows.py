"""The rows report 2's recompute functions read: measurements joined with their patient and baseline size, as rows
(kept per variant of the tables while the reconciliation searches: :mod:`casebook.audit.memo`). Shared by
:mod:`.claims`, :mod:`.claims_events` and :mod:`.claims_outcomes`, which import it and never each other."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.memo import kept
from casebook.audit.model import Tables
from casebook.audit.readings import F, rows


def _measurements(data: Tables) -> pd.DataFrame:
    """:func:`_joined_rows` as a table, for the few functions that merge it further. Callers never change it in place."""
    return pd.DataFrame(_joined_rows(data))


def _joined_rows(data: Tables) -> list[dict]:
    """Every measurement with its patient and its lesion's baseline size, as rows (dicts), joined in plain Python:
    what the recompute functions iterate over."""
    meas, les = data["measurements"], data["lesions"]
    return kept((meas, les), "joined-rows", lambda: _join_rows(meas, les))


def _join_rows(meas: pd.DataFrame, les: pd.DataFrame) -> list[dict]:
    patient = dict(zip(les["lesion_id"].tolist(), les["patient_id"].tolist(), strict=True))
    out = [{**r, "patient_id": patient[r["lesion_id"]]} for r in rows(meas) if r["lesion_id"] in patient]
    base = {r["lesion_id"]: r["size_mm"] for r in out if r["week"] == 0}
    for r in out:
        r["baseline_mm"] = base.get(r["lesion_id"], float("nan"))
    return out


def _measured(data: Tables, week: int) -> list[dict]:
    """The measured rows of ``week`` (joined: patient and baseline size)."""
    every = _joined_rows(data)
    return kept((every,), ("measured", week), lambda: [r for r in every if r["week"] == week and r["status"] == "measured"])


def _pct_from_sizes(row) -> Fraction:
    b, s = F(row["baseline_mm"]), F(row["size_mm"])
    return (b - s) / b * 100


def _followed_lesions(data: Tables, week: int) -> list[str]:
    return [r["lesion_id"] for r in _measured(data, week)]


def _patients(data: Tables) -> pd.DataFrame:
    return data["patients"]
