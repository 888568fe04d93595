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

# The report's public analysis in one namespace, for the notebook; each part lives in its own module, and a private
# helper stays in its module (a module that needs it imports it from there).
from casebook.reports.sts_series.cells import (  # noqa: F401
    CELL_SEPARATOR,
    COL_COMPLICATIONS,
    COL_DIAGNOSIS,
    COL_DOSE,
    COL_SITE,
    COL_SIZE,
    COL_TREATMENT,
    DEFAULT_WEEKS,
    DIFFERS_FLAG,
    LOST,
    LOST_CELL,
    MEASURED,
    NOT_RECORDED,
    NOT_RECORDED_CELL,
    PARTLY,
    PRINTED_COLUMNS,
    ROUNDING_TOLERANCE_PCT,
    complication_cell,
    dose_cell,
    fmt_number,
    join_cells,
    recomputed_column,
    round_half_up,
    treatment_cell,
    week_cell,
    week_column,
)
from casebook.reports.sts_series.doses import (  # noqa: F401
    dose_range,
    doses_per_lesion,
    injected_volumes,
    injections,
    injections_per_lesion,
    injections_total,
)
from casebook.reports.sts_series.measures import (  # noqa: F401
    checked_weeks,
    follow_up_weeks,
    lesion_labels,
    lesion_measurements,
    lesions,
    lesions_per_patient,
    patients,
    reduction_pct,
    reductions,
    rounded,
)
from casebook.reports.sts_series.outcomes import (  # noqa: F401
    complete_remissions,
    lesion_summary,
    mean_reduction,
    median_reduction,
    outcomes,
    outcomes_table,
    patient_reductions,
    patient_status,
    patient_summary,
    series_overview,
)
from casebook.reports.sts_series.table1 import (  # noqa: F401
    check_table1,
    compare_table1,
    diagnoses_present,
    printed_columns,
    table1,
    table1_caption,
    table1_footnote,
    table1_notes,
    transcribed_table1,
)
