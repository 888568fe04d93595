"""Report 2's named values for its article (``article.md``), each computed from the data by the analysis API, and
the figures and tables the article places. See :mod:`casebook.manuscript.values`."""

from __future__ import annotations

import re

from casebook.manuscript import blocks as mb
from casebook.manuscript.values import Value, value
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import figures as series_figures
from casebook.reports.sts_series import published
from casebook.reports.sts_series.summary import _study_value
from casebook.reports.sts_series.table1 import table1_caption
from casebook.reports.sts_series.terms import month as _month
from casebook.reports.sts_series.terms import regimen_name
from casebook.text import capitalise, count

WEEKS = (4, 12)


def cohort(tables) -> list[Value]:
    """Who was treated: patients, diagnoses, sex, age, antibodies, period."""
    ov = series.series_overview(tables)
    pat = series.patients(tables)
    ssc = pat[pat["diagnosis"] == "SSc"]
    src = series.series_overview
    return [
        value("n_patients", ov["patients"], src, "patients", "sts-intro-patients"),
        value("n_ssc", ov["diagnoses"].get("SSc", 0), src, "patients", "sts-methods-ssc-count"),
        value("n_nsf", ov["diagnoses"].get("NSF", 0), src, "patients", "sts-methods-nsf-count"),
        value("n_women", ov["sexes"].get("female", 0), src, "patients", "sts-results-female"),
        value("age_mean", ov["age_mean"], src, "years", "sts-methods-mean-age"),
        value("age_median", ov["age_median"], src, "years"),
        value("age_min", ov["age_min"], src, "years"),
        value("age_max", ov["age_max"], src, "years", "sts-methods-age-range"),
        value("n_ssc_acpos", int((ssc["anti_centromere"] == "positive").sum()), series.patients, "patients",
              "sts-methods-anti-centromere"),
        value("period_start", _month(_study_value(tables, "period_start") or ""), _study_value, claim="sts-methods-period"),
        value("period_end", _month(_study_value(tables, "period_end") or ""), _study_value),
    ]


def lesions(tables) -> list[Value]:
    les = series.lesions(tables)
    per = series.lesions_per_patient(tables)
    limbs = les["region"].str.contains("extremity")
    src = series.lesions
    return [
        value("n_lesions", len(les), src, "lesions", "sts-results-lesions"),
        value("n_limb_lesions", int(limbs.sum()), src, "lesions", "sts-results-extremities"),
        value("n_trunk_lesions", int((les["region"] == "trunk").sum()), src, "lesions"),
        value("n_extensor_or_fingertip", int(les["site_class"].isin(["extensor", "fingertip"]).sum()), src, "lesions",
              "sts-methods-sites"),
        value("n_multi_lesion_patients", int((per > 1).sum()), series.lesions_per_patient, "patients"),
        value("max_vas", float(_study_value(tables, "max_vas_pain")), _study_value, "VAS points", "sts-methods-vas"),
    ]


def treatment(tables) -> list[Value]:
    reg = tables["regimens"]
    names = reg.apply(regimen_name, axis=1)
    weekly = reg[names == "weekly"]
    lo, hi = series.dose_range(tables)
    return [
        value("concentration", float(_study_value(tables, "concentration")), _study_value, "mg/ml", "sts-intro-concentration"),
        value("single_max_size", float(_study_value(tables, "single_injection_max_size")), _study_value, "mm",
              "sts-methods-single-rule"),
        value("n_single", int((names == "single").sum()), series.series_overview, "patients"),
        *_single_lesions(tables, reg[names == "single"]),
        value("n_weekly", len(weekly), series.series_overview, "patients"),
        value("weeks_min", int(weekly["sessions"].min()), series.series_overview, "weeks"),
        value("weeks_max", int(weekly["sessions"].max()), series.series_overview, "weeks", "sts-results-period"),
        value("dose_min", lo, series.dose_range, "mg"),
        value("dose_max", hi, series.dose_range, "mg", "sts-results-dose-range"),
        value("injections_lesion", series.injections_total(tables, "lesion"), series.injections_total, "injections",
              "sts-results-injections"),
        value("injections_visit", series.injections_total(tables, "visit"), series.injections_total, "injections"),
        value("week_first", WEEKS[0], "casebook.reports.sts_series.values.WEEKS", "week", "sts-methods-weeks"),
        value("week_last", WEEKS[-1], "casebook.reports.sts_series.values.WEEKS", "week"),
    ]


def _single_lesions(tables, single) -> list[Value]:
    """The lesions that had one injection: the fingertip one(s) the rule names, and any other site."""
    les = series.lesions(tables)
    les = les[les["patient_id"].isin(single["patient_id"])]
    m = tables["measurements"]
    base = m[m["week"] == 0].set_index("lesion_id")["size_mm"]
    tip, other = les[les["site_class"] == "fingertip"], les[les["site_class"] != "fingertip"]
    src = "casebook.reports.sts_series.values.treatment"
    out = [value("single_fingertip_mm", base[tip["lesion_id"]].max() if len(tip) else "", src, "mm")]
    if len(other):
        first = other.iloc[0]
        out += [value("single_other_site", str(first["site"]).lower(), src),
                value("single_other_mm", base[first["lesion_id"]], src, "mm")]
    return out


