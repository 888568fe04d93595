"""CARE items graded from report 2's structured data, field by field (see casebook.publish.care)."""

from __future__ import annotations

import pandas as pd

from casebook.publish.care import Element
from casebook.reports.sts_series.terms import transcribed

# What report 2's text says about what its tables lack; an author's own data (primary) are only "not recorded".
AS_PRINTED = {"pain": "only the series' maximum VAS is printed", "death": "'shortly after the third treatment' only",
              "reported": "reported by the authors for the group only"}


def _count(df: pd.DataFrame, columns: list[str]) -> int:
    return int(df[columns].notna().all(axis=1).sum())


def items(t: dict[str, pd.DataFrame]) -> dict[str, list[Element]]:
    p, les, m, reg, comp, study = t["patients"], t["lesions"], t["measurements"], t["regimens"], t["complications"], t["study"]
    n, nl = len(p), len(les)
    weeks = sorted(set(m["week"]))
    ssc = p[p["diagnosis"] == "SSc"]
    events = comp[comp["complication"] != "none"]
    died = int((p["vital_status"] == "died").sum())
    multi = les.groupby("patient_id").size()
    base = m[m["week"] == 0]
    said = AS_PRINTED if transcribed(t) else dict.fromkeys(AS_PRINTED, "not recorded")
    return {
        "patient information": [
            Element("age, sex and diagnosis", _count(p, ["age_years", "sex", "diagnosis"]), n),
            Element("comorbidities and history", 0, n, "not reported"),
        ],
        "clinical findings": [
            Element("site of each lesion", int(les["site"].notna().sum()), nl),
            Element("baseline size of each lesion", int(base["size_mm"].notna().sum()), nl),
            Element("ulceration of each lesion", 0, nl, "not recorded per lesion"),
            Element("pain per patient", 0, n, said["pain"]),
        ],
        "timeline": [
            Element("follow-up weeks", int(len(weeks) >= 2)),
            Element("recruitment period", int({"period_start", "period_end"} <= set(study["key"]))),
            Element("start date of each patient's treatment", 0, n, "not reported"),
            Element("week of each complication", int(events["week"].notna().sum()), len(events),
                    "no week for transient pain"),
            Element("time of death", 0, died, said["death"]),
        ],
        "diagnostic assessment": [
            Element("diagnosis", int(p["diagnosis"].notna().sum()), n),
            Element("antibody status of the SSc patients", int((ssc["anti_centromere"] != "not reported").sum()), len(ssc)),
            Element("work-up of the lesions (imaging, histology)", 0, 1, "not reported"),
        ],
        "therapeutic intervention": [
            Element("regimen and number of treatments", _count(reg, ["sessions"]), len(reg)),
            Element("dose (mean and range per treatment)", _count(reg, ["dose_mean_mg", "dose_min_mg", "dose_max_mg"]), len(reg)),
            Element("concentration", int(reg["concentration_mg_per_ml"].notna().sum()), len(reg)),
            Element("dose of each injection", 0, len(reg), "only a mean and range per patient"),
            Element("dose per lesion or per visit, for patients with several lesions", 0, int((multi > 1).sum()), "not stated"),
        ],
        "follow-up and outcomes": [
            Element("size at each follow-up week (or the loss stated)", int(m.loc[m["week"] > 0, "status"].notna().sum()),
                    int((m["week"] > 0).sum())),
            Element("adverse events per patient", int(comp["patient_id"].nunique()), n),
            Element("patient-reported outcomes (pain, disability)", 0, n, said["reported"]),
        ],
    }
