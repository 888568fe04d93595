"""Logical rules of report 2's tables that a column schema cannot express (see casebook.data.rules).

Real outcomes are not errors: a lesion may grow (a size above its baseline), a visit may be missed
(``not_recorded``), a patient may be a man or of unreported sex. What is refused is data that contradict
themselves: a size with a status that says it was not measured, a printed reduction whose sign the sizes
contradict, a lesion measured again after it was declared lost to follow-up (see data/README.md), a single
session with an interval.
"""

from __future__ import annotations

import pandas as pd

from casebook.data.rules import line
from casebook.data.vocabulary import group
from casebook.exceptions import Problem
from casebook.reports.sts_series import study_rules


def check(t: dict[str, pd.DataFrame], f: dict[str, str]) -> list[Problem]:
    return [*_regimens(t, f), *_coverage(t, f), *_measurements(t, f), *_follow_up(t, f), *study_rules.check(t, f),
            *_subtypes(t, f)]


def _regimens(t, f) -> list[Problem]:
    out = []
    for i, r in t["regimens"].iterrows():
        if not r["dose_min_mg"] <= r["dose_mean_mg"] <= r["dose_max_mg"]:
            out.append(Problem(f["regimens"], line(i), "dose_mean_mg",
                               f"mean dose {r['dose_mean_mg']:g} is not within its range {r['dose_min_mg']:g}-{r['dose_max_mg']:g}"))
        if r["sessions"] == 1:
            if pd.notna(r["interval"]) or pd.notna(r["interval_unit"]):
                out.append(Problem(f["regimens"], line(i), "interval",
                                   "a single session has no interval: leave interval and interval_unit empty"))
            if r["dose_min_mg"] != r["dose_max_mg"]:
                out.append(Problem(f["regimens"], line(i), "dose_min_mg",
                                   "a single session has one dose: the minimum must equal the maximum"))
        else:
            for column in ("interval", "interval_unit"):
                if pd.isna(r[column]):
                    out.append(Problem(f["regimens"], line(i), column, f"{int(r['sessions'])} sessions need an interval and its unit"))
    return out


def _coverage(t, f) -> list[Problem]:
    out = []
    pat, les, reg = t["patients"], t["lesions"], t["regimens"]
    for table, what in ((les, "lesion"), (reg, "regimen")):
        for pid in sorted(set(pat["patient_id"]) - set(table["patient_id"])):
            i = pat.index[pat["patient_id"] == pid][0]
            name = "lesions" if what == "lesion" else "regimens"
            out.append(Problem(f["patients"], line(i), "patient_id", f"patient '{pid}' has no {what} in {f[name]}"))
    return out


def _measurements(t, f) -> list[Problem]:
    out = []
    meas, les = t["measurements"], t["lesions"]
    file = f["measurements"]
    for i, m in meas.iterrows():
        measured = m["status"] == "measured"
        if measured and pd.isna(m["size_mm"]):
            out.append(Problem(file, line(i), "size_mm", "status is 'measured' but the size is missing"))
        if not measured and pd.notna(m["size_mm"]):
            out.append(Problem(file, line(i), "size_mm", f"status is '{m['status']}' but a size is given"))
        if m["week"] == 0 and pd.notna(m["reduction_printed_pct"]):
            out.append(Problem(file, line(i), "reduction_printed_pct", "a baseline (week 0) row has no reduction"))
    baseline = meas[(meas["week"] == 0) & (meas["status"] == "measured")].set_index("lesion_id")["size_mm"]
    for i, m in meas[(meas["week"] == 0) & (meas["size_mm"] == 0)].iterrows():
        out.append(Problem(file, line(i), "size_mm",
                           f"baseline size of lesion '{m['lesion_id']}' is 0 mm: a reduction from it is undefined"))
    for lid in sorted(set(les["lesion_id"]) - set(baseline.dropna().index)):
        i = les.index[les["lesion_id"] == lid][0]
        out.append(Problem(f["lesions"], line(i), "lesion_id", f"lesion '{lid}' has no measured baseline (week 0) size in {file}"))
    for i, m in meas[(meas["week"] > 0) & meas["size_mm"].notna() & meas["reduction_printed_pct"].notna()].iterrows():
        base = baseline.get(m["lesion_id"])
        if base is None or pd.isna(base) or base <= 0:
            continue
        change, printed = base - m["size_mm"], m["reduction_printed_pct"]
        if (change > 0 and printed < 0) or (change < 0 and printed > 0) or (change == 0 and printed != 0):
            sizes = f"{base:g} mm at baseline, {m['size_mm']:g} mm at week {m['week']}"
            out.append(Problem(file, line(i), "reduction_printed_pct",
                               f"printed reduction {printed:g}% disagrees in sign with the sizes ({sizes}): "
                               "a lesion that grew has a negative reduction"))
    return out


def _follow_up(t, f) -> list[Problem]:
    """A lesion declared lost to follow-up is out of follow-up: a later row with a size contradicts it."""
    out = []
    meas = t["measurements"]
    for lid, rows in meas.groupby("lesion_id", sort=False):
        lost = rows.loc[rows["status"] == "lost_to_follow_up", "week"]
        if lost.empty:
            continue
        first = int(lost.min())
        for i, m in rows[(rows["week"] > first) & (rows["status"] == "measured")].iterrows():
            out.append(Problem(f["measurements"], line(i), "status",
                               f"lesion '{lid}' is measured at week {int(m['week'])} after being lost to follow-up at week {first}: "
                               "if it only missed that visit, mark week "
                               f"{first} 'not_recorded'"))
    return out


def _subtypes(t, f) -> list[Problem]:
    vocab = getattr(t, "vocabulary", None)
    pat = t["patients"]
    if vocab is None or "diagnosis_subtype" not in pat:
        return []
    out = []
    for i, p in pat[pat["diagnosis_subtype"].notna()].iterrows():
        parent = group(vocab, "patients", "diagnosis_subtype", p["diagnosis_subtype"])
        if parent and parent != p["diagnosis"]:
            out.append(Problem(f["patients"], line(i), "diagnosis_subtype",
                               f"subtype '{p['diagnosis_subtype']}' belongs to {parent}, not to the diagnosis '{p['diagnosis']}'"))
    return out
