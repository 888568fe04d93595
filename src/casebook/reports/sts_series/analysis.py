"""Analysis of an intra-lesional sodium thiosulphate case series (report 2 and any series in its schema).

Every function is pure: it takes the dict of typed DataFrames returned by
``casebook.data.load.load_dataset("sts-series", data_dir)`` and returns a new frame,
series or number. Nothing here reads or writes files except :func:`write_table1`.

Readings that the data leave open are explicit arguments, never silent choices:

* **Injections** – a regimen is one per patient and covers all their lesions.
  ``per="lesion"`` counts one injection per lesion per treatment visit (a patient
  with two lesions treated weekly for 3 weeks has 6); ``per="visit"`` counts one
  per treatment visit (3).
* **Dose** – the printed dose (mean and range, mg) is *per treatment*. For a
  patient with several lesions treated together ("(both)") the report does not
  say whether that dose went into each lesion or was shared; functions that
  attribute a dose to a lesion say so (``dose_shared`` flag).
* **Reductions** – ``reduction_printed_pct`` is what the report prints;
  ``reduction_recomputed_pct`` is ``100 * (baseline - size) / baseline`` from the
  printed sizes. Both are kept; neither overwrites the other.
* **Lost to follow-up** – a lesion without a size at a follow-up week has status
  ``lost_to_follow_up`` (or ``not_recorded`` when the data have no row for that
  week). Its size and reductions are NaN, never 0; every summary reports how
  many lesions were measured and how many were lost.
* **Per patient** – a patient's reduction at a week is the mean of the
  reductions of their *measured* lesions; the patient's status is ``measured``
  (all lesions measured), ``partly_measured``, ``lost_to_follow_up`` (all lost)
  or ``not_recorded``. A patient is in complete remission only if all their
  lesions were measured with size 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.publish.tables import write_table

DEFAULT_WEEKS = (4, 12)
MEASURED, LOST, NOT_RECORDED, PARTLY = "measured", "lost_to_follow_up", "not_recorded", "partly_measured"
LOST_CELL = "Lost to follow-up"
NOT_RECORDED_CELL = "Not recorded"
CELL_SEPARATOR = "; "
# A printed reduction "agrees" with the sizes if it is the sizes' reduction rounded to a whole percent.
ROUNDING_TOLERANCE_PCT = 0.5 + 1e-9

# Abbreviations used in Table 1's first column and their meaning (the footnote is built from those present).
ABBREVIATIONS = {
    "SSc": "systemic sclerosis",
    "NSF": "nephrogenic systemic fibrosis",
    "DM": "dermatomyositis",
    "SLE": "systemic lupus erythematosus",
    "MCTD": "mixed connective tissue disease",
}

# Table 1 column headers, as printed in the report.
COL_DIAGNOSIS = "Diagnosis/age, years"
COL_SITE = "Localization"
COL_SIZE = "Size of calcinosis, mm"
COL_TREATMENT = "Treatment"
COL_DOSE = "Sodium thiosulphate, mg Mean (range)"
COL_COMPLICATIONS = "Complications"
DIFFERS_FLAG = "printed reduction differs from sizes"
PRINTED_COLUMNS = (COL_DIAGNOSIS, COL_SITE, COL_SIZE, COL_TREATMENT, COL_DOSE, COL_COMPLICATIONS)


def week_column(week: int) -> str:
    """Table 1 header of a follow-up week, as printed."""
    return f"Size (mm)/reduction (%) week {week}"


def recomputed_column(week: int) -> str:
    """Header of the column beside a week's printed cells holding the reductions recomputed from the sizes."""
    return f"Reduction from sizes (%) week {week}"


# ---------------------------------------------------------------------------------------------- formatting


def fmt_number(x) -> str:
    """A number as the report prints it: no trailing zeros (3, 12.5, 87.5)."""
    if x is None or pd.isna(x):
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def round_half_up(x: float) -> float:
    """Round to a whole number, halves away from zero (37.5 -> 38), as printed tables do; NaN stays NaN."""
    if x is None or pd.isna(x):
        return math.nan
    return float(math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1))


