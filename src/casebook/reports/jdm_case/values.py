"""Report 1's named values for its article (``article.md``), each computed from the data, and the figures and
tables the article places. See :mod:`casebook.manuscript.values`."""

from __future__ import annotations

from casebook.manuscript import blocks as mb
from casebook.manuscript.values import Value, value
from casebook.reports.jdm_case import analysis as case
from casebook.reports.jdm_case import figures as case_figures
from casebook.reports.jdm_case import published


def _row(tables, table: str, row_id: str):
    df = tables[table]
    return df[df[case.ID_COLUMNS[table]] == row_id].iloc[0]


def presentation(tables) -> list[Value]:
    c = case.the_case(tables)
    months = int(c["age_at_presentation_months"])
    first = _row(tables, "investigations", "I01")
    src = case.the_case
    n_findings = int((tables["findings"]["timepoint"] == "presentation").sum())
    return [
        value("age_years", months // 12, src, "years", "jdm-methods-age"),
        value("age_months_rest", months % 12, src, "months"),
        value("age_months", months, src, "months"),
        value("n_findings_presentation", n_findings, case.findings_table, "findings"),
        value("aldolase_first", case.present(case.lab_table(tables)).iloc[0]["Value"], case.lab_table, "U/L",
              "jdm-methods-aldolase-1"),
        value("aldolase_limit", first["upper_limit"], case.lab_table, "U/L", "jdm-methods-aldolase-limit", decimals=None),
        value("aldolase_first_uln", case.uln_multiple(first["value"], first["upper_limit"]), case.uln_multiple, "x ULN",
              decimals=2),
    ]


def course(tables) -> list[Value]:
    second = _row(tables, "investigations", "I08")
    cmas, mmt = _row(tables, "muscle_scores", "M1"), _row(tables, "muscle_scores", "M2")
    alendronate = _row(tables, "treatments", "T5")
    start, final = _row(tables, "treatments", "T6"), _row(tables, "treatments", "T7")
    outcome = _row(tables, "outcomes", "O1")
    lab = case.present(case.lab_table(tables))
    crit = case.evaluate_criteria(tables)
    return [
        value("aldolase_second", lab.iloc[-1]["Value"], case.lab_table, "U/L", "jdm-methods-aldolase-2"),
        value("aldolase_second_uln", case.uln_multiple(second["value"], second["upper_limit"]), case.uln_multiple,
              "x ULN", decimals=2),
        value("cmas_points", cmas["points"], case.muscle_score_table, "points", "jdm-methods-cmas"),
        value("cmas_max", cmas["maximum"], case.muscle_score_table, "points"),
        value("cmas_pct", case.percent_of_max(cmas["points"], cmas["maximum"]), case.percent_of_max, "%"),
        value("mmt8_points", mmt["points"], case.muscle_score_table, "points", "jdm-methods-mmt8"),
        value("mmt8_max", mmt["maximum"], case.muscle_score_table, "points"),
        value("mmt8_pct", case.percent_of_max(mmt["points"], mmt["maximum"]), case.percent_of_max, "%"),
        value("alendronate_years", alendronate["timing_months_from_onset"] / 12, case.treatment_table, "years",
              "jdm-methods-alendronate"),
        value("alendronate_months", alendronate["timing_months_from_onset"], case.treatment_table, "months"),
        value("n_treatment_steps", int(tables["treatments"]["sequence"].nunique()), case.treatment_table, "steps"),
        value("sts_reason", start["reason"], case.treatment_table),
        value("sts_start_pct", start["concentration_pct"], case.treatment_table, "%", "jdm-methods-sts-3pct"),
        value("sts_final_pct", final["concentration_pct"], case.treatment_table, "%", "jdm-methods-sts-10pct"),
        value("months_to_assessment", outcome["months_on_treatment"], "casebook.reports.jdm_case.values.course",
              "months", "jdm-results-duration"),
        value("criteria_met", sum(c.status == case.MET for c in crit), case.evaluate_criteria, "criteria"),
        value("criteria_total", len(crit), case.evaluate_criteria, "criteria"),
        value("criteria_category", case.criteria_category(crit), case.criteria_category),
        value("criteria_category_if_symmetric", case.criteria_category(crit, count_caveated=True), case.criteria_category),
    ]


def values(tables) -> list[Value]:
    return [*presentation(tables), *course(tables)]


def blocks(tables, figures_dir: str = "figures", corrected: bool = False) -> list:
    """The laboratory, muscle-score and treatment tables, and the three figures of the case."""
    lab = published.table("laboratory", tables)
    scores = published.table("muscle-scores", tables)
    treatments = published.table("treatments", tables)
    return [
        mb.table("laboratory", lab.df, lab.caption, ["Analyte", "Result", "Value", "Unit", "Upper reference limit",
                                                       "Multiple of ULN", "When measured"]),
        mb.table("muscle-scores", scores.df, scores.caption, ["Instrument", "Full name", "Points", "Maximum",
                                                              "Percent of maximum"]),
        mb.table("treatments", treatments.df, treatments.caption, ["Step", "Agent", "Route", "Concentration (%)",
                                                                   "Timing", "Reason", "Response"]),
        *(mb.figure(key, case_figures.STEMS[key], case_figures.CAPTIONS[key], figures_dir)
          for key in ("timeline", "aldolase", "muscle-scores")),
    ]
