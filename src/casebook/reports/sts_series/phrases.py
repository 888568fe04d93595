"""Phrases of the series' case summary: each says one thing about any mix of patients in this project's words
(one or several patients, men, women or sex not reported, several diagnoses, schedules and concentrations)."""

from __future__ import annotations

import pandas as pd

from casebook.reports.sts_series.terms import PERIOD_OF, is_abbreviation, label, month, regimen_name
from casebook.text import join, number, plural

_SEX_NOUNS = {"female": ("woman", "women"), "male": ("man", "men")}


def period(start, end, of) -> str | None:
    """'The series covers patients identified from July 2014 to December 2014.' (what the period covers is the data's)."""
    start, end = month(start), month(end)
    if not (start and end):
        return None
    verb = of if of in PERIOD_OF else None
    if verb is None:
        return f"The series covers the period from {start} to {end}."
    return f"The series covers patients {verb} from {start} to {end}." if start != end else f"The series covers patients {verb} in {start}."


def sexes(pat: pd.DataFrame) -> str | None:
    """', all women', ', 3 women and 2 men', ', a man', ', 2 women and 1 patient of unreported sex'."""
    counts = pat["sex"].dropna().value_counts(sort=False)
    if counts.empty or counts.sum() != len(pat):
        return None
    known = {s: int(n) for s, n in counts.items() if s in _SEX_NOUNS}
    unknown = len(pat) - sum(known.values())
    if not known:
        return "sex not reported" if len(pat) > 1 else None
    if len(known) == 1 and not unknown:
        sex, n = next(iter(known.items()))
        return f"{'both' if n == 2 else 'all'} {_SEX_NOUNS[sex][1]}" if n > 1 else f"a {_SEX_NOUNS[sex][0]}"
    parts = [f"{n} {_SEX_NOUNS[s][0 if n == 1 else 1]}" for s, n in known.items()]
    if unknown:
        parts.append(f"{unknown} {plural(unknown, 'patient')} of unreported sex")
    return join(parts)


def ages(ov: dict) -> str:
    if ov["patients"] == 1:
        return f"aged {ov['age_min']} years"
    spread = f"aged {ov['age_min']} to {ov['age_max']} years" if ov["age_min"] != ov["age_max"] else f"all aged {ov['age_min']} years"
    return f"{spread} (mean {number(ov['age_mean'], 1)}, median {number(ov['age_median'], 1)})"


def diagnoses(tables, pat: pd.DataFrame) -> str | None:
    """'5 had systemic sclerosis (SSc; 2 of them limited cutaneous ...) and 1 had ...' or 'the patient had ...'."""
    parts = []
    for code, rows in pat.groupby("diagnosis", sort=False):
        words = label(tables, "patients", "diagnosis", code)
        text = f"{words} ({code})" if is_abbreviation(code) and words != code else words
        subtypes = rows["diagnosis_subtype"].dropna() if "diagnosis_subtype" in rows else pd.Series(dtype=object)
        if len(subtypes):
            sub = [f"{n} {label(tables, 'patients', 'diagnosis_subtype', s)} ({s})" for s, n in subtypes.value_counts(sort=False).items()]
            text += f", of whom {join(sub)}" if len(rows) > 1 else f", {label(tables, 'patients', 'diagnosis_subtype', subtypes.iloc[0])}"
        parts.append(f"{len(rows)} had {text}" if len(pat) > 1 else f"the patient had {text}")
    return join(parts) if parts else None


def _schedule_phrase(name: str, group: pd.DataFrame) -> str:
    lo, hi = int(group["sessions"].min()), int(group["sessions"].max())
    span = f"{lo}" if lo == hi else f"{lo} to {hi}"
    if name == "single":
        return "a single injection"
    if name == "weekly":
        return f"weekly injections for {span} {plural(hi, 'week')}"
    if name == "monthly":
        return f"monthly injections for {span} {plural(hi, 'month')}"
    return f"injections {name} ({span} {plural(hi, 'session')})"


def regimens(reg: pd.DataFrame) -> str | None:
    if reg.empty:
        return None
    names = reg.apply(regimen_name, axis=1)
    groups = [(name, reg[names == name]) for name in dict.fromkeys(names)]
    n = len(reg)
    if len(groups) == 1:
        phrase = _schedule_phrase(*groups[0])
        return f"Every patient received {phrase}." if n > 1 else f"The patient received {phrase}."
    parts = [f"{len(g)} received {_schedule_phrase(name, g)}" if i == 0 else f"{len(g)} {_schedule_phrase(name, g)}"
             for i, (name, g) in enumerate(groups)]
    return f"Of the {n} patients, {join(parts)}."


