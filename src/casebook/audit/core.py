"""The claims audit: every number the two reports print, recomputed from the data and given a verdict.

The register (``data/claims.csv``) names, for each claim, a recompute function
(``function``) with its arguments (``args``: ``key=value;key=value``) and a
comparison rule (``rule``, see :mod:`casebook.audit.compare`). A recompute function
returns one or more :class:`Reading` objects: the claim read per lesion or per
patient, with or without lesions lost to follow-up, from the printed
percentages or from the sizes they come from. Each reading carries its value
and its arithmetic as a readable string, and optionally a GRIM-style check of
whether the printed value is possible at all for that reading's n.

Verdicts:

``consistent``
    at least one reading matches under the rule (and its GRIM check, if any, passes);
    ``matching_readings`` says which.
``inconsistent``
    no reading matches; ``arithmetic`` shows every reading.
``not derivable``
    the claim cannot be recomputed from the data (rule ``not_derivable``); the
    note gives the reason.

Everything is recomputed from the validated tables of ``casebook.data.load``; no
other analysis module is used, so the audit is independent of the rebuilds it
checks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from casebook.audit import compare
from casebook.audit.compare import fmt, to_fraction
from casebook.data.load import load_dataset
from casebook.exceptions import CasebookError

VERDICTS = ("consistent", "inconsistent", "not derivable")
OUTPUT_COLUMNS = (
    "claim_id", "report", "location", "statement", "printed", "recomputed", "verdict", "note",
    "unit", "kind", "rule", "function", "args", "readings", "matching_readings", "arithmetic", "grim",
    "grim_possible",
)
_EXTREMITIES = ("upper extremity", "lower extremity")


@dataclass(frozen=True)
class Grim:
    """A GRIM-style check attached to a reading: ``mean`` of n values in steps of ``step``,
    ``percent`` of n, or ``mean_range`` (a printed 'mean (min-max)' over n values)."""

    kind: str
    n: int
    step: Fraction = Fraction(1)


@dataclass(frozen=True)
class Reading:
    name: str
    value: object  # Fraction, tuple of Fractions, a share (Fraction) or a text
    arithmetic: str
    shown: str | None = None  # how the value is shown; default fmt(value)
    grim: Grim | None = None

    def display(self) -> str:
        return self.shown if self.shown is not None else fmt(self.value)


@dataclass(frozen=True)
class AuditData:
    series: dict[str, pd.DataFrame]
    case: dict[str, pd.DataFrame]


def load_data(series_dir: str | None = None, case_dir: str | None = None) -> AuditData:
    """Both datasets, validated (``series_dir``/``case_dir`` relative to the project root)."""
    return AuditData(load_dataset("sts-series", series_dir), load_dataset("jdm-case", case_dir))


# --- the registry of recompute functions ---------------------------------------------------------

FUNCTIONS: dict[str, Callable[..., list[Reading]]] = {}


def recompute(name: str):
    """Register a recompute function under the name the register's ``function`` column uses."""

    def wrap(func):
        if name in FUNCTIONS:
            raise CasebookError(f"recompute function {name!r} registered twice")
        FUNCTIONS[name] = func
        return func

    return wrap


