"""Table 1 rebuilt cell by cell from the typed data, in its printed and corrected views, and its comparison
with the cells as transcribed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.reports.sts_series.cells import (
    CELL_SEPARATOR,
    COL_COMPLICATIONS,
    COL_DIAGNOSIS,
    COL_DOSE,
    COL_SITE,
    COL_SIZE,
    COL_TREATMENT,
    DIFFERS_FLAG,
    NOT_RECORDED_CELL,
    PRINTED_COLUMNS,
    complication_cell,
    dose_cell,
    fmt_number,
    join_cells,
    recomputed_cell,
    recomputed_column,
    round_half_up,
    treatment_cell,
    week_cell,
    week_column,
)
from casebook.reports.sts_series.measures import checked_weeks, lesion_measurements, lesions, lesions_per_patient, patients
from casebook.reports.sts_series.terms import diagnosis_code, is_abbreviation, label
from casebook.reports.sts_series.terms import transcribed as is_transcribed

VIEWS = ("printed", "corrected", "data")

# ---------------------------------------------------------------------------------------------- Table 1


def _complications_by_patient(tables) -> dict[str, str]:
    comp = tables.get("complications")
    out: dict[str, str] = {}
    if comp is None or comp.empty:
        return out
    for pid, rows in comp.groupby("patient_id", sort=False):
        out[pid] = CELL_SEPARATOR.join(complication_cell(c, w, tables) for c, w in zip(rows["complication"], rows["week"], strict=False))
    return out


def diagnosis_cell(tables, patient) -> str:
    """The diagnosis in Table 1 built from data: its code (subtype where recorded) if an abbreviation, else its words."""
    code = diagnosis_code(patient)
    column = "diagnosis_subtype" if code != patient["diagnosis"] else "diagnosis"
    return code if is_abbreviation(code) else label(tables, "patients", column, code)


def default_view(tables) -> str:
    """The first view of Table 1: as printed for a transcription, from the data for primary data."""
    return "printed" if is_transcribed(tables) else "data"


def table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None, view: str | None = None,
           layout: str = "row", with_flag: bool = False) -> pd.DataFrame:
    """Table 1 rebuilt from the data.

    ``view="data"`` (the only view of primary data, and the default there) builds every cell from the typed
    values in the dataset's own terms: the diagnosis (or its subtype) as coded, the schedule of sessions, the
    reductions from the sizes rounded to a whole percent; it has no column of recomputed reductions beside
    the week cells, since there is nothing printed to set them against.

    ``view="printed"`` reproduces the printed cells (diagnosis as printed, e.g. the typo 'NSE'; the printed
    reductions); ``view="corrected"`` uses the corrected diagnosis ('NSF') and keeps the printed reductions: a
    printed reduction its sizes do not give is a query (the size or the percentage may be the misprint), never a
    correction, so it is flagged beside the cell, not replaced. Every cell except the diagnosis as
    printed is *built* from typed columns (sizes, regimen, weeks, doses, complication kinds), so comparing it
    with the transcription's ``*_printed`` columns tests both.

    ``layout="row"`` gives one row per printed row (patient): a patient's lesions share the row and their
    cells are joined with '; ' in lesion order ('75; 85'); one 'Lost to follow-up' stands for a row whose
    lesions were all lost. ``layout="lesion"`` gives one row per lesion with the patient's cells repeated.

    Beside each week's printed cells a column gives the reductions recomputed from the sizes (one decimal);
    where a printed reduction is not the sizes' reduction rounded, it reads e.g. '87.5 (printed 80)'.
    ``with_flag`` adds a boolean column (``DIFFERS_FLAG``) marking rows with such a difference.
    """
    view = _checked_view(tables, view, layout)
    weeks = checked_weeks(weeks)
    pat = patients(tables).set_index("patient_id")
    les = lesions(tables)
    n_les = lesions_per_patient(tables)
    reg = tables["regimens"].set_index("patient_id")
    comp = _complications_by_patient(tables)
    meas = lesion_measurements(tables, weeks).set_index(["lesion_id", "week"])
    rows = []
    for pid, p in pat.iterrows():
        shared = _patient_cells(tables, view, p, reg, n_les, comp)
        plesions = les[les["patient_id"] == pid]
        per_lesion = [(lid, site, _lesion_cells(meas, weeks, view, lid))
                      for lid, site in zip(plesions["lesion_id"], plesions["site"], strict=False)]
        if layout == "lesion":
            rows += [{"_lesion": lid, **shared, COL_SITE: site, **cells} for lid, site, cells in per_lesion]
        else:
            rows.append(_patient_row(shared, per_lesion))
    return _table1_frame(rows, weeks, view, layout, with_flag)


def _checked_view(tables, view: str | None, layout: str) -> str:
    """The view asked for (or the dataset's default) once it and the layout are known to make sense."""
    view = view or default_view(tables)
    if view not in VIEWS:
        raise CasebookError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    if view != "data" and not is_transcribed(tables):
        raise CasebookError(f"primary data have no '{view}' view of Table 1 (nothing was printed): use view='data'")
    if layout not in ("row", "lesion"):
        raise CasebookError(f"layout must be 'row' or 'lesion', not {layout!r}")
    return view


def _lesion_cells(meas: pd.DataFrame, weeks: tuple[int, ...], view: str, lid: str) -> dict[str, object]:
    """One lesion's cells: baseline size, each week's printed and recomputed cells, whether any reduction differs."""
    cells: dict[str, object] = {COL_SIZE: fmt_number(meas.loc[(lid, 0), "size_mm"]), "_differs": False}
    for w in weeks:
        m = meas.loc[(lid, w)]
        shown = m["reduction_printed_pct"] if view != "data" else round_half_up(m["reduction_recomputed_pct"])
        cells[week_column(w)] = week_cell(m["status"], m["size_mm"], shown)
        if m["reduction_differs"]:
            cells["_differs"] = True
        cells[recomputed_column(w)] = recomputed_cell(m)
    return cells


def _patient_cells(tables, view: str, p: pd.Series, reg: pd.DataFrame, n_les: pd.Series, comp: dict[str, str]) -> dict:
    """The cells a patient's lesions share: diagnosis/age, treatment, dose, complications (site left to the lesions)."""
    pid = p.name  # the patient_id: patients come indexed by it
    diagnosis = p["diagnosis_printed"] if view == "printed" else (p["diagnosis"] if view == "corrected" else diagnosis_cell(tables, p))
    shared = {
        COL_DIAGNOSIS: f"{diagnosis}/{int(p['age_years'])}",
        COL_SITE: None,
        COL_TREATMENT: "",
        COL_DOSE: "",
        COL_COMPLICATIONS: comp.get(pid, NOT_RECORDED_CELL),
    }
    if pid in reg.index:
        r = reg.loc[pid]
        shared[COL_TREATMENT] = treatment_cell(r, int(n_les[pid]), "transcribed" if view != "data" else "primary")
        shared[COL_DOSE] = dose_cell(r["dose_mean_mg"], r["dose_min_mg"], r["dose_max_mg"], r["sessions"])
    return shared


def _patient_row(shared: dict[str, object], per_lesion: list[tuple[str, str, dict]]) -> dict[str, object]:
    """One printed row: the patient's lesions' cells joined in lesion order (one site if they share it)."""
    sites = [site for _, site, _ in per_lesion]
    row = {**shared, COL_SITE: sites[0] if len(set(sites)) == 1 else CELL_SEPARATOR.join(sites)}
    for key in per_lesion[0][2]:
        if key == "_differs":
            row[key] = any(c[key] for _, _, c in per_lesion)
        elif key == COL_SIZE:
            row[key] = CELL_SEPARATOR.join(c[key] for _, _, c in per_lesion)
        else:
            row[key] = join_cells([c[key] for _, _, c in per_lesion])
    return row


def _table1_frame(rows: list[dict], weeks: tuple[int, ...], view: str, layout: str, with_flag: bool) -> pd.DataFrame:
    """The rows in the printed column order, the recomputed column after each week's unless from the data."""
    columns = list(PRINTED_COLUMNS)
    for w in weeks:
        columns += [week_column(w)] if view == "data" else [week_column(w), recomputed_column(w)]
    out = pd.DataFrame(rows)
    if layout == "lesion":
        columns = ["_lesion", *columns]
    if with_flag:
        out[DIFFERS_FLAG] = out["_differs"].astype(bool)
        columns.append(DIFFERS_FLAG)
    return out[columns].rename(columns={"_lesion": "Lesion"})


def transcribed_table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """Table 1 as transcribed: the ``*_printed`` cells of the data, one row per printed row, lesion cells joined
    as in :func:`table1`. Comparing it with ``table1(view="printed")`` checks the rebuild cell by cell."""
    weeks = checked_weeks(weeks)
    les = lesions(tables)
    meas = tables["measurements"].assign(week=lambda d: d["week"].astype(int)).set_index(["lesion_id", "week"])
    reg = tables["regimens"].set_index("patient_id")
    comp = tables.get("complications")
    rows = []
    for p in patients(tables).itertuples():
        pl = les[les["patient_id"] == p.patient_id]
        sites = list(pl["site"])
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
    """Every printed cell of the rebuilt Table 1 beside the transcribed one: row, column, rebuilt, transcribed, same.
    Primary data have nothing printed: the comparison is empty."""
    if not is_transcribed(tables):
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "column": pd.Series(dtype=object),
                             "rebuilt": pd.Series(dtype=object), "transcribed": pd.Series(dtype=object),
                             "same": pd.Series(dtype=bool)})
    rebuilt = table1(tables, weeks, view="printed")[printed_columns(weeks)]
    transcribed = transcribed_table1(tables, weeks)
    rows = [
        {"row": i + 1, "column": col, "rebuilt": rebuilt.iloc[i][col], "transcribed": transcribed.iloc[i][col],
         "same": rebuilt.iloc[i][col] == transcribed.iloc[i][col]}
        for i in range(len(rebuilt)) for col in rebuilt.columns
    ]
    return pd.DataFrame(rows, columns=["row", "column", "rebuilt", "transcribed", "same"])


