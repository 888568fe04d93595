"""Recompute functions for report 1's claims (each takes the case's validated tables)."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from casebook.audit.compare import fmt
from casebook.audit.model import Reading, Tables, recompute
from casebook.audit.readings import F, row, share, transcribed
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


def _text(label: str, value: str, source: str) -> list[Reading]:
    return [Reading(f"{label} (transcribed)", value, f"{source} = '{value}'")]


@recompute("case_field")
def case_field(data: Tables, field: str) -> list[Reading]:
    return _text(f"case {field}", str(data["case"].iloc[0][field]), f"case.csv {field}")


@recompute("investigation_or_finding")
def investigation_or_finding(data: Tables, id: str) -> list[Reading]:  # noqa: A002 - the register's argument name
    if id.startswith("F"):
        return _text(f"finding {id}", row(data["findings"], "finding_id", id)["finding_printed"], f"findings.csv {id} finding_printed")
    r = row(data["investigations"], "investigation_id", id)
    return _text(r["test"], r["result_printed"], f"investigations.csv {id} result_printed")


@recompute("treatment_field")
def treatment_field(data: Tables, treatment: str, field: str) -> list[Reading]:
    return _text(f"{field} of {treatment}", str(row(data["treatments"], "treatment_id", treatment)[field]),
                 f"treatments.csv {treatment} {field}")


@recompute("outcome_text")
def outcome_text(data: Tables, outcome: str) -> list[Reading]:
    r = row(data["outcomes"], "outcome_id", outcome)
    return _text(f"outcome {outcome}", r["result_printed"], f"outcomes.csv {outcome} result_printed")


@recompute("findings_recorded")
def findings_recorded(data: Tables, findings: str, timepoint: str = "") -> list[Reading]:
    """The share of the named findings that the findings table records (at ``timepoint`` when given)."""
    f = data["findings"]
    if timepoint:
        f = f[f["timepoint"] == timepoint]
    have = set(f["finding"].str.casefold())
    named = [x.strip() for x in findings.split(",")]
    where = f" at '{timepoint}'" if timepoint else ""
    return [share(f"named findings recorded{where}", [x for x in named if x.casefold() in have], named, "findings")]


@recompute("treatments_without_improvement")
def treatments_without_improvement(data: Tables, before: str) -> list[Reading]:
    """Treatments started before ``before`` whose recorded response reports no improvement."""
    t = data["treatments"].sort_values(["sequence", "treatment_id"])
    start = t.loc[t["agent"] == before, "sequence"].min()
    earlier = t[t["sequence"] < start]
    poor = [r["treatment_id"] for _, r in earlier.iterrows() if "improv" not in r["response"].casefold()]
    s = share(f"treatments before {before} without a reported improvement", poor, list(earlier["treatment_id"]), "treatments")
    responses = "; ".join(f"{r['treatment_id']} {r['agent']}: {r['response']}" for _, r in earlier.iterrows())
    return [Reading(s.name, s.value, f"{s.arithmetic} [{responses}]", s.shown)]


@recompute("treatment_order")
def treatment_order(data: Tables) -> list[Reading]:
    """Consecutive treatments (by id, the printed order) whose recorded sequence does not go backwards."""
    t = data["treatments"].sort_values("treatment_id")
    pairs = list(zip(t["treatment_id"], t["sequence"], strict=False))
    steps = [f"{a}->{b}" for (a, sa), (b, sb) in zip(pairs, pairs[1:], strict=False) if sb >= sa]
    return [share("printed order kept by the sequence column", steps,
                  [f"{a}->{b}" for (a, _), (b, _) in zip(pairs, pairs[1:], strict=False)], "steps")]
