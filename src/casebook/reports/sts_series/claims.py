"""Recompute functions for report 2's claims: counts, demographics, sites, regimens and events.

Each takes the series' validated tables (never the report's analysis modules: the audit is a second, independent
derivation) and returns its readings. Sizes and reductions are in :mod:`.claims_outcomes`.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt
from casebook.audit.model import Grim, Reading, Tables, recompute
from casebook.audit.readings import F, mean, row, rows, share, transcribed
from casebook.reports.sts_series.claim_rows import _measurements, _patients
from casebook.reports.sts_series.terms import regimen_name

_EXTREMITIES = ("upper extremity", "lower extremity")


# --- sts-series: counts and descriptive ----------------------------------------------------------

@recompute("patient_count")
def patient_count(data: Tables, diagnosis: str = "", sex: str = "") -> list[Reading]:
    p = _patients(data)
    what = "patients"
    if diagnosis:
        p, what = p[p["diagnosis"] == diagnosis], f"{diagnosis} patients"
    if sex:
        p, what = p[p["sex"] == sex], f"{sex} {what}"
    ids = list(p["patient_id"])
    return [Reading(f"{what} in the data", Fraction(len(ids)), f"{what}: {', '.join(ids)} = {len(ids)}")]


@recompute("lesion_count", kind="count_lesions")
def lesion_count(data: Tables) -> list[Reading]:
    les, pat = data["lesions"], _patients(data)
    return [
        Reading("lesions with a size in Table 1", Fraction(len(les)), f"{', '.join(les['lesion_id'])} = {len(les)}", key="lesions"),
        Reading("rows of Table 1 (one per patient)", Fraction(len(pat)), f"{', '.join(pat['patient_id'])} = {len(pat)}",
                key="table-rows"),
    ]


def _injections_per_lesion(data: Tables) -> list[tuple[str, int]]:
    reg = data["regimens"].set_index("patient_id")
    return [(r["lesion_id"], int(reg.loc[r["patient_id"], "sessions"])) for r in rows(data["lesions"])]


@recompute("injection_count", kind="count_injections")
def injection_count(data: Tables) -> list[Reading]:
    per_lesion = _injections_per_lesion(data)
    reg = data["regimens"]
    per_visit = [(r["patient_id"], int(r["sessions"])) for r in rows(reg)]
    a = sum(w for _, w in per_lesion)
    b = sum(w for _, w in per_visit)
    return [
        Reading("per lesion (a single injection = 1, weekly = 1 per week per lesion)", Fraction(a),
                "+".join(f"{w}" for _, w in per_lesion) + f" ({', '.join(lid for lid, _ in per_lesion)}) = {a}", key="per-lesion"),
        Reading("per treatment visit (1 per patient per week)", Fraction(b),
                "+".join(f"{w}" for _, w in per_visit) + f" ({', '.join(p for p, _ in per_visit)}) = {b}", key="per-visit"),
    ]


@recompute("max_treatment_weeks")
def max_treatment_weeks(data: Tables) -> list[Reading]:
    reg = data["regimens"]
    weeks = [int(w) for w in reg["sessions"]]
    return [Reading("longest regimen", Fraction(max(weeks)), f"max({', '.join(map(str, weeks))}) = {max(weeks)} weeks")]


@recompute("dose_range", kind="range")
def dose_range(data: Tables) -> list[Reading]:
    reg = data["regimens"]
    lo, hi = min(F(v) for v in reg["dose_min_mg"]), max(F(v) for v in reg["dose_max_mg"])
    return [Reading("smallest and largest dose of any treatment", (lo, hi),
                    f"min({', '.join(fmt(F(v)) for v in reg['dose_min_mg'])}) = {fmt(lo)}; "
                    f"max({', '.join(fmt(F(v)) for v in reg['dose_max_mg'])}) = {fmt(hi)}", key="all")]


@recompute("concentration")
def concentration(data: Tables) -> list[Reading]:
    reg = data["regimens"]
    values = sorted({F(v) for v in reg["concentration_mg_per_ml"]})
    study = F(row(data["study"], "key", "concentration")["value"])
    if len(values) != 1:
        return [Reading("concentration of every regimen", None, f"several concentrations: {', '.join(fmt(v) for v in values)}")]
    return [Reading("concentration of every regimen (transcribed)", values[0],
                    f"all {len(reg)} regimens: {fmt(values[0])} mg/ml; study table: {fmt(study)} mg/ml")]


@recompute("measurement_weeks")
def measurement_weeks(data: Tables) -> list[Reading]:
    weeks = sorted({int(w) for w in data["measurements"]["week"] if w > 0})
    return [Reading("weeks with measurements after baseline", tuple(Fraction(w) for w in weeks),
                    f"weeks > 0 in measurements: {', '.join(map(str, weeks))}", shown=" and ".join(map(str, weeks)))]


@recompute("study_value")
def study_value(data: Tables, key: str) -> list[Reading]:
    r = row(data["study"], "key", key)
    values = tuple(F(v) for v in str(r["value"]).split(";"))
    value = values[0] if len(values) == 1 else values
    return [Reading(f"study table '{key}' (transcribed)", value, f"study.csv {key} = {r['value']} {r['unit']}")]


@recompute("study_period")
def study_period(data: Tables) -> list[Reading]:
    import calendar

    s = data["study"].set_index("key")["value"]
    (y1, m1), (y2, m2) = (map(int, s[k].split("-")) for k in ("period_start", "period_end"))
    text = (f"{calendar.month_name[m1]} to {calendar.month_name[m2]} {y2}" if y1 == y2
            else f"{calendar.month_name[m1]} {y1} to {calendar.month_name[m2]} {y2}")
    return [Reading("study period (transcribed)", text, f"study.csv period {s['period_start']} to {s['period_end']} = '{text}'")]


@recompute("mean_age")
def mean_age(data: Tables) -> list[Reading]:
    p = _patients(data)
    return [mean("all patients in Table 1", [(r["patient_id"], F(r["age_years"])) for r in rows(p)], Fraction(1))]


@recompute("age_range", kind="range")
def age_range(data: Tables) -> list[Reading]:
    p = _patients(data)
    ages = [int(a) for a in p["age_years"]]
    return [Reading("all patients in Table 1", (Fraction(min(ages)), Fraction(max(ages))),
                    f"min({', '.join(map(str, ages))}) = {min(ages)}; max = {max(ages)}", key="all")]


@recompute("patient_age", cell="patients:{patient}.age_years")
def patient_age(data: Tables, patient: str) -> list[Reading]:
    return transcribed(_patients(data), "patients.csv", "patient_id", patient, "age_years", f"age of {patient}")


@recompute("all_female")
def all_female(data: Tables) -> list[Reading]:
    p = _patients(data)
    return [share("patients recorded as women", list(p.loc[p["sex"] == "female", "patient_id"]), list(p["patient_id"]), "patients")]


@recompute("ssc_anti_centromere_positive")
def ssc_anti_centromere_positive(data: Tables) -> list[Reading]:
    p = _patients(data)
    ssc = p[p["diagnosis"] == "SSc"]
    return [share("SSc patients recorded as anti-centromere positive",
                   list(ssc.loc[ssc["anti_centromere"] == "positive", "patient_id"]), list(ssc["patient_id"]), "SSc patients")]


@recompute("diagnoses_within")
def diagnoses_within(data: Tables, diagnoses: str) -> list[Reading]:
    allowed = diagnoses.split(",")
    p = _patients(data)
    return [share(f"patients with a diagnosis in {{{', '.join(allowed)}}}",
                   list(p.loc[p["diagnosis"].isin(allowed), "patient_id"]), list(p["patient_id"]), "patients")]


def _lesion_share(data: Tables, ok) -> list[Reading]:
    les = data["lesions"]
    hits = [r["lesion_id"] for r in rows(les) if ok(r)]
    per_patient = [pid for pid, g in les.groupby("patient_id", sort=True) if all(ok(r) for r in rows(g))]
    return [
        share("per lesion", hits, list(les["lesion_id"]), "lesions", key="per-lesion"),
        share("per patient (all of the patient's lesions)", per_patient, sorted(set(les["patient_id"])), "patients",
              key="per-patient"),
    ]


@recompute("lesions_on_extremities", kind="share_lesions")
def lesions_on_extremities(data: Tables) -> list[Reading]:
    return _lesion_share(data, lambda r: r["region"] in _EXTREMITIES)


@recompute("lesions_extensor_or_fingertip", kind="share_lesions")
def lesions_extensor_or_fingertip(data: Tables) -> list[Reading]:
    return _lesion_share(data, lambda r: r["region"] in _EXTREMITIES and r["site_class"] in ("extensor", "fingertip"))


def _baseline_with_regimen(data: Tables) -> pd.DataFrame:
    m = _measurements(data)
    base = m[m["week"] == 0].merge(data["lesions"][["lesion_id", "site_class"]], on="lesion_id")
    base["regimen"] = base["patient_id"].map(data["regimens"].set_index("patient_id").apply(regimen_name, axis=1))
    return base


def _detail(base: pd.DataFrame) -> str:
    return "; ".join(f"{r['lesion_id']} {r['site_class']} {fmt(F(r['size_mm']))} mm {r['regimen']}" for r in rows(base))


@recompute("single_injection_rule")
def single_injection_rule(data: Tables, max_size_mm: str = "5") -> list[Reading]:
    """The rule as stated: every fingertip lesion under the size limit had a single injection."""
    limit, base = F(max_size_mm), _baseline_with_regimen(data)
    tips = base[(base["site_class"] == "fingertip") & (base["size_mm"] < float(limit))]
    a = share(f"fingertip lesions < {fmt(limit)} mm that had a single injection",
              list(tips.loc[tips["regimen"] == "single", "lesion_id"]), list(tips["lesion_id"]), "such lesions")
    return [Reading(a.name, a.value, a.arithmetic + f" [{_detail(base)}]", a.shown)]



@recompute("weekly_regimen_weeks", kind="allocation_rule")
def weekly_regimen_weeks(data: Tables, weeks: str) -> list[Reading]:
    w = int(weeks)
    reg = data["regimens"]
    weekly = reg[reg.apply(regimen_name, axis=1) == "weekly"]
    alive = set(_patients(data).loc[lambda p: p["vital_status"] == "alive", "patient_id"])
    done = weekly[weekly["patient_id"].isin(alive)]
    return [
        share(f"weekly regimens lasting {w} weeks", list(weekly.loc[weekly["sessions"] == w, "patient_id"]),
              list(weekly["patient_id"]), "weekly regimens", key="as-stated"),
        share(f"weekly regimens lasting {w} weeks, patients who did not die during treatment",
              list(done.loc[done["sessions"] == w, "patient_id"]), list(done["patient_id"]), "weekly regimens", key="excluding-died"),
    ]


@recompute("regimen_weeks")
def regimen_weeks(data: Tables, patient: str) -> list[Reading]:
    return transcribed(data["regimens"], "regimens.csv", "patient_id", patient, "sessions",
                        f"weeks of treatment of {patient}")


@recompute("regimen_dose", kind="dose_summary")
def regimen_dose(data: Tables, patient: str) -> list[Reading]:
    r = row(data["regimens"], "patient_id", patient)
    mean, lo, hi = F(r["dose_mean_mg"]), F(r["dose_min_mg"]), F(r["dose_max_mg"])
    value = mean if int(r["sessions"]) == 1 else (mean, lo, hi)
    shown = fmt(mean) if int(r["sessions"]) == 1 else f"{fmt(mean)} ({fmt(lo)}-{fmt(hi)})"
    weeks = int(r["sessions"])
    n_lesions = int((data["lesions"]["patient_id"] == patient).sum())
    base = f"regimens.csv {patient}: mean {fmt(mean)}, min {fmt(lo)}, max {fmt(hi)} mg; {weeks} treatment(s)"
    out = [Reading(f"one dose per treatment (n={weeks})", value, base, shown, Grim("mean_range", weeks), key="per-treatment")]
    if n_lesions > 1 and int(r["sessions"]) != 1:
        out.append(Reading(f"one dose per lesion per treatment (n={weeks * n_lesions})", value,
                           base + f" × {n_lesions} lesions", shown, Grim("mean_range", weeks * n_lesions), key="per-lesion"))
    return out


from casebook.reports.sts_series import claims_events, claims_outcomes, omission  # noqa: E402,F401 - register the rest
