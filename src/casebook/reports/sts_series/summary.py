"""The case summary of a series: methods and results written from the data by a template.

:func:`summary_context` computes every number the prose uses (``None`` where the
data cannot support it); ``summary.md.j2`` (:data:`TEMPLATE`) is a Jinja2 template with one sentence
per line, each guarded so that a sentence whose numbers are missing is not
written; :func:`case_summary` renders it as Markdown. The wording is this
project's own, not the report's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import jinja2
import pandas as pd

from casebook import paths
from casebook.engine.io import write_text
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import phrases
from casebook.text import all_of, join, number, plural

SUMMARY_STEM = "sts-series-case-summary"

TEMPLATE = (Path(__file__).parent / "summary.md.j2").read_text(encoding="utf-8")  # one sentence per line


def _num(x, decimals: int = 1) -> str:
    """A number for prose: rounded half-up, whole numbers without decimals (casebook.text)."""
    return number(x, decimals)


def _study_value(tables, key: str) -> str | None:
    study = tables.get("study")
    if study is None or study.empty:
        return None
    rows = study.loc[study["key"] == key, "value"].dropna()
    return str(rows.iloc[0]) if len(rows) else None


def _anti_centromere(pat: pd.DataFrame) -> str | None:
    ssc = pat[pat["diagnosis"] == "SSc"]
    known = ssc[ssc["anti_centromere"].isin(["positive", "negative"])]
    if known.empty:
        return None
    pos = int((known["anti_centromere"] == "positive").sum())
    unknown = len(ssc) - len(known)
    if pos == len(ssc):
        # 'the patient', 'both patients', 'all 5 patients' (casebook.text.all_of)
        text = f"Anti-centromere antibodies were present in {all_of(len(ssc), 'patients')} with SSc."
    else:
        text = f"Anti-centromere antibodies were present in {pos} of the {len(known)} patients with SSc tested"
        text += f" (not reported for {unknown})." if unknown else "."
    return text


def _deaths(tables, weeks) -> str | None:
    pat = series.patients(tables)
    died = pat[pat["vital_status"] == "died"]
    if died.empty:
        return None
    m = series.lesion_measurements(tables, weeks)
    lost_weeks = sorted(set(m.loc[m["patient_id"].isin(died["patient_id"]) & (m["status"] == series.LOST), "week"]))
    n = len(died)
    text = f"During the series {n} {plural(n, 'patient')} died"
    if lost_weeks:
        n_les = m.loc[m["patient_id"].isin(died["patient_id"]), "lesion_id"].nunique()
        whose = phrases.owner(died)
        which = f"{whose} lesion" if n_les == 1 else f"{whose} {n_les} lesions"
        text += f", and {which} could not be measured at {plural(len(lost_weeks), 'week')} {join([str(w) for w in lost_weeks])}"
    return text + "."


def summary_context(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
                    concentration_mg_per_ml: float | None = None) -> dict:
    """Every number and phrase the summary uses, computed from the tables (None where not supported)."""
    weeks = series._weeks(weeks)
    pat = series.patients(tables)
    n_les = series.lesions_per_patient(tables)
    multi = n_les[n_les > 1]
    ctx = {
        **_patients_context(tables, pat, multi),
        **_treatment_context(tables, concentration_mg_per_ml),
        "shared_dose": _shared_dose(len(multi)),
        "weeks_text": "week " + join([str(w) for w in weeks]) if len(weeks) == 1 else "weeks " + join([str(w) for w in weeks]),
        "weeks": [],
        "discrepancies": [],
        "complications": phrases.complications(tables, tables.get("complications"), list(pat["patient_id"])),
        "deaths": _deaths(tables, weeks),
    }
    out = series.outcomes(tables, weeks)
    red = series.reductions(tables, weeks)
    labels = series.lesions(tables).set_index("lesion_id")["site"]
    ctx["weeks"] = [_week_context(out, red, labels, w) for w in weeks]
    ctx["discrepancies"] = [_discrepancy(r, labels) for r in red[red["reduction_differs"]].itertuples()]
    return ctx


def _patients_context(tables, pat: pd.DataFrame, multi: pd.Series) -> dict:
    """Who was treated: the period, the patients (sexes, ages, diagnoses, antibodies) and their lesions' sites."""
    ov = series.series_overview(tables)
    sites, regions = ov["sites"], ov["regions"]
    return {
        "period": phrases.period(_study_value(tables, "period_start"), _study_value(tables, "period_end"),
                                 _study_value(tables, "period_of")),
        "n_patients": ov["patients"],
        "sexes": phrases.sexes(pat),
        "ages": phrases.ages(ov),
        "diagnoses": phrases.diagnoses(tables, pat),
        "anti_centromere": _anti_centromere(pat),
        "n_lesions": ov["lesions"],
        "multi_lesion": (f"{len(multi)} {plural(len(multi), 'patient')} with more than one lesion" if len(multi) else None),
        "sites": join([f"{s.lower() if s[:1].isupper() and s[1:].islower() else s}" + (f" ({n})" if ov["lesions"] > 1 else "")
                       for s, n in sites.items()]),
        "regions": join([f"{r} {n}" for r, n in regions.items()]) if len(regions) > 1 else None,
    }