@dataclass(frozen=True)
class Table1Check:
    message: str  # what the comparison found, in a line
    differing: pd.DataFrame  # the cells that differ: row, column, rebuilt, transcribed


def check_table1(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None) -> Table1Check:
    """The rebuilt Table 1 against the transcription, summed up: how many printed cells match, and those that do not."""
    comparison = compare_table1(tables, weeks)
    differing = comparison[~comparison["same"].astype(bool)].drop(columns="same")
    if not is_transcribed(tables):
        return Table1Check("primary data: no printed table to compare with", differing)
    return Table1Check(f"{int(comparison['same'].sum())} of {len(comparison)} printed cells match the transcription", differing)


def printed_columns(weeks: Iterable[int] | None = None) -> list[str]:
    """The columns of Table 1 that the report prints, in printed order."""
    return [*PRINTED_COLUMNS, *(week_column(w) for w in checked_weeks(weeks))]


def diagnoses_present(tables: dict[str, pd.DataFrame], view: str = "corrected") -> list[str]:
    """Diagnosis codes (with ``view="data"``, subtypes where recorded) in order of first appearance in Table 1."""
    pat = patients(tables)
    codes = [diagnosis_code(p) for _, p in pat.iterrows()] if view == "data" else list(pat["diagnosis"])
    return list(dict.fromkeys(codes))