def concentrations(reg: pd.DataFrame) -> str | None:
    """'The injected solution contained 150 mg/ml sodium thiosulphate.' or, mixed, each with its patients."""
    conc = reg["concentration_mg_per_ml"].dropna().astype(float)
    if conc.empty:
        return None
    counts = conc.value_counts(sort=False).sort_index()
    if len(counts) == 1:
        return f"The injected solution contained {number(counts.index[0], 2)} mg/ml sodium thiosulphate."
    parts = [f"{number(c, 2)} mg/ml for {n} {plural(n, 'patient')}" for c, n in counts.items()]
    return f"The injected solution contained sodium thiosulphate at {join(parts)}."


def complications(tables, comp: pd.DataFrame | None, pat_ids: list[str]) -> str | None:
    if comp is None:
        return None
    if comp.empty or comp["complication"].dropna().empty:
        return "No complication is recorded for any patient."
    recorded = comp[comp["patient_id"].isin(pat_ids)]
    missing = len(set(pat_ids) - set(recorded["patient_id"]))
    words = {"transient pain": "transient pain at the injection", "infection": "an infection", "other": "another complication"}
    items = []  # (patients, what they had)
    order = ("transient pain", "infection", "ulceration", "necrosis", "other")
    kinds = [k for k in order if k in set(recorded["complication"])]
    for kind in kinds + [k for k in dict.fromkeys(recorded["complication"]) if k not in (*order, "none")]:
        rows = recorded[recorded["complication"] == kind]
        what = words.get(kind) or label(tables, "complications", "complication", kind).lower()
        weeks = sorted(int(w) for w in rows["week"].dropna())
        if weeks:
            what += f" ({plural(len(weeks), 'week')} {join([str(w) for w in weeks])})"
        items.append((rows["patient_id"].nunique(), what))
    none = int(recorded.groupby("patient_id")["complication"].apply(lambda c: set(c) == {"none"}).sum())
    if none:
        items.append((none, "none"))
    if not items:
        return None
    if len(pat_ids) == 1:
        said = [what for _, what in items]
        return "The patient had no complication." if said == ["none"] else f"As complications, the patient had {join(said)}."
    text = "As complications, " + join([f"{n} {plural(n, 'patient')} had {what}" for n, what in items]) + "."
    if missing:
        text += f" No complications are recorded for {missing} {plural(missing, 'patient')}."
    return text


def owner(died: pd.DataFrame) -> str:
    """'her', 'his' or 'their' for the patients who died."""
    sexes_ = set(died["sex"])
    if len(died) > 1 or len(sexes_) != 1 or sexes_ <= {"not reported"}:
        return "their"
    return "her" if sexes_ == {"female"} else "his"


def change(mean: float, median: float, n: int = 2) -> str:
    """'had fallen by a mean of 57.3% (median 60%)'; growth as growth: 'had grown by a mean of 10%'; one lesion:
    'had fallen by 33.3%'."""
    verb = "fallen" if mean >= 0 else "grown"
    if n == 1:
        return f"had {verb} by {number(abs(mean), 1)}%" if mean else "was unchanged"
    if median == 0 and mean != 0:
        return f"had {verb} by a mean of {number(abs(mean), 1)}% (median no change)"
    text = f"had {verb} by a mean of {number(abs(mean), 1)}%"
    if (median >= 0) == (mean >= 0):
        return text + f" (median {number(abs(median), 1)}%)"
    return text + f" (median: {'a fall' if median >= 0 else 'growth'} of {number(abs(median), 1)}%)"


def grown(rows: pd.DataFrame, sites: pd.Series) -> str | None:
    """'Lesion L9 (knee) had grown by 10% (30 to 33 mm).' for the lesions larger than at baseline."""
    rows = rows[rows["reduction_recomputed_pct"] < 0]
    if rows.empty:
        return None
    parts = [(f"{r.lesion_id} ({sites[r.lesion_id]})", f"by {number(-r.reduction_recomputed_pct, 1)}% "
              f"({number(r.baseline_mm)} to {number(r.size_mm)} mm)") for r in rows.itertuples()]
    if len(parts) == 1:
        return f"Lesion {parts[0][0]} had grown {parts[0][1]}."
    return f"{len(parts)} lesions had grown: {join([f'{who} {how}' for who, how in parts])}."