def parse_args(text) -> dict[str, str]:
    """``key=value;key=value`` (empty: no arguments)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    out = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep:
            raise CasebookError(f"argument {part!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


def readings_for(function: str, args: dict[str, str], data: AuditData) -> list[Reading]:
    if function not in FUNCTIONS:
        raise CasebookError(f"unknown recompute function {function!r}; known: {', '.join(sorted(FUNCTIONS))}")
    return FUNCTIONS[function](data, **args)


# --- helpers -------------------------------------------------------------------------------------

def _F(x) -> Fraction:
    return to_fraction(x)


def _share(name: str, hits: list[str], pool: list[str], what: str) -> Reading:
    k, n = len(hits), len(pool)
    value = Fraction(k, n) if n else Fraction(0)
    listed = ", ".join(hits) if hits else "none"
    return Reading(name, value, f"{k} of {n} {what} ({listed}) = {fmt(value, 3)}", shown=f"{k}/{n}")


def _percent(name: str, hits: list[str], pool: list[str], what: str) -> Reading:
    k, n = len(hits), len(pool)
    value = Fraction(100 * k, n)
    listed = ", ".join(hits) if hits else "none"
    return Reading(name, value, f"{k}/{n} {what} ({listed}) = {fmt(value)}%", grim=Grim("percent", n))


def _mean(name: str, labelled: list[tuple[str, Fraction]], grim_step: Fraction | None = None) -> Reading:
    n = len(labelled)
    total = sum((v for _, v in labelled), Fraction(0))
    value = total / n
    terms = "+".join(fmt(v) for _, v in labelled)
    arithmetic = f"({terms})/{n} = {fmt(total)}/{n} = {fmt(value)}"
    return Reading(name, value, arithmetic, grim=Grim("mean", n, grim_step) if grim_step is not None else None)


def _measurements(data: AuditData) -> pd.DataFrame:
    m = data.series["measurements"].merge(data.series["lesions"][["lesion_id", "patient_id"]], on="lesion_id")
    base = m[m["week"] == 0].set_index("lesion_id")["size_mm"]
    m["baseline_mm"] = m["lesion_id"].map(base)
    return m


def _measured(data: AuditData, week: int) -> pd.DataFrame:
    m = _measurements(data)
    return m[(m["week"] == week) & (m["status"] == "measured")]


def _pct_from_sizes(row) -> Fraction:
    b, s = _F(row["baseline_mm"]), _F(row["size_mm"])
    return (b - s) / b * 100


def _followed_lesions(data: AuditData, week: int) -> list[str]:
    return list(_measured(data, week)["lesion_id"])


def _patients(data: AuditData) -> pd.DataFrame:
    return data.series["patients"]


def _transcribed(df: pd.DataFrame, file: str, key_column: str, key: str, column: str, label: str) -> list[Reading]:
    """A fact copied into the data: the one reading is the value of ``column`` in the row ``key_column == key``."""
    value = _F(_row(df, key_column, key)[column])
    return [Reading(f"{label} (transcribed)", value, f"{file} {key} {column} = {fmt(value)}")]


def _row(df: pd.DataFrame, column: str, key: str) -> pd.Series:
    hit = df[df[column] == key]
    if len(hit) != 1:
        raise CasebookError(f"expected one row with {column} = {key!r}, found {len(hit)}")
    return hit.iloc[0]


# --- sts-series: counts and descriptive ----------------------------------------------------------

@recompute("patient_count")
def patient_count(data: AuditData, diagnosis: str = "", sex: str = "") -> list[Reading]:
    p = _patients(data)
    what = "patients"
    if diagnosis:
        p, what = p[p["diagnosis"] == diagnosis], f"{diagnosis} patients"
    if sex:
        p, what = p[p["sex"] == sex], f"{sex} {what}"
    ids = list(p["patient_id"])
    return [Reading(f"{what} in the data", Fraction(len(ids)), f"{what}: {', '.join(ids)} = {len(ids)}")]


@recompute("lesion_count")
def lesion_count(data: AuditData) -> list[Reading]:
    les, pat = data.series["lesions"], _patients(data)
    return [
        Reading("lesions with a size in Table 1", Fraction(len(les)), f"{', '.join(les['lesion_id'])} = {len(les)}"),
        Reading("rows of Table 1 (one per patient)", Fraction(len(pat)), f"{', '.join(pat['patient_id'])} = {len(pat)}"),
    ]


def _injections_per_lesion(data: AuditData) -> list[tuple[str, int]]:
    reg = data.series["regimens"].set_index("patient_id")
    return [(r["lesion_id"], int(reg.loc[r["patient_id"], "weeks"])) for _, r in data.series["lesions"].iterrows()]


@recompute("injection_count")
def injection_count(data: AuditData) -> list[Reading]:
    per_lesion = _injections_per_lesion(data)
    reg = data.series["regimens"]
    per_visit = [(r["patient_id"], int(r["weeks"])) for _, r in reg.iterrows()]
    a = sum(w for _, w in per_lesion)
    b = sum(w for _, w in per_visit)
    return [
        Reading("per lesion (a single injection = 1, weekly = 1 per week per lesion)", Fraction(a),
                "+".join(f"{w}" for _, w in per_lesion) + f" ({', '.join(l for l, _ in per_lesion)}) = {a}"),
        Reading("per treatment visit (1 per patient per week)", Fraction(b),
                "+".join(f"{w}" for _, w in per_visit) + f" ({', '.join(p for p, _ in per_visit)}) = {b}"),
    ]


@recompute("max_treatment_weeks")
def max_treatment_weeks(data: AuditData) -> list[Reading]:
    reg = data.series["regimens"]
    weeks = [int(w) for w in reg["weeks"]]
    return [Reading("longest regimen", Fraction(max(weeks)), f"max({', '.join(map(str, weeks))}) = {max(weeks)} weeks")]


@recompute("dose_range")
def dose_range(data: AuditData) -> list[Reading]:
    reg = data.series["regimens"]
    lo, hi = min(_F(v) for v in reg["dose_min_mg"]), max(_F(v) for v in reg["dose_max_mg"])
    return [Reading("smallest and largest dose of any treatment", (lo, hi),
                    f"min({', '.join(fmt(_F(v)) for v in reg['dose_min_mg'])}) = {fmt(lo)}; "
                    f"max({', '.join(fmt(_F(v)) for v in reg['dose_max_mg'])}) = {fmt(hi)}")]


@recompute("concentration")
def concentration(data: AuditData) -> list[Reading]:
    reg = data.series["regimens"]
    values = sorted({_F(v) for v in reg["concentration_mg_per_ml"]})
    study = _F(_row(data.series["study"], "key", "concentration")["value"])
    if len(values) != 1:
        return [Reading("concentration of every regimen", None, f"several concentrations: {', '.join(fmt(v) for v in values)}")]
    return [Reading("concentration of every regimen (transcribed)", values[0],
                    f"all {len(reg)} regimens: {fmt(values[0])} mg/ml; study table: {fmt(study)} mg/ml")]


@recompute("measurement_weeks")
def measurement_weeks(data: AuditData) -> list[Reading]:
    weeks = sorted({int(w) for w in data.series["measurements"]["week"] if w > 0})
    return [Reading("weeks with measurements after baseline", tuple(Fraction(w) for w in weeks),
                    f"weeks > 0 in measurements: {', '.join(map(str, weeks))}", shown=" and ".join(map(str, weeks)))]


@recompute("study_value")
def study_value(data: AuditData, key: str) -> list[Reading]:
    r = _row(data.series["study"], "key", key)
    values = tuple(_F(v) for v in str(r["value"]).split(";"))
    value = values[0] if len(values) == 1 else values
    return [Reading(f"study table '{key}' (transcribed)", value, f"study.csv {key} = {r['value']} {r['unit']}")]


@recompute("study_period")
def study_period(data: AuditData) -> list[Reading]:
    import calendar

    s = data.series["study"].set_index("key")["value"]
    (y1, m1), (y2, m2) = (map(int, s[k].split("-")) for k in ("period_start", "period_end"))
    text = (f"{calendar.month_name[m1]} to {calendar.month_name[m2]} {y2}" if y1 == y2
            else f"{calendar.month_name[m1]} {y1} to {calendar.month_name[m2]} {y2}")
    return [Reading("study period (transcribed)", text, f"study.csv period {s['period_start']} to {s['period_end']} = '{text}'")]


@recompute("mean_age")
def mean_age(data: AuditData) -> list[Reading]:
    p = _patients(data)
    return [_mean("all patients in Table 1", [(r["patient_id"], _F(r["age_years"])) for _, r in p.iterrows()], Fraction(1))]


@recompute("age_range")
def age_range(data: AuditData) -> list[Reading]:
    p = _patients(data)
    ages = [int(a) for a in p["age_years"]]
    return [Reading("all patients in Table 1", (Fraction(min(ages)), Fraction(max(ages))),
                    f"min({', '.join(map(str, ages))}) = {min(ages)}; max = {max(ages)}")]


@recompute("patient_age")
def patient_age(data: AuditData, patient: str) -> list[Reading]:
    return _transcribed(_patients(data), "patients.csv", "patient_id", patient, "age_years", f"age of {patient}")


@recompute("all_female")
def all_female(data: AuditData) -> list[Reading]:
    p = _patients(data)
    return [_share("patients recorded as women", list(p.loc[p["sex"] == "female", "patient_id"]), list(p["patient_id"]), "patients")]


@recompute("ssc_anti_centromere_positive")
def ssc_anti_centromere_positive(data: AuditData) -> list[Reading]:
    p = _patients(data)
    ssc = p[p["diagnosis"] == "SSc"]
    return [_share("SSc patients recorded as anti-centromere positive",
                   list(ssc.loc[ssc["anti_centromere"] == "positive", "patient_id"]), list(ssc["patient_id"]), "SSc patients")]


@recompute("diagnoses_within")
def diagnoses_within(data: AuditData, diagnoses: str) -> list[Reading]:
    allowed = diagnoses.split(",")
    p = _patients(data)
    return [_share(f"patients with a diagnosis in {{{', '.join(allowed)}}}",
                   list(p.loc[p["diagnosis"].isin(allowed), "patient_id"]), list(p["patient_id"]), "patients")]


def _lesion_share(data: AuditData, ok) -> list[Reading]:
    les = data.series["lesions"]
    hits = [r["lesion_id"] for _, r in les.iterrows() if ok(r)]
    per_patient = [pid for pid, g in les.groupby("patient_id", sort=True) if all(ok(r) for _, r in g.iterrows())]
    return [
        _share("per lesion", hits, list(les["lesion_id"]), "lesions"),
        _share("per patient (all of the patient's lesions)", per_patient, sorted(set(les["patient_id"])), "patients"),
    ]


@recompute("lesions_on_extremities")
def lesions_on_extremities(data: AuditData) -> list[Reading]:
    return _lesion_share(data, lambda r: r["region"] in _EXTREMITIES)


@recompute("lesions_extensor_or_fingertip")
def lesions_extensor_or_fingertip(data: AuditData) -> list[Reading]:
    return _lesion_share(data, lambda r: r["region"] in _EXTREMITIES and r["site_class"] in ("extensor", "fingertip"))


@recompute("single_injection_rule")
def single_injection_rule(data: AuditData, max_size_mm: str = "5") -> list[Reading]:
    limit = _F(max_size_mm)
    m = _measurements(data)
    base = m[m["week"] == 0].merge(data.series["lesions"][["lesion_id", "site_class"]], on="lesion_id")
    reg = data.series["regimens"].set_index("patient_id")["regimen"]
    base["regimen"] = base["patient_id"].map(reg)
    small_tips = base[(base["site_class"] == "fingertip") & (base["size_mm"] < float(limit))]
    singles = base[base["regimen"] == "single"]
    a = _share(f"fingertip lesions < {fmt(limit)} mm that had a single injection",
               list(small_tips.loc[small_tips["regimen"] == "single", "lesion_id"]), list(small_tips["lesion_id"]), "such lesions")
    b = _share(f"single injections that went to fingertip lesions < {fmt(limit)} mm (the converse)",
               list(singles.loc[(singles["site_class"] == "fingertip") & (singles["size_mm"] < float(limit)), "lesion_id"]),
               list(singles["lesion_id"]), "single-injection lesions")
    detail = "; ".join(f"{r['lesion_id']} {r['site_class']} {fmt(_F(r['size_mm']))} mm {r['regimen']}" for _, r in base.iterrows())
    return [Reading(a.name, a.value, a.arithmetic + f" [{detail}]", a.shown), b]


@recompute("weekly_regimen_weeks")
def weekly_regimen_weeks(data: AuditData, weeks: str) -> list[Reading]:
    w = int(weeks)
    reg = data.series["regimens"]
    weekly = reg[reg["regimen"] == "weekly"]
    alive = set(_patients(data).loc[lambda p: p["vital_status"] == "alive", "patient_id"])
    done = weekly[weekly["patient_id"].isin(alive)]
    return [
        _share(f"weekly regimens lasting {w} weeks", list(weekly.loc[weekly["weeks"] == w, "patient_id"]), list(weekly["patient_id"]), "weekly regimens"),
        _share(f"weekly regimens lasting {w} weeks, patients who did not die during treatment",
               list(done.loc[done["weeks"] == w, "patient_id"]), list(done["patient_id"]), "weekly regimens"),
    ]


@recompute("regimen_weeks")
def regimen_weeks(data: AuditData, patient: str) -> list[Reading]:
    return _transcribed(data.series["regimens"], "regimens.csv", "patient_id", patient, "weeks",
                        f"weeks of treatment of {patient}")


@recompute("regimen_dose")
def regimen_dose(data: AuditData, patient: str) -> list[Reading]:
    r = _row(data.series["regimens"], "patient_id", patient)
    mean, lo, hi = _F(r["dose_mean_mg"]), _F(r["dose_min_mg"]), _F(r["dose_max_mg"])
    value = mean if r["regimen"] == "single" else (mean, lo, hi)
    shown = fmt(mean) if r["regimen"] == "single" else f"{fmt(mean)} ({fmt(lo)}-{fmt(hi)})"
    weeks = int(r["weeks"])
    n_lesions = int((data.series["lesions"]["patient_id"] == patient).sum())
    base = f"regimens.csv {patient}: mean {fmt(mean)}, min {fmt(lo)}, max {fmt(hi)} mg; {weeks} treatment(s)"
    out = [Reading(f"one dose per treatment (n={weeks})", value, base, shown, Grim("mean_range", weeks))]
    if n_lesions > 1 and r["regimen"] != "single":
        out.append(Reading(f"one dose per lesion per treatment (n={weeks * n_lesions})", value,
                           base + f" × {n_lesions} lesions", shown, Grim("mean_range", weeks * n_lesions)))
    return out


@recompute("complication_week")
def complication_week(data: AuditData, patient: str, complication: str) -> list[Reading]:
    c = data.series["complications"]
    r = c[(c["patient_id"] == patient) & (c["complication"] == complication)]
    if len(r) != 1 or pd.isna(r.iloc[0]["week"]):
        return [Reading(f"week of {complication} of {patient}", None, "no week in the data")]
    return [Reading(f"week of {complication} of {patient} (transcribed)", _F(r.iloc[0]["week"]), f"complications.csv {patient} {complication} week = {r.iloc[0]['week']}")]


@recompute("complication_count")
def complication_count(data: AuditData, complication: str) -> list[Reading]:
    c = data.series["complications"]
    ids = list(c.loc[c["complication"] == complication, "patient_id"])
    return [Reading(f"patients with {complication}", Fraction(len(ids)), f"{complication}: {', '.join(ids) or 'none'} = {len(ids)}")]


@recompute("complication_share")
def complication_share(data: AuditData, complication: str) -> list[Reading]:
    c, p = data.series["complications"], _patients(data)
    reg = data.series["regimens"]
    hits = set(c.loc[c["complication"] == complication, "patient_id"])
    everyone = list(p["patient_id"])
    followed = [pid for pid in everyone if pid in set(_measured(data, 12)["patient_id"])]
    weekly = list(reg.loc[reg["regimen"] == "weekly", "patient_id"])
    return [
        _share("all patients", [x for x in everyone if x in hits], everyone, "patients"),
        _share("patients followed to week 12", [x for x in followed if x in hits], followed, "patients"),
        _share("patients with repeated injections", [x for x in weekly if x in hits], weekly, "patients"),
    ]


@recompute("lost_to_follow_up")
def lost_to_follow_up(data: AuditData, patient: str, week: str) -> list[Reading]:
    m = _measurements(data)
    rows = m[(m["patient_id"] == patient) & (m["week"] == int(week))]
    return [_share(f"lesions of {patient} lost to follow-up at week {week}",
                   list(rows.loc[rows["status"] == "lost_to_follow_up", "lesion_id"]), list(rows["lesion_id"]), "lesions")]


@recompute("died_after_treatment")
def died_after_treatment(data: AuditData, diagnosis: str) -> list[Reading]:
    p = _patients(data)
    who = p[p["diagnosis"] == diagnosis]
    if len(who) != 1:
        return [Reading(f"the {diagnosis} patient", None, f"{len(who)} {diagnosis} patients in the data")]
    r = who.iloc[0]
    weeks = int(_row(data.series["regimens"], "patient_id", r["patient_id"])["weeks"])
    if r["vital_status"] != "died":
        return [Reading(f"{r['patient_id']} ({diagnosis})", None, f"{r['patient_id']} is recorded as {r['vital_status']}")]
    return [Reading(f"treatments of {r['patient_id']} ({diagnosis}, died)", Fraction(weeks),
                    f"{r['patient_id']} vital_status = died; weekly treatments given = {weeks}")]


def _figure_patient(data: AuditData, site: str) -> pd.Series | None:
    p = _patients(data)
    les = data.series["lesions"]
    with_site = set(les.loc[les["site_printed"].str.casefold() == site.casefold(), "patient_id"])
    hit = p[p["patient_id"].isin(with_site) & (p["sex"] == "female") & (p["diagnosis"] == "SSc")]
    return hit.iloc[0] if len(hit) == 1 else None


@recompute("figure_patient_age")
def figure_patient_age(data: AuditData, site: str) -> list[Reading]:
    r = _figure_patient(data, site)
    if r is None:
        return [Reading(f"the woman with SSc and a {site} lesion", None, "not exactly one such patient")]
    return [Reading(f"age of the woman with SSc and a {site} lesion ({r['patient_id']})", _F(r["age_years"]),
                    f"{r['patient_id']}: SSc, female, {site} lesion, age {r['age_years']}")]


@recompute("figure_patient_weeks")
def figure_patient_weeks(data: AuditData, site: str) -> list[Reading]:
    r = _figure_patient(data, site)
    if r is None:
        return [Reading(f"the woman with SSc and a {site} lesion", None, "not exactly one such patient")]
    reg = _row(data.series["regimens"], "patient_id", r["patient_id"])
    value = Fraction(int(reg["weeks"])) if reg["regimen"] == "weekly" else None
    return [Reading(f"weekly treatments of {r['patient_id']}", value, f"{r['patient_id']}: {reg['regimen']} for {reg['weeks']} week(s)")]


# --- sts-series: sizes and reductions ------------------------------------------------------------

@recompute("lesion_size")
def lesion_size(data: AuditData, lesion: str, week: str) -> list[Reading]:
    m = _measurements(data)
    r = m[(m["lesion_id"] == lesion) & (m["week"] == int(week))]
    if len(r) != 1 or r.iloc[0]["status"] != "measured":
        return [Reading(f"size of {lesion} at week {week}", None, "not measured")]
    return [Reading(f"size of {lesion} at week {week} (transcribed)", _F(r.iloc[0]["size_mm"]),
                    f"measurements.csv {lesion} week {week} size_mm = {fmt(_F(r.iloc[0]['size_mm']))}")]


@recompute("reduction_pct")
def reduction_pct(data: AuditData, lesion: str, week: str) -> list[Reading]:
    m = _measured(data, int(week))
    r = m[m["lesion_id"] == lesion]
    if len(r) != 1:
        return [Reading(f"reduction of {lesion} at week {week}", None, "not measured")]
    r = r.iloc[0]
    value = _pct_from_sizes(r)
    b, s = _F(r["baseline_mm"]), _F(r["size_mm"])
    return [Reading("from the sizes", value, f"({fmt(b)}-{fmt(s)})/{fmt(b)} × 100 = {fmt(value)}%")]


def _lesion_pcts(m: pd.DataFrame) -> tuple[list, list]:
    printed = [(r["lesion_id"], _F(r["reduction_printed_pct"])) for _, r in m.iterrows()]
    sizes = [(r["lesion_id"], _pct_from_sizes(r)) for _, r in m.iterrows()]
    return printed, sizes


def _per_patient(m: pd.DataFrame, pct) -> list[tuple[str, Fraction]]:
    out = []
    for pid, g in m.groupby("patient_id", sort=True):
        values = [pct(r) for _, r in g.iterrows()]
        out.append((pid, sum(values, Fraction(0)) / len(values)))
    return out


def _pooled(name: str, m: pd.DataFrame) -> Reading:
    b = sum((_F(v) for v in m["baseline_mm"]), Fraction(0))
    s = sum((_F(v) for v in m["size_mm"]), Fraction(0))
    value = (b - s) / b * 100
    return Reading(name, value, f"total size ({'+'.join(fmt(_F(v)) for v in m['baseline_mm'])} = {fmt(b)} mm) "
                                f"-> ({'+'.join(fmt(_F(v)) for v in m['size_mm'])} = {fmt(s)} mm): "
                                f"({fmt(b)}-{fmt(s)})/{fmt(b)} × 100 = {fmt(value)}%")


def _pct_of_mean_per_patient(m: pd.DataFrame, pct) -> str:
    parts = []
    for pid, g in m.groupby("patient_id", sort=True):
        values = [pct(r) for _, r in g.iterrows()]
        parts.append(fmt(values[0]) if len(values) == 1 else f"({'+'.join(fmt(v) for v in values)})/{len(values)}")
    return "+".join(parts)


def _reduction_readings(m: pd.DataFrame, label: str) -> list[Reading]:
    out = []
    printed, sizes = _lesion_pcts(m)
    out.append(_mean(f"per lesion{label}, printed %", printed, Fraction(1)))
    out.append(_mean(f"per lesion{label}, % from sizes", sizes))
    if m["patient_id"].duplicated().any():
        for kind, pct in (("printed %", lambda r: _F(r["reduction_printed_pct"])), ("% from sizes", _pct_from_sizes)):
            values = _per_patient(m, pct)
            total = sum((v for _, v in values), Fraction(0))
            arithmetic = f"({_pct_of_mean_per_patient(m, pct)})/{len(values)} = {fmt(total / len(values))}"
            out.append(Reading(f"per patient{label}, {kind} (a patient's lesions averaged)", total / len(values), arithmetic))
    out.append(_pooled(f"total size of the lesions{label}", m))
    return out


@recompute("mean_reduction")
def mean_reduction(data: AuditData, week: str) -> list[Reading]:
    w = int(week)
    m = _measured(data, w)
    out = _reduction_readings(m, "")
    followed = set(_followed_lesions(data, 12))
    sub = m[m["lesion_id"].isin(followed)]
    if len(sub) != len(m):
        out += _reduction_readings(sub, ", only lesions followed to week 12")
    return out


@recompute("mean_reduction_remaining")
def mean_reduction_remaining(data: AuditData, week: str) -> list[Reading]:
    m = _measured(data, int(week))
    rest = m[m["size_mm"] > 0]
    printed, sizes = _lesion_pcts(rest)
    return [
        _mean("lesions not in complete remission, printed %", printed, Fraction(1)),
        _mean("lesions not in complete remission, % from sizes", sizes),
        _pooled("lesions not in complete remission, total size", rest),
    ]


def _remission(data: AuditData, week: int):
    m = _measurements(data)
    at = m[m["week"] == week]
    followed_l = list(at.loc[at["status"] == "measured", "lesion_id"])
    complete_l = list(at.loc[(at["status"] == "measured") & (at["size_mm"] == 0), "lesion_id"])
    patients = list(_patients(data)["patient_id"])
    followed_p = [p for p in patients if (at.loc[at["patient_id"] == p, "status"] == "measured").all() and (at["patient_id"] == p).any()]
    complete_p = [p for p in followed_p if (at.loc[at["patient_id"] == p, "size_mm"] == 0).all()]
    lesions = list(data.series["lesions"]["lesion_id"])
    return followed_l, complete_l, followed_p, complete_p, patients, lesions


@recompute("complete_remission_pct")
def complete_remission_pct(data: AuditData, week: str, stated_lesions: str = "") -> list[Reading]:
    fl, cl, fp, cp, patients, lesions = _remission(data, int(week))
    out = [
        _percent("patients followed to week 12", cp, fp, "patients in complete remission"),
        _percent("all patients in Table 1", cp, patients, "patients in complete remission"),
        _percent("lesions followed to week 12", cl, fl, "lesions in complete remission"),
        _percent("all lesions in Table 1", cl, lesions, "lesions in complete remission"),
    ]
    if stated_lesions:
        n = int(stated_lesions)
        v = Fraction(100 * len(cl), n)
        out.append(Reading(f"the {n} lesions stated in Results", v, f"{len(cl)}/{n} lesions in complete remission ({', '.join(cl)}) = {fmt(v)}%", grim=Grim("percent", n)))
    return out


@recompute("remaining_pct")
def remaining_pct(data: AuditData, week: str) -> list[Reading]:
    fl, cl, fp, cp, patients, lesions = _remission(data, int(week))
    return [
        _percent("patients followed to week 12", [p for p in fp if p not in cp], fp, "patients not in complete remission"),
        _percent("all patients in Table 1 (lost counted as not in remission)", [p for p in patients if p not in cp], patients, "patients not in complete remission"),
        _percent("lesions followed to week 12", [x for x in fl if x not in cl], fl, "lesions not in complete remission"),
        _percent("all lesions in Table 1 (lost counted as not in remission)", [x for x in lesions if x not in cl], lesions, "lesions not in complete remission"),
    ]


# --- jdm-case --------------------------------------------------------------------------------------

@recompute("case_age")
def case_age(data: AuditData) -> list[Reading]:
    months = int(data.case["case"].iloc[0]["age_at_presentation_months"])
    y, mo = divmod(months, 12)
    return [Reading("age at presentation (transcribed)", (Fraction(y), Fraction(mo)), f"{months} months = {y}×12 + {mo}", shown=f"{y} y {mo} mo")]


@recompute("lab_value")
def lab_value(data: AuditData, investigation: str) -> list[Reading]:
    r = _row(data.case["investigations"], "investigation_id", investigation)
    return [Reading(f"{r['test']} (transcribed)", _F(r["value"]), f"investigations.csv {investigation} value = {r['value']:.1f} {r['unit']}", shown=f"{r['value']:.1f}")]


@recompute("lab_upper_limit")
def lab_upper_limit(data: AuditData, investigation: str) -> list[Reading]:
    test = _row(data.case["investigations"], "investigation_id", investigation)["test"]
    return _transcribed(data.case["investigations"], "investigations.csv", "investigation_id", investigation,
                        "upper_limit", f"upper limit of {test}")


@recompute("lab_elevated")
def lab_elevated(data: AuditData, investigation: str) -> list[Reading]:
    r = _row(data.case["investigations"], "investigation_id", investigation)
    v, uln = _F(r["value"]), _F(r["upper_limit"])
    up = v > uln
    return [Reading(f"{r['test']} above its upper limit", Fraction(int(up)),
                    f"{fmt(v)} {'>' if up else '<='} {fmt(uln)} {r['unit']} ({fmt(v / uln)} × upper limit)", shown="yes" if up else "no")]


@recompute("muscle_score")
def muscle_score(data: AuditData, score: str) -> list[Reading]:
    r = _row(data.case["muscle_scores"], "score_id", score)
    p, mx = _F(r["points"]), _F(r["maximum"])
    return [Reading(f"{r['instrument']} score (transcribed)", (p, mx), f"muscle_scores.csv {score}: {fmt(p)} of {fmt(mx)} ({fmt(p / mx * 100)}% of the maximum)", shown=f"{fmt(p)}/{fmt(mx)}")]


@recompute("treatment_timing_years")
def treatment_timing_years(data: AuditData, treatment: str) -> list[Reading]:
    r = _row(data.case["treatments"], "treatment_id", treatment)
    if pd.isna(r["timing_months_from_onset"]):
        return [Reading("timing", None, "no timing in the data")]
    months = _F(r["timing_months_from_onset"])
    return [Reading(f"start of {r['agent']} from onset (transcribed)", months / 12, f"{fmt(months)} months / 12 = {fmt(months / 12)} years")]


@recompute("treatment_concentration")
def treatment_concentration(data: AuditData, treatment: str) -> list[Reading]:
    agent = _row(data.case["treatments"], "treatment_id", treatment)["agent"]
    return _transcribed(data.case["treatments"], "treatments.csv", "treatment_id", treatment, "concentration_pct",
                        f"concentration of {agent}")


@recompute("months_on_treatment")
def months_on_treatment(data: AuditData, outcome: str) -> list[Reading]:
    return _transcribed(data.case["outcomes"], "outcomes.csv", "outcome_id", outcome, "months_on_treatment",
                        "months on treatment at assessment")


# --- the audit -------------------------------------------------------------------------------------

@dataclass
class ClaimResult:
    verdict: str
    readings: list[Reading] = field(default_factory=list)
    matches: list[compare.Match] = field(default_factory=list)
    grims: list[tuple[bool, str] | None] = field(default_factory=list)
    reason: str = ""


def _grim(printed: str, g: Grim) -> tuple[bool, str]:
    numbers = compare.parse_numbers(printed)
    if g.kind == "mean":
        return compare.grim_mean(numbers[0], g.n, g.step)
    if g.kind == "percent":
        return compare.grim_percent(numbers[0], g.n)
    if g.kind == "mean_range":
        mean = numbers[0]
        lo, hi = (numbers[1].value, numbers[2].value) if len(numbers) >= 3 else (mean.value, mean.value)
        return compare.mean_range_feasible(mean.text, lo, hi, g.n)
    raise CasebookError(f"unknown GRIM kind {g.kind!r}")


def check_claim(claim: pd.Series, data: AuditData) -> ClaimResult:
    """Recompute one claim and give its verdict."""
    rule = claim["rule"]
    if rule == "not_derivable":
        return ClaimResult("not derivable", reason="not derivable from the data")
    readings = readings_for(claim["function"], parse_args(claim.get("args")), data)
    matches, grims = [], []
    for r in readings:
        m = compare.compare(rule, claim["printed"], r.value)
        g = _grim(claim["printed"], r.grim) if r.grim is not None else None
        if g is not None and not g[0] and m.matched:
            m = compare.Match(False, m.detail + "; but " + g[1])
        matches.append(m)
        grims.append(g)
    if all(r.value is None for r in readings):
        return ClaimResult("not derivable", readings, matches, grims, reason="; ".join(r.arithmetic for r in readings))
    verdict = "consistent" if any(m.matched for m in matches) else "inconsistent"
    return ClaimResult(verdict, readings, matches, grims)


def _verdict_note(claim: pd.Series, res: ClaimResult) -> str:
    if res.verdict == "not derivable":
        return "Not derivable: " + (claim["note"] if isinstance(claim["note"], str) and claim["note"] else res.reason)
    hits = [r.name for r, m in zip(res.readings, res.matches) if m.matched]
    if claim["rule"] == "transcribed" and hits:
        head = "Consistent by transcription: the data hold the printed value."
    elif len(res.readings) == 1:
        head = res.verdict.capitalize() + f": {res.matches[0].detail}."
    elif hits:
        head = f"Consistent under {len(hits)} of {len(res.readings)} readings: {'; '.join(hits)}."
    else:
        head = f"Inconsistent under every one of {len(res.readings)} readings."
    note = claim["note"] if isinstance(claim["note"], str) else ""
    return head + (" " + note if note else "")


def audit(claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """Every claim of the register with its recomputed readings, verdict and arithmetic (columns: OUTPUT_COLUMNS)."""
    rows = []
    for _, c in claims.iterrows():
        res = check_claim(c, data)
        best = next((r for r, m in zip(res.readings, res.matches) if m.matched), res.readings[0] if res.readings else None)
        rows.append({
            "claim_id": c["claim_id"],
            "report": c["report"],
            "location": c["location"],
            "statement": c["statement"],
            "printed": c["printed"],
            "recomputed": "" if best is None or best.value is None else best.display(),
            "verdict": res.verdict,
            "note": _verdict_note(c, res),
            "unit": c["unit"] if isinstance(c["unit"], str) else "",
            "kind": c["kind"],
            "rule": c["rule"],
            "function": c["function"] if isinstance(c["function"], str) else "",
            "args": c["args"] if isinstance(c["args"], str) else "",
            "readings": " | ".join(
                f"{r.name}: {'-' if r.value is None else r.display()} ({'matches' if m.matched else 'no match'})"
                for r, m in zip(res.readings, res.matches)),
            "matching_readings": "; ".join(r.name for r, m in zip(res.readings, res.matches) if m.matched),
            "arithmetic": " | ".join(
                (f"{r.name}: " if len(res.readings) > 1 else "") + f"{r.arithmetic} -> {m.detail}"
                for r, m in zip(res.readings, res.matches)),
            "grim": " | ".join(
                (f"{r.name}: " if len(res.readings) > 1 else "") + g[1]
                for r, g in zip(res.readings, res.grims) if g is not None),
            # 'no' when a printed value is impossible for its n under some reading; '' when nothing was checked
            "grim_possible": "" if all(g is None for g in res.grims)
            else ("no" if any(g is not None and not g[0] for g in res.grims) else "yes"),
        })
    return pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))


def numeric_points(results: pd.DataFrame, claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """One row per printed number and reading of a numeric claim: printed against recomputed (for the figure).

    A range or a 'mean (min-max)' gives one point per printed number, each compared on its own
    (``matched``); shares (``most``/``all``) and texts have no printed number and are left out.
    """
    rows = []
    rules = ("exact", "rounded", "transcribed", "range", "maximum", "approximate")
    verdicts = results.set_index("claim_id")["verdict"]
    for _, c in claims.iterrows():
        if c["rule"] not in rules:
            continue
        numbers = compare.parse_numbers(c["printed"])
        for r in readings_for(c["function"], parse_args(c.get("args")), data):
            if r.value is None or isinstance(r.value, str):
                continue
            values = list(r.value) if isinstance(r.value, tuple) else [r.value]
            if len(values) != len(numbers):
                continue
            part_rule = c["rule"] if c["rule"] in ("exact", "approximate") else "rounded"
            for i, (p, v) in enumerate(zip(numbers, values)):
                matched = compare.compare(part_rule, p.text, v).matched
                rows.append({"claim_id": c["claim_id"], "report": c["report"], "unit": c["unit"] if isinstance(c["unit"], str) else "",
                             "kind": c["kind"], "part": i, "printed": float(p.value), "recomputed": float(to_fraction(v)),
                             "reading": r.name, "matched": matched, "verdict": verdicts[c["claim_id"]]})
    return pd.DataFrame(rows, columns=["claim_id", "report", "unit", "kind", "part", "printed", "recomputed", "reading", "matched", "verdict"])


def output_table(results: pd.DataFrame) -> pd.DataFrame:
    """The table written to ``tables/claims-audit``: the required columns first."""
    return results[list(OUTPUT_COLUMNS)].copy()


def verdict_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Claims per report and verdict (all three verdicts always shown), with totals."""
    t = pd.crosstab(results["report"], pd.Categorical(results["verdict"], categories=VERDICTS), dropna=False)
    t.columns = list(VERDICTS)
    t["total"] = t.sum(axis=1)
    t.loc["all"] = t.sum()
    t.index.name = "report"
    return t.reset_index()


