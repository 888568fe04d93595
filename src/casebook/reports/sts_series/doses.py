"""Doses, injected volumes and injection counts under both readings (per lesion, per session).

A regimen is a number of sessions at an interval (one session: a single injection). The concentration of the
injected solution is each regimen's own, as recorded; a concentration given as an argument overrides it for
every patient (a what-if), and None (the default) keeps the data.
"""

from __future__ import annotations

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.reports.sts_series.measures import lesions, lesions_per_patient, patients
from casebook.reports.sts_series.terms import regimen_name

# ---------------------------------------------------------------------------------------------- doses, injections


def injections_per_lesion(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Injections each lesion received: one per session of its patient's regimen."""
    les = lesions(tables)
    sessions = tables["regimens"].set_index("patient_id")["sessions"].astype(int)
    return pd.Series(les["patient_id"].map(sessions).to_numpy(), index=pd.Index(les["lesion_id"], name="lesion_id"),
                     name="injections").astype("Int64")


def injections_total(tables: dict[str, pd.DataFrame], per: str = "lesion") -> int:
    """Total injections. ``per="lesion"``: each lesion injected at each session; ``per="visit"``: one per session."""
    if per == "lesion":
        return int(injections_per_lesion(tables).sum())
    if per == "visit":
        return int(tables["regimens"]["sessions"].astype(int).sum())
    raise CasebookError(f"per must be 'lesion' or 'visit', not {per!r}")


def injections(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per patient: regimen, lesions, treatment visits and injections under both readings."""
    reg = tables["regimens"].set_index("patient_id")
    n_les = lesions_per_patient(tables)
    rows = []
    for pid in patients(tables)["patient_id"]:
        r = reg.loc[pid]
        rows.append({"patient_id": pid, "regimen": regimen_name(r), "lesions": int(n_les[pid]),
                     "visits": int(r["sessions"]), "injections_per_visit_reading": int(r["sessions"]),
                     "injections_per_lesion_reading": int(r["sessions"]) * int(n_les[pid])})
    out = pd.DataFrame(rows)
    total = {"patient_id": "Total", "regimen": "", "lesions": int(out["lesions"].sum()),
             "visits": int(out["visits"].sum()),
             "injections_per_visit_reading": injections_total(tables, "visit"),
             "injections_per_lesion_reading": injections_total(tables, "lesion")}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def injected_volumes(tables: dict[str, pd.DataFrame], concentration_mg_per_ml: float | None = None) -> pd.DataFrame:
    """Per patient: dose per treatment (mg, mean and range) and the volume it takes (ml) at the concentration.

    ``concentration_mg_per_ml`` overrides the concentration recorded in the regimens (None keeps it).
    Volume = dose / concentration. ``dose_shared`` is True where one printed dose covers several lesions
    (whether per lesion or per visit is not stated).
    """
    if concentration_mg_per_ml is not None and not concentration_mg_per_ml > 0:
        raise CasebookError(f"the concentration must be positive, not {concentration_mg_per_ml!r}")
    reg = tables["regimens"].set_index("patient_id")
    n_les = lesions_per_patient(tables)
    rows = []
    for pid in patients(tables)["patient_id"]:
        r = reg.loc[pid]
        conc = float(concentration_mg_per_ml if concentration_mg_per_ml is not None else r["concentration_mg_per_ml"])
        rows.append({
            "patient_id": pid, "regimen": regimen_name(r), "visits": int(r["sessions"]),
            "dose_mean_mg": float(r["dose_mean_mg"]), "dose_min_mg": float(r["dose_min_mg"]),
            "dose_max_mg": float(r["dose_max_mg"]), "concentration_mg_per_ml": conc,
            "volume_mean_ml": float(r["dose_mean_mg"]) / conc, "volume_min_ml": float(r["dose_min_mg"]) / conc,
            "volume_max_ml": float(r["dose_max_mg"]) / conc, "dose_shared": bool(n_les[pid] > 1),
        })
    return pd.DataFrame(rows)


def doses_per_lesion(tables: dict[str, pd.DataFrame], concentration_mg_per_ml: float | None = None) -> pd.DataFrame:
    """Per lesion: its patient's printed dose per treatment (mean, range), volume, injections, and dose_shared."""
    vol = injected_volumes(tables, concentration_mg_per_ml).drop(columns=["visits"])
    les = lesions(tables)[["lesion_id", "patient_id", "site"]]
    out = les.merge(vol, on="patient_id", how="left")
    out["injections"] = out["lesion_id"].map(injections_per_lesion(tables)).astype("Int64")
    return out


def dose_range(tables: dict[str, pd.DataFrame]) -> tuple[float, float]:
    """Smallest and largest dose given at one treatment across the series (mg)."""
    reg = tables["regimens"]
    return float(reg["dose_min_mg"].min()), float(reg["dose_max_mg"].max())
