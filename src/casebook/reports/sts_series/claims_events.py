"""Recompute functions for report 2's claims on complications, deaths, follow-up and the published figure."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.model import Reading, Tables, recompute
from casebook.audit.readings import F, row, rows, share
from casebook.reports.sts_series.claim_rows import _joined_rows, _measured, _patients
from casebook.reports.sts_series.terms import regimen_name


@recompute("complication_week")
def complication_week(data: Tables, patient: str, complication: str) -> list[Reading]:
    c = data["complications"]
    r = c[(c["patient_id"] == patient) & (c["complication"] == complication)]
    if len(r) != 1 or pd.isna(r.iloc[0]["week"]):
        return [Reading(f"week of {complication} of {patient}", None, "no week in the data")]
    week = r.iloc[0]["week"]
    return [Reading(f"week of {complication} of {patient} (transcribed)", F(week),
                    f"complications.csv {patient} {complication} week = {week}")]


@recompute("complication_count")
def complication_count(data: Tables, complication: str) -> list[Reading]:
    c = data["complications"]
    ids = list(c.loc[c["complication"] == complication, "patient_id"])
    return [Reading(f"patients with {complication}", Fraction(len(ids)), f"{complication}: {', '.join(ids) or 'none'} = {len(ids)}")]


@recompute("complication_share", kind="share_patients")
def complication_share(data: Tables, complication: str) -> list[Reading]:
    c, p = data["complications"], _patients(data)
    reg = data["regimens"]
    hits = set(c.loc[c["complication"] == complication, "patient_id"])
    everyone = list(p["patient_id"])
    measured = {r["patient_id"] for r in _measured(data, 12)}
    followed = [pid for pid in everyone if pid in measured]
    weekly = list(reg.loc[reg.apply(regimen_name, axis=1) == "weekly", "patient_id"])
    return [
        share("all patients", [x for x in everyone if x in hits], everyone, "patients", key="all-patients"),
        share("patients followed to week 12", [x for x in followed if x in hits], followed, "patients", key="patients-followed"),
        share("patients with repeated injections", [x for x in weekly if x in hits], weekly, "patients", key="patients-weekly"),
    ]


@recompute("lost_to_follow_up")
def lost_to_follow_up(data: Tables, patient: str, week: str) -> list[Reading]:
    at = [r for r in _joined_rows(data) if r["patient_id"] == patient and r["week"] == int(week)]
    return [share(f"lesions of {patient} lost to follow-up at week {week}",
                   [r["lesion_id"] for r in at if r["status"] == "lost_to_follow_up"], [r["lesion_id"] for r in at], "lesions")]


@recompute("died_after_treatment")
def died_after_treatment(data: Tables, diagnosis: str) -> list[Reading]:
    p = _patients(data)
    who = p[p["diagnosis"] == diagnosis]
    if len(who) != 1:
        return [Reading(f"the {diagnosis} patient", None, f"{len(who)} {diagnosis} patients in the data")]
    r = who.iloc[0]
    weeks = int(row(data["regimens"], "patient_id", r["patient_id"])["sessions"])
    if r["vital_status"] != "died":
        return [Reading(f"{r['patient_id']} ({diagnosis})", None, f"{r['patient_id']} is recorded as {r['vital_status']}")]
    return [Reading(f"treatments of {r['patient_id']} ({diagnosis}, died)", Fraction(weeks),
                    f"{r['patient_id']} vital_status = died; weekly treatments given = {weeks}")]


def _figure_patient(data: Tables, site: str) -> pd.Series | None:
    p = _patients(data)
    les = data["lesions"]
    with_site = set(les.loc[les["site"].str.casefold() == site.casefold(), "patient_id"])
    hit = p[p["patient_id"].isin(with_site) & (p["sex"] == "female") & (p["diagnosis"] == "SSc")]
    return hit.iloc[0] if len(hit) == 1 else None


@recompute("figure_patient_age")
def figure_patient_age(data: Tables, site: str) -> list[Reading]:
    r = _figure_patient(data, site)
    if r is None:
        return [Reading(f"the woman with SSc and a {site} lesion", None, "not exactly one such patient")]
    return [Reading(f"age of the woman with SSc and a {site} lesion ({r['patient_id']})", F(r["age_years"]),
                    f"{r['patient_id']}: SSc, female, {site} lesion, age {r['age_years']}")]


@recompute("figure_patient_weeks")
def figure_patient_weeks(data: Tables, site: str) -> list[Reading]:
    r = _figure_patient(data, site)
    if r is None:
        return [Reading(f"the woman with SSc and a {site} lesion", None, "not exactly one such patient")]
    reg = row(data["regimens"], "patient_id", r["patient_id"])
    weekly = regimen_name(reg) == "weekly"
    value = Fraction(int(reg["sessions"])) if weekly else None
    schedule = f"{r['patient_id']}: {regimen_name(reg)} for {reg['sessions']} week(s)"
    return [Reading(f"weekly treatments of {r['patient_id']}", value, schedule)]


def _last_sizes(data: Tables) -> dict[str, dict]:
    """Each lesion's last measured follow-up row (with its baseline), by lesion id (sorted)."""
    last: dict[str, dict] = {}
    for r in _joined_rows(data):
        if r["week"] > 0 and r["status"] == "measured" and (r["lesion_id"] not in last or r["week"] >= last[r["lesion_id"]]["week"]):
            last[r["lesion_id"]] = r
    return dict(sorted(last.items()))


