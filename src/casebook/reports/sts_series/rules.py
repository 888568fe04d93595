"""Logical rules of report 2's tables that a column schema cannot express (see casebook.data.rules)."""

from __future__ import annotations

import pandas as pd

from casebook.data.rules import line
from casebook.exceptions import Problem


def check(t: dict[str, pd.DataFrame], f: dict[str, str]) -> list[Problem]:
    out: list[Problem] = []
    reg, meas, les, pat = t["regimens"], t["measurements"], t["lesions"], t["patients"]
    for i, r in reg.iterrows():
        if not r["dose_min_mg"] <= r["dose_mean_mg"] <= r["dose_max_mg"]:
            out.append(Problem(f["regimens"], line(i), "dose_mean_mg",
                               f"mean dose {r['dose_mean_mg']:g} is not within its range {r['dose_min_mg']:g}-{r['dose_max_mg']:g}"))
        if r["regimen"] == "single" and (r["weeks"] != 1 or r["dose_min_mg"] != r["dose_max_mg"]):
            out.append(Problem(f["regimens"], line(i), "regimen",
                               "a single injection has one dose: weeks must be 1 and the dose minimum equal the maximum"))
    for pid in sorted(set(pat["patient_id"]) - set(les["patient_id"])):
        i = pat.index[pat["patient_id"] == pid][0]
        out.append(Problem(f["patients"], line(i), "patient_id", f"patient '{pid}' has no lesion in {f['lesions']}"))
    for pid in sorted(set(pat["patient_id"]) - set(reg["patient_id"])):
        i = pat.index[pat["patient_id"] == pid][0]
        out.append(Problem(f["patients"], line(i), "patient_id", f"patient '{pid}' has no regimen in {f['regimens']}"))
    for i, m in meas.iterrows():
        measured = m["status"] == "measured"
        if measured and pd.isna(m["size_mm"]):
            out.append(Problem(f["measurements"], line(i), "size_mm", "status is 'measured' but the size is missing"))
        if not measured and pd.notna(m["size_mm"]):
            out.append(Problem(f["measurements"], line(i), "size_mm", f"status is '{m['status']}' but a size is given"))
        if m["week"] == 0 and pd.notna(m["reduction_printed_pct"]):
            out.append(Problem(f["measurements"], line(i), "reduction_printed_pct", "a baseline (week 0) row has no reduction"))
    baseline = meas[meas["week"] == 0].set_index("lesion_id")["size_mm"]
    for i, m in meas[(meas["week"] == 0) & (meas["size_mm"] == 0)].iterrows():
        out.append(Problem(f["measurements"], line(i), "size_mm",
                           f"baseline size of lesion '{m['lesion_id']}' is 0 mm: a reduction from it is undefined"))
    for lid in sorted(set(les["lesion_id"]) - set(baseline.dropna().index)):
        i = les.index[les["lesion_id"] == lid][0]
        message = f"lesion '{lid}' has no measured baseline (week 0) size in {f['measurements']}"
        out.append(Problem(f["lesions"], line(i), "lesion_id", message))
    for i, m in meas[meas["week"] > 0].iterrows():
        base = baseline.get(m["lesion_id"])
        if pd.notna(m["size_mm"]) and base is not None and pd.notna(base) and m["size_mm"] > base:
            out.append(Problem(f["measurements"], line(i), "size_mm",
                               f"size {m['size_mm']:g} mm at week {m['week']} is larger than the baseline {base:g} mm "
                               f"of lesion '{m['lesion_id']}'"))
    return out
