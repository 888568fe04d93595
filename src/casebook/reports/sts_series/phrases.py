"""Phrases of the series' case summary: each says one thing about any mix of patients in this project's words
(one or several patients, men, women or sex not reported, several diagnoses, schedules and concentrations).

Every number a phrase writes is bound with ``bind`` (a :class:`casebook.manuscript.prose.Binder`): the phrase holds
``{{ name }}`` where the reader sees the number, and the value keeps the function that computed it. The sources
of each sentence are cited beside it in ``summary.md.j2``.
"""

from __future__ import annotations

import pandas as pd

from casebook.reports.sts_series import measures
from casebook.reports.sts_series.terms import PERIOD_OF, is_abbreviation, label, month, regimen_name
from casebook.text import in_parentheses, join, plural

_SEX_NOUNS = {"female": ("woman", "women"), "male": ("man", "men")}


def period(start, end, of, bind) -> str | None:
    """'The series covers patients identified from July 2014 to December 2014.' (what the period covers is the data's)."""
    start, end = month(start), month(end)
    if not (start and end):
        return None
    first, last = bind("period_start", start, month), bind("period_end", end, month)
    verb = of if of in PERIOD_OF else None
    if verb is None:
        return f"The series covers the period from {first} to {last}."
    if start == end:
        return f"The series covers patients {verb} in {first}."
    return f"The series covers patients {verb} from {first} to {last}."


def sexes(pat: pd.DataFrame, bind) -> str | None:
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
    parts = [f"{bind('n_' + _SEX_NOUNS[s][1], n, sexes)} {_SEX_NOUNS[s][0 if n == 1 else 1]}" for s, n in known.items()]
    if unknown:
        parts.append(f"{bind('n_sex_not_reported', unknown, sexes)} {plural(unknown, 'patient')} of unreported sex")
    return join(parts)


def ages(ov: dict, bind) -> str:
    src = "casebook.reports.sts_series.outcomes.series_overview"
    lo = bind("age_min", ov["age_min"], src)
    if ov["patients"] == 1:
        return f"aged {lo} years"
    spread = f"aged {lo} to {bind('age_max', ov['age_max'], src)} years" if ov["age_min"] != ov["age_max"] else \
        f"all aged {lo} years"
    return f"{spread} (mean {bind('age_mean', ov['age_mean'], src)}, median {bind('age_median', ov['age_median'], src)})"


def diagnoses(tables, pat: pd.DataFrame, bind) -> str | None:
    """'5 had systemic sclerosis (SSc; 2 of them limited cutaneous ...) and 1 had ...' or 'the patient had ...'."""
    parts = []
    for code, rows in pat.groupby("diagnosis", sort=False):
        words = label(tables, "patients", "diagnosis", code)
        text = f"{words} ({code})" if is_abbreviation(code) and words != code else words
        subtypes = rows["diagnosis_subtype"].dropna() if "diagnosis_subtype" in rows else pd.Series(dtype=object)
        if len(subtypes):
            sub = [f"{bind('n_' + s, n, diagnoses)} {label(tables, 'patients', 'diagnosis_subtype', s)} ({s})"
                   for s, n in subtypes.value_counts(sort=False).items()]
            text += f", of whom {join(sub)}" if len(rows) > 1 else f", {label(tables, 'patients', 'diagnosis_subtype', subtypes.iloc[0])}"
        parts.append(f"{bind('n_' + str(code), len(rows), diagnoses)} had {text}" if len(pat) > 1 else f"the patient had {text}")
    return join(parts) if parts else None


def _schedule_phrase(name: str, group: pd.DataFrame, bind) -> str:
    if name == "single":
        return "a single injection"
    lo, hi = int(group["sessions"].min()), int(group["sessions"].max())
    span = str(bind("sessions_min", lo, regimens))
    if lo != hi:
        span += f" to {bind('sessions_max', hi, regimens)}"
    if name == "weekly":
        return f"weekly injections for {span} {plural(hi, 'week')}"
    if name == "monthly":
        return f"monthly injections for {span} {plural(hi, 'month')}"
    every = int(group["interval"].iloc[0])
    unit = str(group["interval_unit"].iloc[0])
    return f"injections every {bind('interval', every, regimens)} {unit}s ({span} {plural(hi, 'session')})"


def regimens(reg: pd.DataFrame, bind) -> str | None:
    if reg.empty:
        return None
    names = reg.apply(regimen_name, axis=1)
    groups = [(name, reg[names == name]) for name in dict.fromkeys(names)]
    n = len(reg)
    if len(groups) == 1:
        phrase = _schedule_phrase(*groups[0], bind)
        return f"Every patient received {phrase}." if n > 1 else f"The patient received {phrase}."
    parts = [f"{bind('n_regimen', len(g), regimens)} {'received ' if i == 0 else ''}{_schedule_phrase(name, g, bind)}"
             for i, (name, g) in enumerate(groups)]
    return f"Of the {bind('n_patients', n, regimens)} patients, {join(parts)}."


