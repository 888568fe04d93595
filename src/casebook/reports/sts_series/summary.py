"""The case summary of a series: methods and results written from the data by a template.

:func:`summary_context` computes every number the prose uses (``None`` where the data cannot support it), each
bound to the function that computed it (:class:`casebook.manuscript.prose.Binder`); ``summary.md.j2``
(:data:`TEMPLATE`) is a Jinja2 template with one sentence per line, each guarded so that a sentence whose numbers
are missing is not written, and each ending with ``{{ cite(...) }}``: the data cells, selections and computations
it rests on, beside its words. :func:`prose` renders it as cited text (:class:`casebook.manuscript.prose.Prose`),
checked like an article's; :func:`case_summary` gives the reader's Markdown (no sources), :func:`show` the
notebook's (each sentence's sources on hover). The wording is this project's own, not the report's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import jinja2
import pandas as pd

from casebook import paths
from casebook.engine.io import write_text
from casebook.manuscript.prose import Binder, Prose, cite, data_sources
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series import phrases
from casebook.reports.sts_series.summary_weeks import weeks_context
from casebook.text import all_of, join, plural

SUMMARY_STEM = "sts-series-case-summary"
REPORT_ID = "sts-series"
TEMPLATE_PATH = Path(__file__).parent / "summary.md.j2"
TEMPLATE = TEMPLATE_PATH.read_text(encoding="utf-8")  # one sentence per line


def _study_value(tables, key: str) -> str | None:
    study = tables.get("study")
    if study is None or study.empty:
        return None
    rows = study.loc[study["key"] == key, "value"].dropna()
    return str(rows.iloc[0]) if len(rows) else None


def _anti_centromere(pat: pd.DataFrame, bind) -> str | None:
    """'Anti-centromere antibodies were present in all 5 patients with SSc.', 'absent in both ...', '1 of the 2 ...'."""
    ssc = pat[pat["diagnosis"] == "SSc"]
    known = ssc[ssc["anti_centromere"].isin(["positive", "negative"])]
    if known.empty:
        return None
    pos = int((known["anti_centromere"] == "positive").sum())
    unknown = len(ssc) - len(known)
    src = series.patients
    tested = " tested" if unknown else ""
    if pos in (0, len(known)):
        # 'the patient', 'both patients', 'all 5 patients' (casebook.text.all_of)
        n = bind("n_ssc_tested", len(known), src) if len(known) > 2 else len(known)
        text = f"Anti-centromere antibodies were {'present' if pos else 'absent'} in {all_of(n, 'patients')} with SSc{tested}"
    else:
        text = (f"Anti-centromere antibodies were present in {bind('n_ssc_positive', pos, src)} of the "
                f"{bind('n_ssc_tested', len(known), src)} patients with SSc tested")
    return text + (f" (not reported for {bind('n_ssc_not_reported', unknown, src)})." if unknown else ".")


def _deaths(tables, weeks, bind) -> str | None:
    pat = series.patients(tables)
    died = pat[pat["vital_status"] == "died"]
    if died.empty:
        return None
    m = series.lesion_measurements(tables, weeks)
    lost_weeks = sorted(set(m.loc[m["patient_id"].isin(died["patient_id"]) & (m["status"] == series.LOST), "week"]))
    n = len(died)
    text = f"By the end of follow-up {bind('n_died', n, series.patients)} {plural(n, 'patient')} had died"
    if lost_weeks:
        src = series.lesion_measurements
        n_les = m.loc[m["patient_id"].isin(died["patient_id"]), "lesion_id"].nunique()
        whose = phrases.owner(died)
        which = f"{whose} lesion" if n_les == 1 else f"{whose} {bind('n_lesions_died', n_les, src)} lesions"
        weeks_text = join([str(bind("week_lost", int(w), src)) for w in lost_weeks])
        text += f", and {which} could not be measured at {plural(len(lost_weeks), 'week')} {weeks_text}"
    return text + "."


def summary_context(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
                    concentration_mg_per_ml: float | None = None, bind: Binder | None = None) -> dict:
    """Every number and phrase the summary uses, computed from the tables and bound (None where not supported)."""
    bind = bind if bind is not None else Binder()
    weeks = series.checked_weeks(weeks)
    pat = series.patients(tables)
    n_les = series.lesions_per_patient(tables)
    multi = n_les[n_les > 1]
    comp = tables.get("complications")
    week_words = join([str(bind("week", w, series.follow_up_weeks)) for w in weeks])
    return {
        **_patients_context(tables, pat, multi, bind),
        **_treatment_context(tables, concentration_mg_per_ml, bind),
        "shared_dose": _shared_dose(len(multi), bind),
        "weeks_text": f"{plural(len(weeks), 'week')} {week_words}",
        "weeks": weeks_context(tables, weeks, bind),
        "discrepancies": _discrepancies(tables, weeks, bind),
        "complications": phrases.complications(tables, comp, list(pat["patient_id"]), bind),
        "complication_rows": comp is not None and not comp.empty,
        "unrecorded_complications": phrases.unrecorded_complications(comp, list(pat["patient_id"]), bind),
        "deaths": _deaths(tables, weeks, bind),
    }


def _patients_context(tables, pat: pd.DataFrame, multi: pd.Series, bind) -> dict:
    """Who was treated: the period, the patients (sexes, ages, diagnoses, antibodies) and their lesions' sites."""
    ov = series.series_overview(tables)
    src = series.series_overview
    sites = [f"{s.lower() if s[:1].isupper() and s[1:].islower() else s}" + (f" ({bind('n_site', n, src)})" if ov["lesions"] > 1 else "")
             for s, n in ov["sites"].items()]
    return {
        "period": phrases.period(_study_value(tables, "period_start"), _study_value(tables, "period_end"),
                                 _study_value(tables, "period_of"), bind),
        "period_of": _study_value(tables, "period_of") is not None,
        "n_patients": bind("n_patients", ov["patients"], src),
        "sexes": phrases.sexes(pat, bind),
        "ages": phrases.ages(ov, bind),
        "diagnoses": phrases.diagnoses(tables, pat, bind),
        "anti_centromere": _anti_centromere(pat, bind),
        "n_lesions": bind("n_lesions", ov["lesions"], src),
        "multi_lesion": (f"{bind('n_multi_lesion', len(multi), series.lesions_per_patient)} {plural(len(multi), 'patient')} "
                         "with more than one lesion" if len(multi) else None),
        "sites": join(sites),
        "regions": join([f"{r} {bind('n_region', n, src)}" for r, n in ov["regions"].items()]) if len(ov["regions"]) > 1 else None,
    }