def outcomes(tables) -> list[Value]:
    out = series.outcomes(tables, WEEKS).set_index(["week", "unit"])
    w4, w12 = out.loc[(WEEKS[0], "lesion")], out.loc[(WEEKS[-1], "lesion")]
    cr = series.complete_remissions(tables, WEEKS[-1], "patient")
    red = series.reductions(tables, WEEKS).set_index(["lesion_id", "week"])
    l4 = red.loc[("L4", WEEKS[-1])]
    src = series.outcomes
    return [
        value("w4_measured", int(w4["measured"]), src, "lesions"),
        value("w4_mean", w4["mean_reduction_recomputed_pct"], src, "%", "sts-results-reduction-w4"),
        value("w4_median", w4["median_reduction_recomputed_pct"], src, "%"),
        value("w4_complete", int(w4["complete_remissions"]), src, "lesions"),
        value("w12_measured", int(w12["measured"]), src, "lesions"),
        value("w12_lost", int(w12["lost"]), src, "lesions"),
        value("w12_mean", w12["mean_reduction_recomputed_pct"], src, "%", "sts-results-reduction-w12"),
        value("w12_patients", cr["measured"], series.complete_remissions, "patients"),
        value("w12_complete_patients", cr["complete"], series.complete_remissions, "patients"),
        value("w12_complete_pct", 100 * cr["complete"] / cr["measured"], series.complete_remissions, "%",
              "sts-results-complete-remission", decimals=0),
        value("w12_remaining_pct", 100 * (cr["measured"] - cr["complete"]) / cr["measured"], series.complete_remissions,
              "%", "sts-results-remaining-share", decimals=0),
        value("l4_baseline", l4["baseline_mm"], series.reductions, "mm"),
        value("l4_w12_size", l4["size_mm"], series.reductions, "mm"),
        value("l4_w12_reduction", l4["reduction_recomputed_pct"], series.reductions, "%", "sts-t1-r4-w12-pct"),
        value("l4_w12_printed", l4["reduction_printed_pct"], series.reductions, "%"),
    ]


def safety(tables) -> list[Value]:
    comp = tables["complications"]
    pat = series.patients(tables)
    died = pat[pat["vital_status"] == "died"]
    reg = tables["regimens"].set_index("patient_id")
    infection = comp[comp["complication"] == "infection"]
    return [
        value("n_transient_pain", int(comp.loc[comp["complication"] == "transient pain", "patient_id"].nunique()),
              series.patients, "patients", "sts-results-transient-pain"),
        value("n_infection", len(infection), series.patients, "infections", "sts-results-infection"),
        value("n_infection_text", len(infection), series.patients, "infections",
              text=capitalise(count(len(infection), "skin infection", words=True))),
        value("n_infection_word", len(infection), series.patients, "infections",
              text=count(len(infection), "infection", words=True)),
        value("infection_week", int(infection["week"].min()) if len(infection) else "", series.patients, "week",
              "sts-t1-r2-infection-week"),
        value("n_died", len(died), series.patients, "patients"),
        value("died_after_treatments", int(reg.loc[died["patient_id"], "sessions"].max()) if len(died) else 0,
              series.patients, "treatments", "sts-results-nsf-death"),
    ]


def values(tables) -> list[Value]:
    return [*cohort(tables), *lesions(tables), *treatment(tables), *outcomes(tables), *safety(tables)]


TABLE1_COLUMNS = ("Diagnosis/age, years", "Localization", "Size of calcinosis, mm", "Treatment",
                  "Sodium thiosulphate, mg Mean (range)", "Complications", "Size (mm)/reduction (%) week 4",
                  "Size (mm)/reduction (%) week 12")


def blocks(tables, figures_dir: str = "figures", corrected: bool = False) -> list:
    """Table 1 (as printed, or corrected in the corrected edition) and the three figures of the series."""
    view = "corrected" if corrected else "printed"
    spec = published.table1_table(tables, list(WEEKS), view)
    # the article's Table 1 leaves out the columns of reductions from the sizes (its text gives them)
    caption = re.sub(r"^Table \d+\.\s*", "", table1_caption(tables, view, recomputed=False))
    notes = [n for n in spec.notes if not n.startswith("Reduction from sizes")]
    figs = {"trajectories": series_figures.STEM_TRAJECTORIES, "reductions": series_figures.STEM_REDUCTIONS,
            "doses": series_figures.STEM_DOSES}
    return [mb.table("table1", spec.df, caption, TABLE1_COLUMNS, notes),
            *(mb.figure(key, stem, series_figures.CAPTIONS[stem], figures_dir) for key, stem in figs.items())]
