"""CARE items graded from report 1's structured data, field by field (see casebook.publish.care)."""

from __future__ import annotations

import pandas as pd

from casebook.publish.care import Element
from casebook.text import join


def _known(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype(str).str.strip() != "") & (s.astype(str) != "not reported")


def _field(tr: pd.DataFrame, column: str, name: str, label: str) -> Element:
    ok = _known(tr[column])
    lacking = join(list(dict.fromkeys(tr.loc[~ok, "agent_printed"])))
    return Element(name, int(ok.sum()), len(tr), f"not reported for {lacking}" if lacking else "")


def items(t: dict[str, pd.DataFrame]) -> dict[str, list[Element]]:
    c = t["case"].iloc[0]
    f, inv, tr, out = t["findings"], t["investigations"], t["treatments"], t["outcomes"]
    pres = f[f["timepoint"] == "presentation"]
    lab = inv[inv["kind"] == "laboratory"]
    valued = lab[lab["value"].notna()]
    scores_at_presentation = (t["muscle_scores"]["timepoint"] == "presentation").sum()
    demographics = sum(pd.notna(c[x]) and str(c[x]) != "" for x in ("age_at_presentation_months", "sex", "ancestry"))
    return {
        "patient information": [
            Element(f"age, sex and ancestry ({c['age_at_presentation_months']} months, {c['sex']}, {c['ancestry']})",
                    demographics, 3),
            Element("presenting symptoms", int(len(pres) > 0)),
            Element("medical, family and psychosocial history", 0, 1, "not reported"),
        ],
        "clinical findings": [
            Element("findings at presentation", int(len(pres) > 0)),
            Element("muscle strength scores at presentation", int(scores_at_presentation > 0), 1,
                    "scores are printed only on initial treatment"),
        ],
        "timeline": [
            Element("age at onset", 0, 1, "not reported (only the age at presentation is)"),
            _field(tr, "timing", "start of each treatment", "timing"),
            Element("time of the outcome assessment", int(out["months_on_treatment"].notna().sum()), len(out)),
        ],
        "diagnostic assessment": [
            Element("laboratory tests with a value", len(valued), len(lab),
                    f"no value for {join(list(lab.loc[lab['value'].isna(), 'test']))}"),
            Element("imaging", int((inv["kind"] == "imaging").any())),
            Element("electromyography", int((inv["kind"] == "electrophysiology").any())),
            Element("muscle biopsy", int((inv["kind"] == "histology").any()), 1, "not reported"),
        ],
        "therapeutic intervention": [
            _field(tr, "route", "route", "route"),
            Element("dose or concentration", int(tr["concentration_pct"].notna().sum()), len(tr),
                    f"not reported for {join(list(dict.fromkeys(tr.loc[tr['concentration_pct'].isna(), 'agent_printed'])))}"),
            _field(tr, "regimen", "frequency", "regimen"),
            _field(tr, "timing", "start date", "timing"),
            Element("duration or stop date", 0, len(tr), "not reported for any treatment"),
        ],
        "follow-up and outcomes": [
            Element("outcomes assessed", int(len(out) > 0)),
            Element("measured outcome (size, count or score)", 0, 1, "improvement reported in words only"),
            Element("adverse events", 0, 1, "neither reported nor stated absent"),
            Element("patient-reported outcomes", 0, 1, "not reported"),
        ],
    }