def _treatment_context(tables, concentration_mg_per_ml: float | None, bind) -> dict:
    """How they were treated: regimens, concentration, doses and volumes (ranges), injections counted two ways."""
    reg = tables["regimens"]
    vol = series.injected_volumes(tables, concentration_mg_per_ml)
    one_conc = vol["concentration_mg_per_ml"].nunique() == 1
    volumes, doses = series.injected_volumes, series.dose_range
    return {
        "regimens": phrases.regimens(reg, bind),
        "concentration": phrases.concentrations(reg, bind) if concentration_mg_per_ml is None else None,
        "concentration_override": (bind("concentration_override", concentration_mg_per_ml, volumes, decimals=2)
                                   if concentration_mg_per_ml is not None else None),
        "concentration_used": (f"at {bind('concentration_used', vol['concentration_mg_per_ml'].iloc[0], volumes, decimals=2)} mg/ml"
                               if one_conc else "at each patient's concentration"),
        "dose_min": bind("dose_min", reg["dose_min_mg"].min(), doses), "dose_max": bind("dose_max", reg["dose_max_mg"].max(), doses),
        "volume_min": bind("volume_min", vol["volume_min_ml"].min(), volumes, decimals=2),
        "volume_max": bind("volume_max", vol["volume_max_ml"].max(), volumes, decimals=2),
        "mean_dose_min": bind("mean_dose_min", reg["dose_mean_mg"].min(), doses),
        "mean_dose_max": bind("mean_dose_max", reg["dose_mean_mg"].max(), doses),
        "injections_lesion": bind("injections_lesion", series.injections_total(tables, "lesion"), series.injections_total),
        "injections_visit": bind("injections_visit", series.injections_total(tables, "visit"), series.injections_total),
    }


