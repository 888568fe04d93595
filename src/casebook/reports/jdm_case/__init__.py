"""Report 1: a boy with juvenile dermatomyositis and calcinosis, treated with topical sodium thiosulfate.

Modules: ``analysis`` (tables of findings, laboratory values, scores, treatments, criteria, timeline),
``figures``, ``summary`` (the case description generated from data), ``rules`` (cross-table checks),
``care`` (CARE items judged from the data).
"""

from casebook.registry import Report

REPORT = Report(
    id="jdm-case",
    package=__name__,
    title="a boy with juvenile dermatomyositis and calcinosis, treated with topical sodium thiosulfate",
    tables=("case", "findings", "investigations", "muscle_scores", "treatments", "outcomes"),
    notebook="notebooks/01-jdm-case-topical-thiosulfate.ipynb",
    summary="report 1 rebuilt from data/jdm-case/: the case, its investigations, treatments, outcomes and figures",
)