def _reduced(last: dict[str, dict], lesion: str) -> bool:
    return lesion in last and F(last[lesion]["size_mm"]) < F(last[lesion]["baseline_mm"])


def _by_patient(les: pd.DataFrame) -> dict[str, list[str]]:
    """Each patient's lesion ids (patients sorted)."""
    out: dict[str, list[str]] = {}
    for pid, lid in zip(les["patient_id"].tolist(), les["lesion_id"].tolist(), strict=True):
        out.setdefault(pid, []).append(lid)
    return dict(sorted(out.items()))


@recompute("lesions_reduced", kind="share_lesions")
def lesions_reduced(data: Tables) -> list[Reading]:
    """Partial or total remission: a lesion smaller at its last measurement than at baseline."""
    les, last = data["lesions"], _last_sizes(data)
    per_patient = [pid for pid, ids in _by_patient(les).items() if all(_reduced(last, x) for x in ids)]
    detail = "; ".join(f"{lid} {F(r['baseline_mm'])}->{F(r['size_mm'])} mm (week {r['week']})" for lid, r in last.items())
    a = share("per lesion", [x for x in les["lesion_id"] if _reduced(last, x)], list(les["lesion_id"]),
              "lesions smaller at the last measurement")
    return [Reading(a.name, a.value, f"{a.arithmetic} [{detail}]", a.shown, key="per-lesion"),
            share("per patient (all of the patient's lesions)", per_patient, sorted(set(les["patient_id"])), "patients",
                  key="per-patient")]


@recompute("patients_responding", kind="share_patients")
def patients_responding(data: Tables) -> list[Reading]:
    """Patients in partial or total remission: every lesion smaller at its last measurement than at baseline."""
    les, last = data["lesions"], _last_sizes(data)
    ok = [pid for pid, ids in _by_patient(les).items() if all(_reduced(last, x) for x in ids)]
    everyone = list(_patients(data)["patient_id"])
    followed = sorted({r["patient_id"] for r in _measured(data, 12)})
    return [share("all patients", [p for p in everyone if p in ok], everyone, "patients in partial or total remission", key="all-patients"),
            share("patients followed to week 12", [p for p in followed if p in ok], followed,
                  "patients in partial or total remission", key="patients-followed")]


@recompute("measured_before_death", kind="treatment_week")
def measured_before_death(data: Tables, diagnosis: str) -> list[Reading]:
    """The follow-up measurements of the patient who died, against the week of her last weekly treatment."""
    p = _patients(data)
    who = p[(p["diagnosis"] == diagnosis) & (p["vital_status"] == "died")]
    if len(who) != 1:
        return [Reading(f"the {diagnosis} patient who died", None, f"{len(who)} such patients in the data")]
    pid = who.iloc[0]["patient_id"]
    weeks = int(row(data["regimens"], "patient_id", pid)["sessions"])
    m = [r for r in _joined_rows(data) if r["patient_id"] == pid and r["week"] > 0 and r["status"] == "measured"]
    out = []
    for key, first, label in (("first-week-0", 0, "first injection in week 0"), ("first-week-1", 1, "first injection in week 1")):
        death = first + weeks - 1
        before = [f"{r['lesion_id']} week {r['week']}" for r in rows(m) if r["week"] <= death]
        every = [f"{r['lesion_id']} week {r['week']}" for r in rows(m)]
        s = share(f"{label}: measurements no later than the week of the last treatment", before, every, "measurements")
        arithmetic = (f"{pid}: {weeks} weekly treatments in weeks {first}-{death}, died shortly after the last (week {death}); "
                      f"{s.arithmetic}")
        out.append(Reading(s.name, s.value, arithmetic, s.shown, key=key))
    return out


@recompute("patient_complication")
def patient_complication(data: Tables, patient: str) -> list[Reading]:
    r = row(data["complications"], "patient_id", patient)
    return [Reading(f"complications of {patient} (transcribed)", r["complication_printed"],
                    f"complications.csv {patient} complication_printed = '{r['complication_printed']}'")]


@recompute("lesion_site")
def lesion_site(data: Tables, lesion: str) -> list[Reading]:
    r = row(data["lesions"], "lesion_id", lesion)
    return [Reading(f"site of {lesion} (transcribed)", r["site"], f"lesions.csv {lesion} site = '{r['site']}'")]
