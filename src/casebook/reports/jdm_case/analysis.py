"""Report 1 (juvenile dermatomyositis with calcinosis, topical sodium thiosulfate): analysis.

Pure functions over the dict of validated tables returned by
``casebook.data.load.load_dataset("jdm-case", data_dir)``. Nothing here reads or
writes files; :mod:`.published` says what the notebook publishes.

Every output row names the data row(s) it comes from (column ``Data row``), so a
reader can check each value against ``data/jdm-case/*.csv``.
"""

# The report's public analysis in one namespace, for the notebook; each part lives in its own module, and a private
# helper stays in its module (a module that needs it imports it from there).
from casebook.reports.jdm_case.criteria import (  # noqa: F401
    CRITERIA,
    MET,
    MUSCLE_ENZYMES,
    NOT_DOCUMENTED,
    NOT_MET,
    RASH_CRITERION,
    TYPICAL_RASH,
    Criterion,
    criteria_category,
    criteria_table,
    evaluate_criteria,
)
from casebook.reports.jdm_case.tables import (  # noqa: F401
    CAPTIONS,
    DATA_ROW,
    DATASET,
    DOMAIN_ORDER,
    ID_COLUMNS,
    LAB_DECIMALS,
    findings_table,
    is_present,
    known,
    lab_table,
    muscle_score_table,
    percent_of_max,
    present,
    the_case,
    treatment_table,
    uln_multiple,
)
from casebook.reports.jdm_case.timeline import (  # noqa: F401
    KINDS,
    Event,
    initial_sequence,
    known_intervals,
    timeline_events,
    timeline_table,
    timing_text,
)