def treatment_cell(regimen: str, weeks: int, n_lesions: int = 1) -> str:
    """The Treatment cell built from the regimen ('single'/'weekly'), its weeks and the lesions it covers."""
    if regimen == "single":
        text = "Single injection"
    elif regimen == "weekly":
        text = f"Repeated injection every week for {int(weeks)} week{'s' if int(weeks) != 1 else ''}"
    else:
        raise CasebookError(f"unknown regimen {regimen!r}")
    if n_lesions == 2:
        text += " (both)"
    elif n_lesions > 2:
        text += f" (all {n_lesions})"
    return text


def dose_cell(mean: float, low: float, high: float, regimen: str) -> str:
    """The dose cell: the single dose, or 'mean (min-max)' for repeated treatments."""
    if regimen == "single":
        return fmt_number(mean)
    return f"{fmt_number(mean)} ({fmt_number(low)}-{fmt_number(high)})"


_COMPLICATION_TEXT = {
    "none": "No",
    "infection": "Infection",
    "transient pain": "Transient pain associated with injection",
    "ulceration": "Ulceration",
    "necrosis": "Necrosis",
    "other": "Other complication",
}


def complication_cell(complication: str, week=None) -> str:
    """One complication as Table 1 words it ('Infection followed injection in week 2')."""
    text = _COMPLICATION_TEXT[complication]
    if week is not None and pd.notna(week) and complication != "none":
        text += f" followed injection in week {int(week)}" if complication == "infection" else f" in week {int(week)}"
    return text


def week_cell(status: str, size, reduction) -> str:
    """A follow-up cell: 'size/reduction', 'size' when no reduction is given, or the follow-up status."""
    if status == LOST:
        return LOST_CELL
    if status == NOT_RECORDED:
        return NOT_RECORDED_CELL
    if reduction is None or pd.isna(reduction):
        return fmt_number(size)
    return f"{fmt_number(size)}/{fmt_number(reduction)}"


def join_cells(cells: Sequence[str]) -> str:
    """Cells of a row's lesions joined in lesion order; one status cell when every lesion has the same status."""
    cells = list(cells)
    if cells and len(set(cells)) == 1 and cells[0] in (LOST_CELL, NOT_RECORDED_CELL):
        return cells[0]
    return CELL_SEPARATOR.join(cells)


# ---------------------------------------------------------------------------------------------- structure


def _weeks(weeks: Iterable[int] | None) -> tuple[int, ...]:
    weeks = tuple(int(w) for w in (DEFAULT_WEEKS if weeks is None else weeks))
    if not weeks or any(w <= 0 for w in weeks) or len(set(weeks)) != len(weeks):
        raise CasebookError(f"follow-up weeks must be distinct positive whole numbers, not {list(weeks)}")
    return tuple(sorted(weeks))


