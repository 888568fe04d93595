"""Rules of report 2's ``study.csv``: the study facts checked on their own and against the other tables.

The facts are key/value rows, typed only as text by the schema, and the text and the article print them as they
are; so a period that ends before it starts, follow-up weeks that are not the weeks measured, or a study
concentration that no regimen used would reach the publication unnoticed. Each problem names the fact's line.
"""

from __future__ import annotations

import pandas as pd

from casebook.data.rules import line
from casebook.exceptions import Problem
from casebook.reports.sts_series.terms import PERIOD_OF, month
from casebook.text import join, number

NUMBERS = ("concentration", "single_injection_max_size", "repeated_regimen_weeks", "max_vas_pain")  # read as numbers


def check(t: dict[str, pd.DataFrame], f: dict[str, str]) -> list[Problem]:
    study = t.get("study")
    if study is None:
        return []
    facts = {r["key"]: (line(i), r) for i, r in study.iterrows()}
    return [*_period_of(facts, f), *_period(facts, f), *_numbers(facts, f), *_weeks(facts, t, f),
            *_concentration(facts, t, f)]


def _problem(f, fact, message: str) -> Problem:
    return Problem(f["study"], fact[0], "value", message)


def _period_of(facts, f) -> list[Problem]:
    fact = facts.get("period_of")
    if fact is None or fact[1]["value"] in PERIOD_OF:
        return []
    return [_problem(f, fact, f"'{fact[1]['value']}' is not what a study period covers: write "
                              f"{join(PERIOD_OF, ' or ')} (the patients the period covers)")]


def _period(facts, f) -> list[Problem]:
    out = []
    for key in ("period_start", "period_end"):
        if key in facts and month(facts[key][1]["value"]) is None:
            out.append(_problem(f, facts[key], f"'{facts[key][1]['value']}' is not a month: write it as YYYY-MM (e.g. 2014-07)"))
    if out or not {"period_start", "period_end"} <= set(facts):
        return out
    start, end = facts["period_start"], facts["period_end"]
    if end[1]["value"] < start[1]["value"]:  # YYYY-MM sorts as text in time order
        out.append(_problem(f, end, f"the period ends ({end[1]['value']}) before it starts ({start[1]['value']}, period_start "
                                    f"on line {start[0]}): correct the months, or swap them"))
    return out


def _number(value) -> float | None:
    try:
        x = float(str(value).strip())
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None  # NaN and infinity are no measurements


def _numbers(facts, f) -> list[Problem]:
    out = []
    for key in NUMBERS:
        if key in facts and _number(facts[key][1]["value"]) is None:
            unit = facts[key][1]["unit"]
            out.append(_problem(f, facts[key], f"'{facts[key][1]['value']}' is not a number: write {key} as one number"
                                               + (f" ({unit})" if pd.notna(unit) and unit else "")))
    return out


def _weeks(facts, t, f) -> list[Problem]:
    """Follow-up weeks: ascending whole numbers after baseline, the weeks the measurements have rows for."""
    fact = facts.get("follow_up_weeks")
    if fact is None:
        return []
    text = str(fact[1]["value"])
    parts = [p.strip() for p in text.split(";")]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        return [_problem(f, fact, f"'{text}' is not a list of follow-up weeks: write the weeks after baseline as whole "
                                  "numbers, ascending, separated by ';' (e.g. 4;12)")]
    weeks = [int(p) for p in parts]
    if weeks != sorted(set(weeks)):
        return [_problem(f, fact, f"'{text}': follow-up weeks ascend and each is listed once: write "
                                  f"{';'.join(map(str, sorted(set(weeks))))}")]
    measured = sorted({int(w) for w in t["measurements"]["week"] if w > 0})
    if weeks == measured:
        return []
    found = ", ".join(map(str, measured)) or "none"
    return [_problem(f, fact, f"follow_up_weeks {text} disagree with the weeks after baseline in {f['measurements']} "
                              f"({found}): write {';'.join(map(str, measured)) or 'the weeks measured'}, or correct "
                              f"the weeks in {f['measurements']}")]


def _concentration(facts, t, f) -> list[Problem]:
    """The study's concentration is the one every regimen used, unless its note says why they differ."""
    fact = facts.get("concentration")
    note = fact[1]["note"] if fact is not None else None
    if fact is None or _number(fact[1]["value"]) is None or (pd.notna(note) and str(note).strip()):
        return []
    stated = _number(fact[1]["value"])
    reg = t["regimens"]
    used = reg.groupby("concentration_mg_per_ml", sort=True)["patient_id"].agg(list)
    if list(used.index) == [stated]:
        return []
    shown = "; ".join(f"{number(c)} mg/ml for {join(ids)}" for c, ids in used.items())
    return [_problem(f, fact, f"concentration {number(stated)} mg/ml disagrees with {f['regimens']} ({shown}): correct "
                              "one of them, or say in this row's note why they differ")]