def table1_footnote(tables: dict[str, pd.DataFrame], view: str = "corrected") -> str:
    """The footnote on abbreviations, from the diagnoses present ('SSc: systemic sclerosis; NSF: ...'); a code
    whose words are the code itself needs no footnote."""
    parts = []
    for code in diagnoses_present(tables, view):
        column = "diagnosis" if code in set(patients(tables)["diagnosis"]) else "diagnosis_subtype"
        words = label(tables, "patients", column, code)
        if words != code and is_abbreviation(code):
            parts.append(f"{code}: {words}")
    return "; ".join(parts) + "." if parts else ""


def table1_caption(tables: dict[str, pd.DataFrame], view: str | None = None, recomputed: bool = True) -> str:
    """``recomputed=False``: for a table without the columns of reductions from the sizes."""
    view = view or default_view(tables)
    n = len(patients(tables))
    beside = "reductions recomputed from the sizes" if recomputed else "the reductions as printed"
    what = {"printed": "rebuilt from data (as printed)", "corrected": f"rebuilt from data (with the diagnosis corrected and {beside})",
            "data": "built from the data (reductions from the sizes)"}[view]
    noun = "case" if n == 1 else f"{n} cases"
    return f"Table 1. Descriptive data for the {noun} treated with sodium thiosulphate, {what}."


def table1_notes(tables: dict[str, pd.DataFrame], view: str | None = None) -> list[str]:
    """The footnote on abbreviations followed by this rebuild's notes on its added columns and layout."""
    view = view or default_view(tables)
    footnote = table1_footnote(tables, view)
    notes = [footnote] if footnote else []
    several = "A row with several lesions lists their cells in lesion order, separated by '; '."
    if view == "data":
        notes.append("Week cells: size (mm)/reduction from baseline (%), 100 x (baseline - size) / baseline rounded to a "
                     "whole percent; a negative reduction is growth. " + several)
        return notes
    notes.append(
        "Reduction from sizes: 100 x (baseline - size) / baseline from the printed sizes, one decimal; "
        "'(printed N)' marks a printed reduction that is not this value rounded. " + several
    )
    if view == "printed":
        typos = [
            f"'{p}' is printed for {d}"
            for p, d in patients(tables)[["diagnosis_printed", "diagnosis"]].drop_duplicates().itertuples(index=False)
            if p != d
        ]
        if typos:
            notes.append("Diagnosis as printed: " + "; ".join(typos) + ".")
    return notes
