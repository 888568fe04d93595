"""Report 1 (juvenile dermatomyositis with calcinosis, topical sodium thiosulfate): analysis.

Pure functions over the dict of validated tables returned by
``casebook.data.load.load_dataset("jdm-case", data_dir)``. Nothing here reads or
writes files; :mod:`.published` says what the notebook publishes.

Every output row names the data row(s) it comes from (column ``Data row``), so a
reader can check each value against ``data/jdm-case/*.csv``.
"""

# The report's analysis in one namespace, for the notebook and the tests; each part lives in its own module.
from casebook.reports.jdm_case.criteria import (  # noqa: F401
    CRITERIA,
    MET,
    MUSCLE_ENZYMES,
    NOT_DOCUMENTED,
    NOT_MET,
    RASH_CRITERION,
    TYPICAL_RASH,
    Criterion,
    _biopsy,
    _emg,
    _enzymes,
    _investigation_criterion,
    _rash,
    _weakness,
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
    _present,
    _rows,
    _with_decimals,
    findings_table,
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
    _agent_name,
    _initial_sequence,
    _investigation_detail,
    _lab_phrase,
    _treatment_label,
    known_intervals,
    timeline_events,
    timeline_table,
    timing_text,
)