def _shared_dose(n_multi: int, bind) -> str | None:
    """The caveat for patients with several lesions: the data do not say how a dose was divided between them."""
    if not n_multi:
        return None
    who = "the patient" if n_multi == 1 else f"the {bind('n_multi_lesion', n_multi, series.lesions_per_patient)} patients"
    return (
        f"For {who} with several lesions treated at the same visits, the data give one dose per treatment "
        "and do not say whether it went into each lesion or was shared between them."
    )


def _discrepancies(tables, weeks, bind) -> list[dict]:
    """Each printed reduction that is not the sizes' reduction rounded, with the sizes it comes from."""
    red = series.reductions(tables, weeks)
    labels = series.lesions(tables).set_index("lesion_id")["site"]
    src = series.reductions
    out = []
    for r in red[red["reduction_differs"]].itertuples():
        site = labels[r.lesion_id]
        out.append({"lesion": bind("lesion", r.lesion_id, src), "lesion_id": r.lesion_id, "week_number": int(r.week),
                    "site": site.lower() if site[:1].isupper() and site[1:].islower() else site,
                    "week": bind("week", int(r.week), src), "printed": bind("printed_pct", r.reduction_printed_pct, src),
                    "recomputed": bind("recomputed_pct", r.reduction_recomputed_pct, src),
                    "baseline": bind("baseline_mm", r.baseline_mm, src), "size": bind("size_mm", r.size_mm, src)})
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    env.globals.update(cite=cite, plural=plural)
    return env


def render(context: dict) -> str:
    """Render the template: one sentence per line, joined into paragraphs; blank lines separate paragraphs."""
    raw = _environment().from_string(TEMPLATE).render(**context)
    paragraphs, current = [], []
    for line in raw.splitlines():
        line = line.strip()
        if line.startswith("#") or not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            if line:
                paragraphs.append(line)
        else:
            current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs) + "\n"


def prose(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
          concentration_mg_per_ml: float | None = None) -> Prose:
    """The case summary as cited text: every number bound, every sentence naming its sources."""
    bind = Binder()
    text = render(summary_context(tables, weeks, concentration_mg_per_ml, bind))
    return Prose(REPORT_ID, f"{paths.relative(TEMPLATE_PATH)} (rendered)", text, tuple(bind.values.values()))


def summaries(tables) -> list[Prose]:
    """Every summary the report generates from ``tables`` (the hook the prose tests call for each report)."""
    return [prose(tables, series.follow_up_weeks(tables))]


def case_summary(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
                 concentration_mg_per_ml: float | None = None) -> str:
    """The methods and results of the series as Markdown, every number computed from ``tables``."""
    return prose(tables, weeks, concentration_mg_per_ml).markdown()


def show(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None,
         concentration_mg_per_ml: float | None = None):
    """The case summary for a notebook: each sentence shows its sources when the pointer rests on it."""
    from IPython.display import Markdown

    return Markdown(prose(tables, weeks, concentration_mg_per_ml).hover(data_sources(REPORT_ID, tables)))


def write_summary(tables: dict[str, pd.DataFrame], outdir: str | Path = "tables", weeks: Iterable[int] | None = None,
                  concentration_mg_per_ml: float | None = None) -> Path:
    """Write the case summary as ``<outdir>/sts-series-case-summary.md``."""
    text = "## Case summary (generated from data)\n\n" + case_summary(tables, weeks, concentration_mg_per_ml)
    return write_text(paths.resolve(outdir) / f"{SUMMARY_STEM}.md", text)
