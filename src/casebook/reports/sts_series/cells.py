"""Report 2's Table 1 vocabulary: column headers, abbreviations, and how each kind of cell is written."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from casebook.reports.sts_series.terms import interval_text, label, schedule
from casebook.text import number, round_float

DEFAULT_WEEKS = (4, 12)
MEASURED, LOST, NOT_RECORDED, PARTLY = "measured", "lost_to_follow_up", "not_recorded", "partly_measured"
LOST_CELL = "Lost to follow-up"
NOT_RECORDED_CELL = "Not recorded"
CELL_SEPARATOR = "; "
# A printed reduction "agrees" with the sizes if it is the sizes' reduction rounded to a whole percent.
ROUNDING_TOLERANCE_PCT = 0.5 + 1e-9

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
    """A number as the report prints it: no trailing zeros (3, 12.5, 87.5); missing -> ''."""
    return number(x)


def round_half_up(x) -> float:
    """Round to a whole number, halves away from zero (37.5 -> 38), as printed tables do; NaN stays NaN."""
    return round_float(x)


def treatment_cell(regimen, n_lesions: int = 1, style: str = "transcribed") -> str:
    """The Treatment cell of a regimen row (sessions, interval, interval_unit) and the lesions it covers.

    ``style="transcribed"`` writes it as the report's table does ('Single injection', 'Repeated injection every
    week for 4 weeks'; other schedules 'Repeated injection every 2 weeks, 3 sessions'); ``style="primary"``
    writes the schedule plainly ('Single injection', '4 injections every week').
    """
    n = int(regimen["sessions"])
    if n == 1:
        text = "Single injection"
    elif style == "transcribed":
        every = interval_text(regimen["interval"], regimen["interval_unit"])
        weekly = int(regimen["interval"]) == 1 and regimen["interval_unit"] == "week"
        text = f"Repeated injection every week for {n} weeks" if weekly else f"Repeated injection {every}, {n} sessions"
    else:
        text = schedule(regimen).capitalize()
    if n_lesions == 2:
        text += " (both)"
    elif n_lesions > 2:
        text += f" (all {n_lesions})"
    return text


def dose_cell(mean: float, low: float, high: float, sessions: int) -> str:
    """The dose cell: the single dose, or 'mean (min-max)' for repeated sessions."""
    if int(sessions) == 1:
        return fmt_number(mean)
    return f"{fmt_number(mean)} ({fmt_number(low)}-{fmt_number(high)})"


def complication_cell(complication: str, week=None, tables=None) -> str:
    """One complication as Table 1 words it ('Infection followed injection in week 2'); its words are the
    label of the complication in the vocabulary."""
    text = label(tables or {}, "complications", "complication", complication)
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


def recomputed_cell(m: pd.Series) -> str:
    """The cell beside a week's printed one (``m``: a row of lesion_measurements): the reduction recomputed from the
    sizes, one decimal, with '(printed N)' where the printed one is not it rounded; a week with no size, its status."""
    rec = m["reduction_recomputed_pct"]
    text = "" if pd.isna(rec) else f"{rec:.1f}"
    if m["reduction_differs"]:
        text += f" (printed {fmt_number(m['reduction_printed_pct'])})"
    return text if m["status"] == MEASURED else week_cell(m["status"], None, None)


def join_cells(cells: Sequence[str]) -> str:
    """Cells of a row's lesions joined in lesion order; one status cell when every lesion has the same status."""
    cells = list(cells)
    if cells and len(set(cells)) == 1 and cells[0] in (LOST_CELL, NOT_RECORDED_CELL):
        return cells[0]
    return CELL_SEPARATOR.join(cells)
