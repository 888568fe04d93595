"""Recompute functions for report 2's claims on complications, deaths, follow-up and the published figure."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.model import Reading, Tables, recompute
from casebook.audit.readings import F, row, share
from casebook.reports.sts_series.claims import _measured, _measurements, _patients
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


@recompute("complication_share")
def complication_share(data: Tables, complication: str) -> list[Reading]:
    c, p = data["complications"], _patients(data)
    reg = data["regimens"]
    hits = set(c.loc[c["complication"] == complication, "patient_id"])
    everyone = list(p["patient_id"])
    followed = [pid for pid in everyone if pid in set(_measured(data, 12)["patient_id"])]
    weekly = list(reg.loc[reg.apply(regimen_name, axis=1) == "weekly", "patient_id"])
    return [
        share("all patients", [x for x in everyone if x in hits], everyone, "patients"),
        share("patients followed to week 12", [x for x in followed if x in hits], followed, "patients"),
        share("patients with repeated injections", [x for x in weekly if x in hits], weekly, "patients"),
    ]


@recompute("lost_to_follow_up")
def lost_to_follow_up(data: Tables, patient: str, week: str) -> list[Reading]:
    m = _measurements(data)
    rows = m[(m["patient_id"] == patient) & (m["week"] == int(week))]
    return [share(f"lesions of {patient} lost to follow-up at week {week}",
                   list(rows.loc[rows["status"] == "lost_to_follow_up", "lesion_id"]), list(rows["lesion_id"]), "lesions")]


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