def grim_table(results: pd.DataFrame) -> pd.DataFrame:
    """The claims that carry a GRIM-style check, one row per claim; ``_impossible`` flags those that fail it."""
    g = results[results["grim"] != ""]
    out = g[["claim_id", "printed", "verdict", "grim"]].reset_index(drop=True)
    return out.assign(_impossible=(g["grim_possible"] == "no").to_numpy())


def register_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims the register holds, by report and comparison rule."""
    return claims.groupby(["report", "rule"]).size().rename("claims").reset_index()


def register_view(results: pd.DataFrame) -> pd.DataFrame:
    """The audit for reading: the columns a reviewer checks, with flags for rows to highlight."""
    shown = results[["claim_id", "location", "printed", "recomputed", "verdict", "readings", "arithmetic", "grim", "note"]]
    return shown.assign(_inconsistent=results["verdict"] == "inconsistent",
                        _not_derivable=results["verdict"] == "not derivable")


def summary(results: pd.DataFrame) -> str:
    """A short Markdown summary generated from the results."""
    n = len(results)
    by = results.groupby("report")["verdict"].value_counts().unstack(fill_value=0)
    lines = [f"The register holds **{n} claims**: "
             + "; ".join(f"{rep} {int(by.loc[rep].sum())}" for rep in by.index) + "."]
    for rep in by.index:
        parts = [f"{int(by.loc[rep].get(v, 0))} {v}" for v in VERDICTS]
        lines.append(f"- **{rep}**: " + ", ".join(parts) + ".")
    bad = results[results["verdict"] == "inconsistent"]
    if len(bad):
        lines.append("")
        lines.append(f"The {len(bad)} inconsistent claims:")
        for _, r in bad.iterrows():
            unit = "%" if r["unit"] == "%" else ""
            lines.append(f"- `{r['claim_id']}` ({r['location']}): printed **{r['printed']}**, recomputed {r['recomputed']}{unit} — {r['statement']}")
    else:
        lines.append("")
        lines.append("No claim is inconsistent with the data.")
    return "\n".join(lines) + "\n"


# --- what one missing lesion would need to be ------------------------------------------------------

def missing_lesion_scenarios_from_register(data: AuditData, claims: pd.DataFrame) -> pd.DataFrame:
    """:func:`missing_lesion_scenarios` with every printed number taken from the claims register."""
    printed = claims.set_index("claim_id")["printed"]

    def count(claim_id: str) -> int:
        return int(compare.parse_numbers(printed[claim_id])[0].value)

    return missing_lesion_scenarios(
        data, count("sts-results-lesions"), count("sts-results-injections"),
        printed["sts-results-reduction-w4"], printed["sts-results-reduction-w12"],
        printed["sts-results-complete-remission"], printed["sts-results-remaining-mean"],
    )


def missing_lesion_scenarios(data: AuditData, lesions: int, injections: int, week4_mean: str, week12_mean: str,
                             complete_pct: str, remaining_mean: str) -> pd.DataFrame:
    """Which extra lesion (injections k, printed week-4 and week-12 reductions x and y, both integers)
    would make the printed Results summaries consistent under the per-lesion, printed-% reading.

    The printed numbers are passed in (from the register); the search tries k = 1..4, x, y = 0..100.
    A hypothesis, not a verdict: it shows how far the Results are from Table 1.
    """
    have = len(data.series["lesions"])
    if lesions - have != 1:
        return pd.DataFrame(columns=["injections", "week4_pct", "week12_pct"])
    base_inj = sum(w for _, w in _injections_per_lesion(data))
    w4 = [_F(v) for v in _measured(data, 4)["reduction_printed_pct"]]
    m12 = _measured(data, 12)
    w12 = [_F(v) for v in m12["reduction_printed_pct"]]
    p4, p12, pc, pr = (compare.parse_numbers(t)[0] for t in (week4_mean, week12_mean, complete_pct, remaining_mean))
    rows = []
    ks = [k for k in range(1, 5) if base_inj + k == injections]
    for k, x, y in itertools.product(ks, range(101), range(101)):
        if not compare.matches_printed((sum(w4) + x) / (len(w4) + 1), p4).matched:
            continue
        w12_all = w12 + [Fraction(y)]
        if not compare.matches_printed(sum(w12_all) / len(w12_all), p12).matched:
            continue
        sizes12 = list(m12["size_mm"]) + [0 if y == 100 else 1]
        complete = sum(1 for s in sizes12 if s == 0)
        if not compare.matches_printed(Fraction(100 * complete, len(sizes12)), pc).matched:
            continue
        rest = [v for v, s in zip(w12_all, sizes12) if s != 0]
        if not rest or not compare.matches_printed(sum(rest) / len(rest), pr).matched:
            continue
        rows.append({"injections": k, "week4_pct": x, "week12_pct": y})
    return pd.DataFrame(rows, columns=["injections", "week4_pct", "week12_pct"])
