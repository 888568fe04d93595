"""CARE items judged from report 1's structured data (see casebook.publish.care)."""

from __future__ import annotations

import pandas as pd

from casebook.publish.care import judge


def items(t: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    c = t["case"].iloc[0]
    pres = t["findings"][t["findings"]["timepoint"] == "presentation"]
    tr = t["treatments"]
    dated = tr["timing_months_from_onset"].notna().sum()
    kinds = sorted(set(t["investigations"]["kind"]))
    months = ", ".join(f"{m:g}" for m in sorted(set(t["outcomes"]["months_on_treatment"])))
    return {
        "patient information": (judge(pd.notna(c["age_at_presentation_months"]) and pd.notna(c["sex"])),
                                f"case.csv: {c['sex']}, {c['ancestry']}, {c['age_at_presentation_months']} months"),
        "clinical findings": (judge(len(pres) > 0), f"findings.csv: {len(pres)} findings at presentation"),
        "timeline": (judge(dated == len(tr), dated > 0),
                     f"treatments.csv: {dated} of {len(tr)} treatments dated; the others in order only"),
        "diagnostic assessment": (judge(len(kinds) >= 2, len(kinds) == 1),
                                  f"investigations.csv: {len(t['investigations'])} investigations ({', '.join(kinds)})"),
        "therapeutic intervention": (judge(len(tr) > 0), f"treatments.csv: {len(tr)} treatments with agent, route, regimen"),
        "follow-up and outcomes": (judge(len(t["outcomes"]) > 0),
                                   f"outcomes.csv: {len(t['outcomes'])} outcomes at {months} months"),
    }
