"""Recompute functions for report 1's claims (each takes the case's validated tables)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt
from casebook.audit.model import Reading, Tables, recompute
from casebook.audit.readings import F, row, transcribed
from casebook.text import fixed

# --- jdm-case --------------------------------------------------------------------------------------

@recompute("case_age")
def case_age(data: Tables) -> list[Reading]:
    months = int(data["case"].iloc[0]["age_at_presentation_months"])
    y, mo = divmod(months, 12)
    return [Reading("age at presentation (transcribed)", (Fraction(y), Fraction(mo)), f"{months} months = {y}×12 + {mo}",
                    shown=f"{y} y {mo} mo")]


@recompute("lab_value")
def lab_value(data: Tables, investigation: str) -> list[Reading]:
    r = row(data["investigations"], "investigation_id", investigation)
    shown = fixed(r["value"], 1)
    return [Reading(f"{r['test']} (transcribed)", F(r["value"]),
                    f"investigations.csv {investigation} value = {shown} {r['unit']}", shown=shown)]


@recompute("lab_upper_limit")
def lab_upper_limit(data: Tables, investigation: str) -> list[Reading]:
    test = row(data["investigations"], "investigation_id", investigation)["test"]
    return transcribed(data["investigations"], "investigations.csv", "investigation_id", investigation,
                        "upper_limit", f"upper limit of {test}")


@recompute("lab_elevated")
def lab_elevated(data: Tables, investigation: str) -> list[Reading]:
    r = row(data["investigations"], "investigation_id", investigation)
    v, uln = F(r["value"]), F(r["upper_limit"])
    up = v > uln
    return [Reading(f"{r['test']} above its upper limit", Fraction(int(up)),
                    f"{fmt(v)} {'>' if up else '<='} {fmt(uln)} {r['unit']} ({fmt(v / uln)} × upper limit)", shown="yes" if up else "no")]


@recompute("muscle_score")
def muscle_score(data: Tables, score: str) -> list[Reading]:
    r = row(data["muscle_scores"], "score_id", score)
    p, mx = F(r["points"]), F(r["maximum"])
    arithmetic = f"muscle_scores.csv {score}: {fmt(p)} of {fmt(mx)} ({fmt(p / mx * 100)}% of the maximum)"
    return [Reading(f"{r['instrument']} score (transcribed)", (p, mx), arithmetic, shown=f"{fmt(p)}/{fmt(mx)}")]


@recompute("treatment_timing_years")
def treatment_timing_years(data: Tables, treatment: str) -> list[Reading]:
    r = row(data["treatments"], "treatment_id", treatment)
    if pd.isna(r["timing_months_from_onset"]):
        return [Reading("timing", None, "no timing in the data")]
    months = F(r["timing_months_from_onset"])
    return [Reading(f"start of {r['agent']} from onset (transcribed)", months / 12,
                    f"{fmt(months)} months / 12 = {fmt(months / 12)} years")]


@recompute("treatment_concentration")
def treatment_concentration(data: Tables, treatment: str) -> list[Reading]:
    agent = row(data["treatments"], "treatment_id", treatment)["agent"]
    return transcribed(data["treatments"], "treatments.csv", "treatment_id", treatment, "concentration_pct",
                        f"concentration of {agent}")


@recompute("months_on_treatment")
def months_on_treatment(data: Tables, outcome: str) -> list[Reading]:
    return transcribed(data["outcomes"], "outcomes.csv", "outcome_id", outcome, "months_on_treatment",
                        "months on treatment at assessment")