def concentrations(reg: pd.DataFrame, bind) -> str | None:
    """'The injected solution contained 150 mg/ml sodium thiosulphate.' or, mixed, each with its patients."""
    conc = reg["concentration_mg_per_ml"].dropna().astype(float)
    if conc.empty:
        return None
    counts = conc.value_counts(sort=False).sort_index()
    if len(counts) == 1:
        only = bind("concentration", counts.index[0], concentrations, decimals=2)
        return f"The injected solution contained {only} mg/ml sodium thiosulphate."
    parts = [f"{bind('concentration', c, concentrations, decimals=2)} mg/ml for {bind('n_concentration', n, concentrations)} "
             f"{plural(n, 'patient')}" for c, n in counts.items()]
    return f"The injected solution contained sodium thiosulphate at {join(parts)}."


_WORDS = {"transient pain": "transient pain at the injection", "infection": "an infection", "other": "another complication"}
_ORDER = ("transient pain", "infection", "ulceration", "necrosis", "other")


def _complication_items(tables, recorded: pd.DataFrame, bind) -> list[tuple]:
    """(patients, what they had) per kind of complication, in a fixed order, then 'none reported'."""
    items = []
    kinds = [k for k in _ORDER if k in set(recorded["complication"])]
    for kind in kinds + [k for k in dict.fromkeys(recorded["complication"]) if k not in (*_ORDER, "none")]:
        rows = recorded[recorded["complication"] == kind]
        what = _WORDS.get(kind) or label(tables, "complications", "complication", kind).lower()
        weeks = sorted(int(w) for w in rows["week"].dropna())
        if weeks:
            what += f" ({plural(len(weeks), 'week')} {join([str(bind('week', w, complications)) for w in weeks])})"
        n = rows["patient_id"].nunique()
        items.append((bind("n_" + kind, n, complications), what))
    none = int(recorded.groupby("patient_id")["complication"].apply(lambda c: set(c) == {"none"}).sum())
    if none:
        items.append((bind("n_none", none, complications), "none reported"))
    return items


def complications(tables, comp: pd.DataFrame | None, pat_ids: list[str], bind) -> str | None:
    """What the complications table records: by kind, the patients who had it (and 'none reported')."""
    if comp is None:
        return None
    if comp.empty or comp["complication"].dropna().empty:
        return "No complication is recorded for any patient."
    items = _complication_items(tables, comp[comp["patient_id"].isin(pat_ids)], bind)
    if not items:
        return None
    if len(pat_ids) == 1:
        said = [what for _, what in items]
        return "No complication was reported for the patient." if said == ["none reported"] else \
            f"As complications, the patient had {join(said)}."
    return "As complications, " + join([f"{n} {plural(n, 'patient')} had {what}" for n, what in items]) + "."


def unrecorded_complications(comp: pd.DataFrame | None, pat_ids: list[str], bind) -> str | None:
    """'No complications are recorded for 1 patient.' where the table has rows, but none for some patients."""
    if comp is None or comp.empty or comp["complication"].dropna().empty:
        return None
    missing = len(set(pat_ids) - set(comp["patient_id"]))
    if not missing:
        return None
    return f"No complications are recorded for {bind('n_unrecorded', missing, unrecorded_complications)} {plural(missing, 'patient')}."


def owner(died: pd.DataFrame) -> str:
    """'her', 'his' or 'their' for the patients who died."""
    sexes_ = set(died["sex"])
    if len(died) > 1 or len(sexes_) != 1 or sexes_ <= {"not reported"}:
        return "their"
    return "her" if sexes_ == {"female"} else "his"


def change(mean: float, median: float, n: int, bind, week: int) -> str:
    """'had fallen by a mean of 57.3% (median 60%)'; growth as growth: 'had grown by a mean of 10%'; one lesion:
    'had fallen by 33.3%'."""
    src = "casebook.reports.sts_series.outcomes.outcomes"
    verb = "fallen" if mean >= 0 else "grown"
    shown = bind(f"w{week}_mean", abs(mean), src)
    if n == 1:
        return f"had {verb} by {shown}%" if mean else "was unchanged"
    if median == 0 and mean != 0:
        return f"had {verb} by a mean of {shown}% (median no change)"
    text = f"had {verb} by a mean of {shown}%"
    med = bind(f"w{week}_median", abs(median), src)
    if (median >= 0) == (mean >= 0):
        return text + f" (median {med}%)"
    return text + f" (median: {'a fall' if median >= 0 else 'growth'} of {med}%)"


def grown(rows: pd.DataFrame, sites: pd.Series, bind) -> str | None:
    """'Lesion L9 (knee) had grown by 10% (30 to 33 mm).' for the lesions larger than at baseline."""
    rows = rows[rows["reduction_recomputed_pct"] < 0]
    if rows.empty:
        return None
    src = measures.reductions
    parts = [(f"{bind('lesion', r.lesion_id, src)} {in_parentheses(sites[r.lesion_id])}",
              f"by {bind('growth_pct', -r.reduction_recomputed_pct, src)}% ({bind('baseline_mm', r.baseline_mm, src, decimals=None)} "
              f"to {bind('size_mm', r.size_mm, src, decimals=None)} mm)") for r in rows.itertuples()]
    if len(parts) == 1:
        return f"Lesion {parts[0][0]} had grown {parts[0][1]}."
    return f"{bind('n_grown', len(parts), src)} lesions had grown: {join([f'{who} {how}' for who, how in parts])}."
