"""Report 2: six patients with skin calcifications treated with intra-lesional sodium thiosulphate.

Modules: ``analysis`` (Table 1, reductions, doses, injections, outcomes), ``figures``, ``summary`` (methods
and results generated from data), ``synthetic`` (case series in the same schema), ``rules``, ``care``.
"""

from casebook.registry import Report

REPORT = Report(
    id="sts-series",
    package=__name__,
    title="six patients with skin calcifications treated with intra-lesional sodium thiosulphate",
    tables=("study", "patients", "lesions", "measurements", "regimens", "complications"),
    notebook="notebooks/02-sts-series-intralesional-thiosulfate.ipynb",
    kind_table="study",
    may_be_empty=("complications",),
    summary="report 2 rebuilt from data/sts-series/: the six patients, Table 1 and the lesion-size trajectories",
)