def patients(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Patients in Table 1 row order."""
    return tables["patients"].sort_values("table_row", kind="stable").reset_index(drop=True)


def lesions(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Lesions in printed order (patient row, then lesion order in the file), with patient columns joined."""
    pat = patients(tables)[["patient_id", "table_row", "diagnosis", "age_years", "sex"]]
    les = tables["lesions"].reset_index(drop=True).assign(_order=lambda d: range(len(d)))
    out = les.merge(pat, on="patient_id", how="left").sort_values(["table_row", "_order"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def lesions_per_patient(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Number of lesions of each patient, indexed by patient_id in row order."""
    counts = lesions(tables).groupby("patient_id", sort=False).size()
    return counts.reindex(patients(tables)["patient_id"]).fillna(0).astype(int)


def lesion_labels(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A short label per lesion: its id and printed site ('L1 Fingertip')."""
    return {r.lesion_id: f"{r.lesion_id} {r.site_printed}" for r in lesions(tables).itertuples()}


def reduction_pct(baseline, size) -> float:
    """Reduction from baseline in percent, 100 * (baseline - size) / baseline; NaN if either is missing or baseline <= 0."""
    if baseline is None or size is None or pd.isna(baseline) or pd.isna(size) or baseline <= 0:
        return math.nan
    return 100.0 * (float(baseline) - float(size)) / float(baseline)


def lesion_measurements(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per lesion and week (baseline 0 and each follow-up week), lesions in printed order.

    Columns: lesion_id, patient_id, week, status, size_mm, baseline_mm, reduction_printed_pct,
    reduction_recomputed_pct, reduction_differs, cell_printed. A follow-up week without a row in
    the data gets status ``not_recorded``; a lost or unrecorded lesion has NaN size and reductions.
    """
    weeks = (0, *_weeks(weeks))
    les = lesions(tables)[["lesion_id", "patient_id"]]
    grid = pd.DataFrame(
        [(lid, pid, w) for lid, pid in les.itertuples(index=False) for w in weeks],
        columns=["lesion_id", "patient_id", "week"],
    )
    meas = tables["measurements"].copy()
    meas["week"] = meas["week"].astype(int)
    cols = ["lesion_id", "week", "status", "size_mm", "reduction_printed_pct", "cell_printed"]
    out = grid.merge(meas[cols], on=["lesion_id", "week"], how="left")
    out["status"] = out["status"].fillna(NOT_RECORDED).astype(str)
    out["size_mm"] = out["size_mm"].astype("float64")
    out["reduction_printed_pct"] = out["reduction_printed_pct"].astype("float64")
    base = out.loc[out["week"] == 0].set_index("lesion_id")["size_mm"]
    out["baseline_mm"] = out["lesion_id"].map(base).astype("float64")
    out["reduction_recomputed_pct"] = [
        reduction_pct(b, s) if w > 0 else math.nan for b, s, w in zip(out["baseline_mm"], out["size_mm"], out["week"])
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


# ---------------------------------------------------------------------------------------------- Table 1


def _complications_by_patient(tables) -> dict[str, str]:
    comp = tables.get("complications")
    out: dict[str, str] = {}
    if comp is None or comp.empty:
        return out
    for pid, rows in comp.groupby("patient_id", sort=False):
        out[pid] = CELL_SEPARATOR.join(complication_cell(c, w) for c, w in zip(rows["complication"], rows["week"]))
    return out


def table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None, view: str = "printed",
           layout: str = "row", with_flag: bool = False) -> pd.DataFrame:
    """Table 1 rebuilt from the data.

    ``view="printed"`` reproduces the printed cells (diagnosis as printed, e.g. the typo 'NSE'; the printed
    reductions); ``view="corrected"`` uses the corrected diagnosis ('NSF') and, in the week cells, the
    reductions recomputed from the sizes rounded to a whole percent. Every cell except the diagnosis as
    printed is *built* from typed columns (sizes, regimen, weeks, doses, complication kinds), so comparing it
    with the transcription's ``*_printed`` columns tests both.

    ``layout="row"`` gives one row per printed row (patient): a patient's lesions share the row and their
    cells are joined with '; ' in lesion order ('75; 85'); one 'Lost to follow-up' stands for a row whose
    lesions were all lost. ``layout="lesion"`` gives one row per lesion with the patient's cells repeated.

    Beside each week's printed cells a column gives the reductions recomputed from the sizes (one decimal);
    where a printed reduction is not the sizes' reduction rounded, it reads e.g. '87.5 (printed 80)'.
    ``with_flag`` adds a boolean column (``DIFFERS_FLAG``) marking rows with such a difference.
    """
    if view not in ("printed", "corrected"):
        raise CasebookError(f"view must be 'printed' or 'corrected', not {view!r}")
    if layout not in ("row", "lesion"):
        raise CasebookError(f"layout must be 'row' or 'lesion', not {layout!r}")
    weeks = _weeks(weeks)
    pat = patients(tables).set_index("patient_id")
    les = lesions(tables)
    n_les = lesions_per_patient(tables)
    reg = tables["regimens"].set_index("patient_id")
    comp = _complications_by_patient(tables)
    meas = lesion_measurements(tables, weeks).set_index(["lesion_id", "week"])

    def lesion_cells(lid: str) -> dict[str, object]:
        cells: dict[str, object] = {COL_SIZE: fmt_number(meas.loc[(lid, 0), "size_mm"]), "_differs": False}
        for w in weeks:
            m = meas.loc[(lid, w)]
            shown = m["reduction_printed_pct"] if view == "printed" else round_half_up(m["reduction_recomputed_pct"])
            cells[week_column(w)] = week_cell(m["status"], m["size_mm"], shown)
            rec = m["reduction_recomputed_pct"]
            text = "" if pd.isna(rec) else f"{rec:.1f}"
            if m["reduction_differs"]:
                text += f" (printed {fmt_number(m['reduction_printed_pct'])})"
                cells["_differs"] = True
            cells[recomputed_column(w)] = text if m["status"] == MEASURED else week_cell(m["status"], None, None)
        return cells

    rows = []
    for pid, p in pat.iterrows():
        diagnosis = p["diagnosis_printed"] if view == "printed" else p["diagnosis"]
        shared = {
            COL_DIAGNOSIS: f"{diagnosis}/{int(p['age_years'])}",
            COL_SITE: None,
            COL_TREATMENT: "",
            COL_DOSE: "",
            COL_COMPLICATIONS: comp.get(pid, NOT_RECORDED_CELL),
        }
        if pid in reg.index:
            r = reg.loc[pid]
            shared[COL_TREATMENT] = treatment_cell(r["regimen"], r["weeks"], int(n_les[pid]))
            shared[COL_DOSE] = dose_cell(r["dose_mean_mg"], r["dose_min_mg"], r["dose_max_mg"], r["regimen"])
        plesions = les[les["patient_id"] == pid]
        per_lesion = [(lid, site, lesion_cells(lid)) for lid, site in zip(plesions["lesion_id"], plesions["site_printed"])]
        if layout == "lesion":
            for lid, site, cells in per_lesion:
                rows.append({"_lesion": lid, **shared, COL_SITE: site, **cells})
            continue
        sites = [site for _, site, _ in per_lesion]
        row = {**shared, COL_SITE: sites[0] if len(set(sites)) == 1 else CELL_SEPARATOR.join(sites)}
        for key in per_lesion[0][2]:
            if key == "_differs":
                row[key] = any(c[key] for _, _, c in per_lesion)
            elif key == COL_SIZE:
                row[key] = CELL_SEPARATOR.join(c[key] for _, _, c in per_lesion)
            else:
                row[key] = join_cells([c[key] for _, _, c in per_lesion])
        rows.append(row)

    columns = list(PRINTED_COLUMNS)
    for w in weeks:
        columns += [week_column(w), recomputed_column(w)]
    out = pd.DataFrame(rows)
    if layout == "lesion":
        columns = ["_lesion", *columns]
    if with_flag:
        out[DIFFERS_FLAG] = out["_differs"].astype(bool)
        columns.append(DIFFERS_FLAG)
    out = out[columns].rename(columns={"_lesion": "Lesion"})
    return out


def transcribed_table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Table 1 as transcribed: the ``*_printed`` cells of the data, one row per printed row, lesion cells joined
    as in :func:`table1`. Comparing it with ``table1(view="printed")`` checks the rebuild cell by cell."""
    weeks = _weeks(weeks)
    les = lesions(tables)
    meas = tables["measurements"].assign(week=lambda d: d["week"].astype(int)).set_index(["lesion_id", "week"])
    reg = tables["regimens"].set_index("patient_id")
    comp = tables.get("complications")
    rows = []
    for p in patients(tables).itertuples():
        pl = les[les["patient_id"] == p.patient_id]
        sites = list(pl["site_printed"])
        row = {
            COL_DIAGNOSIS: p.diagnosis_printed + "/" + str(int(p.age_years)),
            COL_SITE: sites[0] if len(set(sites)) == 1 else CELL_SEPARATOR.join(sites),
            COL_SIZE: CELL_SEPARATOR.join(str(meas.loc[(lid, 0), "cell_printed"]) for lid in pl["lesion_id"]),
            COL_TREATMENT: reg.loc[p.patient_id, "treatment_printed"] if p.patient_id in reg.index else "",
            COL_DOSE: reg.loc[p.patient_id, "dose_printed"] if p.patient_id in reg.index else "",
            COL_COMPLICATIONS: (CELL_SEPARATOR.join(comp.loc[comp["patient_id"] == p.patient_id, "complication_printed"])
                                if comp is not None else "") or NOT_RECORDED_CELL,
        }
        for w in weeks:
            row[week_column(w)] = join_cells([
                str(meas.loc[(lid, w), "cell_printed"]) if (lid, w) in meas.index else NOT_RECORDED_CELL
                for lid in pl["lesion_id"]
            ])
        rows.append(row)
    return pd.DataFrame(rows, columns=printed_columns(weeks))


def compare_table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Every printed cell of the rebuilt Table 1 beside the transcribed one: row, column, rebuilt, transcribed, same."""
    rebuilt = table1(tables, weeks, view="printed")[printed_columns(weeks)]
    transcribed = transcribed_table1(tables, weeks)
    rows = [
        {"row": i + 1, "column": col, "rebuilt": rebuilt.iloc[i][col], "transcribed": transcribed.iloc[i][col],
         "same": rebuilt.iloc[i][col] == transcribed.iloc[i][col]}
        for i in range(len(rebuilt)) for col in rebuilt.columns
    ]
    return pd.DataFrame(rows, columns=["row", "column", "rebuilt", "transcribed", "same"])


def printed_columns(weeks: Iterable[int] | None = None) -> list[str]:
    """The columns of Table 1 that the report prints, in printed order."""
    return [*PRINTED_COLUMNS, *(week_column(w) for w in _weeks(weeks))]


def diagnoses_present(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Corrected diagnosis codes in the order of first appearance in Table 1."""
    return list(dict.fromkeys(patients(tables)["diagnosis"]))


def table1_footnote(tables: dict[str, pd.DataFrame]) -> str:
    """The footnote on abbreviations, from the diagnoses present ('SSc: systemic sclerosis; NSF: ...')."""
    parts = [f"{code}: {ABBREVIATIONS[code]}" for code in diagnoses_present(tables) if code in ABBREVIATIONS]
    return "; ".join(parts) + "." if parts else ""


def table1_caption(tables: dict[str, pd.DataFrame], view: str = "printed") -> str:
    n = len(patients(tables))
    what = "as printed" if view == "printed" else "with the diagnosis corrected and reductions recomputed from the sizes"
    return f"Table 1. Descriptive data for the {n} cases treated with sodium thiosulphate, rebuilt from data ({what})."


def table1_notes(tables: dict[str, pd.DataFrame], view: str = "printed") -> list[str]:
    """The footnote on abbreviations followed by this rebuild's notes on its added columns and layout."""
    notes = [table1_footnote(tables)] if table1_footnote(tables) else []
    notes.append(
        "Reduction from sizes: 100 x (baseline - size) / baseline from the printed sizes, one decimal; "
        "'(printed N)' marks a printed reduction that is not this value rounded. "
        "A row with several lesions lists their cells in lesion order, separated by '; '."
    )
    if view == "printed":
        typos = [
            f"'{p}' is printed for {d}" for p, d in patients(tables)[["diagnosis_printed", "diagnosis"]].drop_duplicates().itertuples(index=False)
            if p != d
        ]
        if typos:
            notes.append("Diagnosis as printed: " + "; ".join(typos) + ".")
    return notes


def write_table1(tables: dict[str, pd.DataFrame], outdir: str | Path = "tables", weeks: Iterable[int] | None = None,
                 view: str = "printed", stem: str | None = None) -> list[Path]:
    """Write Table 1 as CSV (cells only), Markdown and LaTeX/booktabs (with caption and footnotes)."""
    stem = stem or ("sts-series-table1" if view == "printed" else "sts-series-table1-corrected")
    df = table1(tables, weeks, view=view)
    caption, notes = table1_caption(tables, view), table1_notes(tables, view)
    return write_table(df, stem, outdir, caption=caption, notes=notes)


# ---------------------------------------------------------------------------------------------- doses, injections


def injections_per_lesion(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Injections each lesion received: one per treatment visit of its patient's regimen (weeks)."""
    les = lesions(tables)
    weeks = tables["regimens"].set_index("patient_id")["weeks"].astype(int)
    return pd.Series(les["patient_id"].map(weeks).to_numpy(), index=pd.Index(les["lesion_id"], name="lesion_id"),
                     name="injections").astype("Int64")


def injections_total(tables: dict[str, pd.DataFrame], per: str = "lesion") -> int:
    """Total injections. ``per="lesion"``: each lesion injected at each visit; ``per="visit"``: one per visit."""
    if per == "lesion":
        return int(injections_per_lesion(tables).sum())
    if per == "visit":
        return int(tables["regimens"]["weeks"].astype(int).sum())
    raise CasebookError(f"per must be 'lesion' or 'visit', not {per!r}")


def injections(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per patient: regimen, lesions, treatment visits and injections under both readings."""
    reg = tables["regimens"].set_index("patient_id")
    n_les = lesions_per_patient(tables)
    rows = []
    for pid in patients(tables)["patient_id"]:
        r = reg.loc[pid]
        rows.append({"patient_id": pid, "regimen": r["regimen"], "lesions": int(n_les[pid]),
                     "visits": int(r["weeks"]), "injections_per_visit_reading": int(r["weeks"]),
                     "injections_per_lesion_reading": int(r["weeks"]) * int(n_les[pid])})
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
            "patient_id": pid, "regimen": r["regimen"], "visits": int(r["weeks"]),
            "dose_mean_mg": float(r["dose_mean_mg"]), "dose_min_mg": float(r["dose_min_mg"]),
            "dose_max_mg": float(r["dose_max_mg"]), "concentration_mg_per_ml": conc,
            "volume_mean_ml": float(r["dose_mean_mg"]) / conc, "volume_min_ml": float(r["dose_min_mg"]) / conc,
            "volume_max_ml": float(r["dose_max_mg"]) / conc, "dose_shared": bool(n_les[pid] > 1),
        })
    return pd.DataFrame(rows)


def doses_per_lesion(tables: dict[str, pd.DataFrame], concentration_mg_per_ml: float | None = None) -> pd.DataFrame:
    """Per lesion: its patient's printed dose per treatment (mean, range), volume, injections, and dose_shared."""
    vol = injected_volumes(tables, concentration_mg_per_ml).drop(columns=["visits"])
    les = lesions(tables)[["lesion_id", "patient_id", "site_printed"]]
    out = les.merge(vol, on="patient_id", how="left")
    out["injections"] = out["lesion_id"].map(injections_per_lesion(tables)).astype("Int64")
    return out


def dose_range(tables: dict[str, pd.DataFrame]) -> tuple[float, float]:
    """Smallest and largest dose given at one treatment across the series (mg)."""
    reg = tables["regimens"]
    return float(reg["dose_min_mg"].min()), float(reg["dose_max_mg"].max())


# ---------------------------------------------------------------------------------------------- summaries


def lesion_summary(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per lesion: patient, site, baseline size, size/status and both reductions at each week, injections."""
    weeks = _weeks(weeks)
    les = lesions(tables)
    meas = lesion_measurements(tables, weeks).set_index(["lesion_id", "week"])
    inj = injections_per_lesion(tables)
    rows = []
    for r in les.itertuples():
        row = {"lesion_id": r.lesion_id, "patient_id": r.patient_id, "site": r.site_printed, "site_class": r.site_class,
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
    weeks = _weeks(weeks)
    les = lesions(tables)
    meas = lesion_measurements(tables, weeks)
    reg = tables["regimens"].set_index("patient_id")
    rows = []
    for p in patients(tables).itertuples():
        pl = les[les["patient_id"] == p.patient_id]
        pm = meas[meas["patient_id"] == p.patient_id]
        measured_weeks = pm.loc[pm["status"] == MEASURED, "week"]
        row = {"patient_id": p.patient_id, "table_row": int(p.table_row), "diagnosis": p.diagnosis,
               "diagnosis_printed": p.diagnosis_printed, "age_years": int(p.age_years), "sex": p.sex,
               "lesions": len(pl), "sites": CELL_SEPARATOR.join(pl["site_printed"]),
               "regimen": reg.loc[p.patient_id, "regimen"], "visits": int(reg.loc[p.patient_id, "weeks"]),
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
        "sites": les["site_printed"].value_counts(sort=False).to_dict(),
        "site_classes": les["site_class"].value_counts(sort=False).to_dict(),
        "regions": les["region"].value_counts(sort=False).to_dict(),
        "regimens": reg["regimen"].value_counts(sort=False).to_dict(),
        "weekly_weeks": sorted(int(w) for w in reg.loc[reg["regimen"] == "weekly", "weeks"]),
    }


# ---------------------------------------------------------------------------------------------- outcomes


def patient_reductions(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Per patient and follow-up week: status, lesions measured/lost, mean printed and recomputed reduction
    over the measured lesions, and complete remission (all lesions measured with size 0)."""
    weeks = _weeks(weeks)
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
    weeks = _weeks(weeks)
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
        return "" if pd.isna(x) else f"{x:.1f}"

    return pd.DataFrame({
        "Week": o["week"], "Unit": o["unit"], "Total": o["total"], "Measured": o["measured"],
        "Partly measured": o["partly_measured"], "Lost to follow-up": o["lost"], "Not recorded": o["not_recorded"],
        "Mean reduction from sizes, %": o["mean_reduction_recomputed_pct"].map(pct),
        "Median reduction from sizes, %": o["median_reduction_recomputed_pct"].map(pct),
        "Mean printed reduction, %": o["mean_reduction_printed_pct"].map(pct),
        "Median printed reduction, %": o["median_reduction_printed_pct"].map(pct),
        "Complete remission, n of measured": [f"{c} of {n}" for c, n in zip(o["complete_remissions"], o["measured"])],
    })


def rounded(df: pd.DataFrame, decimals: int = 3) -> pd.DataFrame:
    """Float columns rounded (for written tables: the same text on every platform), as objects so that a
    missing value is written as an empty cell."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(decimals).astype(object)
    return out


def write_derived_tables(tables: dict[str, pd.DataFrame], outdir: str | Path = "tables",
                         weeks: Iterable[int] | None = None,
                         concentration_mg_per_ml: float | None = None) -> list[Path]:
    """Write the derived tables: reductions, outcomes, doses/volumes, injections, per-lesion and per-patient summaries."""
    written = []
    for stem, df, caption in (
        ("sts-series-reductions", rounded(reductions(tables, weeks)), "Printed and recomputed reductions per lesion and week"),
        ("sts-series-outcomes", outcomes_table(tables, weeks), "Outcomes at each follow-up week, per lesion and per patient"),
        ("sts-series-doses", rounded(injected_volumes(tables, concentration_mg_per_ml)), "Dose per treatment and injected volume per patient"),
        ("sts-series-injections", injections(tables), "Treatment visits and injections per patient under both readings"),
        ("sts-series-lesions", rounded(lesion_summary(tables, weeks)), "Per-lesion summary"),
        ("sts-series-patients", patient_summary(tables, weeks), "Per-patient summary"),
    ):
        written += write_table(df, stem, outdir, caption=caption)
    return written

