"""CARE items judged from report 2's structured data (see casebook.publish.care)."""

from __future__ import annotations

import pandas as pd

from casebook.publish.care import judge


def items(t: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    p, m = t["patients"], t["measurements"]
    weeks = sorted(set(m["week"]))
    has_tests = (p["anti_centromere"] != "not reported").any()
    return {
        "patient information": (judge(p[["age_years", "sex", "diagnosis"]].notna().all().all()),
                                f"patients.csv: age, sex and diagnosis of {len(p)} patients"),
        "clinical findings": (judge(len(t["lesions"]) > 0), f"lesions.csv: {len(t['lesions'])} lesions with site; baseline sizes"),
        "timeline": (judge(len(weeks) >= 2), f"measurements.csv: weeks {', '.join(str(w) for w in weeks)}; study.csv: recruitment period"),
        "diagnostic assessment": (judge(False, has_tests),
                                  "patients.csv: diagnosis and anti-centromere status only; no diagnostic work-up of the lesions"),
        "therapeutic intervention": (judge(len(t["regimens"]) == len(p)),
                                     f"regimens.csv: sessions, interval, doses and concentration for {len(t['regimens'])} patients"),
        "follow-up and outcomes": (judge(len(weeks) >= 2 and len(t["complications"]) > 0),
                                   f"measurements.csv: sizes at weeks {', '.join(str(w) for w in weeks if w)}; "
                                   "complications.csv: adverse events"),
    }