def _treatment_context(tables, concentration_mg_per_ml: float | None) -> dict:
    """How they were treated: regimens, concentration, doses and volumes (ranges), injections counted two ways."""
    reg = tables["regimens"]
    vol = series.injected_volumes(tables, concentration_mg_per_ml)
    one_conc = vol["concentration_mg_per_ml"].nunique() == 1
    return {
        "regimens": phrases.regimens(reg),
        "concentration": phrases.concentrations(reg) if concentration_mg_per_ml is None else None,
        "concentration_override": _num(concentration_mg_per_ml, 2) if concentration_mg_per_ml is not None else None,
        "concentration_used": (f"at {_num(vol['concentration_mg_per_ml'].iloc[0], 2)} mg/ml" if one_conc
                               else "at each patient's concentration"),
        "dose_min": _num(reg["dose_min_mg"].min()), "dose_max": _num(reg["dose_max_mg"].max()),
        "volume_min": _num(vol["volume_min_ml"].min(), 2), "volume_max": _num(vol["volume_max_ml"].max(), 2),
        "mean_dose_min": _num(reg["dose_mean_mg"].min()), "mean_dose_max": _num(reg["dose_mean_mg"].max()),
        "injections_lesion": series.injections_total(tables, "lesion"),
        "injections_visit": series.injections_total(tables, "visit"),
    }


def _shared_dose(n_multi: int) -> str | None:
    """The caveat for patients with several lesions: the data do not say how a dose was divided between them."""
    if not n_multi:
        return None
    who = "the patient" if n_multi == 1 else f"the {n_multi} patients"
    return (
        f"For {who} with several lesions treated at the same visits, the data give one dose per treatment "
        "and do not say whether it went into each lesion or was shared between them."
    )


def _week_context(out: pd.DataFrame, red: pd.DataFrame, labels: pd.Series, w: int) -> dict:
    """One follow-up week's numbers, by lesion and by patient (None where nothing was measured)."""
    les = out[(out["week"] == w) & (out["unit"] == "lesion")].iloc[0]
    pt = out[(out["week"] == w) & (out["unit"] == "patient")].iloc[0]
    has_printed = pd.notna(les["mean_reduction_printed_pct"])
    return {
        "week": w, "total": int(les["total"]), "measured": int(les["measured"]), "lost": int(les["lost"]),
        "not_recorded": int(les["not_recorded"]),
        "mean": _num(les["mean_reduction_recomputed_pct"]) if les["measured"] else None,
        "change": (phrases.change(les["mean_reduction_recomputed_pct"], les["median_reduction_recomputed_pct"],
                                  int(les["measured"])) if les["measured"] else None),
        "grown": phrases.grown(red[(red["week"] == w) & (red["status"] == series.MEASURED)], labels),
        "complete": int(les["complete_remissions"]) if les["measured"] else None,
        "patient_mean": (_num(pt["mean_reduction_recomputed_pct"])
                         if pt["measured"] and pt["total"] != les["total"] else None),
        "patient_measured": int(pt["measured"]),
        "patient_change": (f"the mean reduction was {_num(pt['mean_reduction_recomputed_pct'])}%"
                           if pt["mean_reduction_recomputed_pct"] >= 0 else
                           f"the lesions had grown by a mean of {_num(-pt['mean_reduction_recomputed_pct'])}%"),
        "patient_complete": int(pt["complete_remissions"]) if pt["measured"] else None,
        "printed_mean": _num(les["mean_reduction_printed_pct"]) if has_printed and les["measured"] else None,
    }


def _discrepancy(r, labels: pd.Series) -> dict:
    """A printed reduction that is not the sizes' reduction rounded, with the sizes it comes from."""
    return {"lesion": r.lesion_id, "site": labels[r.lesion_id], "week": int(r.week),
            "printed": _num(r.reduction_printed_pct), "recomputed": _num(r.reduction_recomputed_pct),
            "baseline": _num(r.baseline_mm), "size": _num(r.size_mm)}


def render(context: dict) -> str:
    """Render the template: one sentence per line, joined into paragraphs; blank lines separate paragraphs."""
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    raw = env.from_string(TEMPLATE).render(**context, plural=plural)
    paragraphs, current = [], []
    for line in raw.splitlines():
        line = line.strip()
        if line.startswith("#"):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append(line)
        elif line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs) + "\n"


def case_summary(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
                 concentration_mg_per_ml: float | None = None) -> str:
    """The methods and results of the series as Markdown, every number computed from ``tables``."""
    return render(summary_context(tables, weeks, concentration_mg_per_ml))


def write_summary(tables: dict[str, pd.DataFrame], outdir: str | Path = "tables", weeks: Iterable[int] | None = None,
                  concentration_mg_per_ml: float | None = None) -> Path:
    """Write the case summary as ``<outdir>/sts-series-case-summary.md``."""
    text = "## Case summary (generated from data)\n\n" + case_summary(tables, weeks, concentration_mg_per_ml)
    return write_text(paths.resolve(outdir) / f"{SUMMARY_STEM}.md", text)
