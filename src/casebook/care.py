"""CARE case-report checklist: which of its 13 items each report covers.

Items about the case (patient information to follow-up) are judged from the structured data; items about the
report's text (title, abstract, discussion, consent, ...) from ``data/report-structure.csv``, a transcription of
which of those elements each report has.
"""

from __future__ import annotations

import pandas as pd

from casebook import paths
from casebook.load import load_dataset, load_table

CARE_ITEMS = (
    "title", "keywords", "abstract", "introduction", "patient information", "clinical findings", "timeline",
    "diagnostic assessment", "therapeutic intervention", "follow-up and outcomes", "discussion",
    "patient perspective", "informed consent",
)
_STATUS = {"yes": "covered", "partial": "partly covered", "no": "not covered"}


def _judge(ok: bool, partly: bool = False) -> str:
    return "covered" if ok else ("partly covered" if partly else "not covered")


def _case_items(t: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    c = t["case"].iloc[0]
    pres = t["findings"][t["findings"]["timepoint"] == "presentation"]
    tr = t["treatments"]
    dated = tr["timing_months_from_onset"].notna().sum()
    kinds = sorted(set(t["investigations"]["kind"]))
    return {
        "patient information": (_judge(pd.notna(c["age_at_presentation_months"]) and pd.notna(c["sex"])),
                                f"case.csv: {c['sex']}, {c['ancestry']}, {c['age_at_presentation_months']} months"),
        "clinical findings": (_judge(len(pres) > 0), f"findings.csv: {len(pres)} findings at presentation"),
        "timeline": (_judge(dated == len(tr), dated > 0),
                     f"treatments.csv: {dated} of {len(tr)} treatments dated; the others in order only"),
        "diagnostic assessment": (_judge(len(kinds) >= 2, len(kinds) == 1),
                                  f"investigations.csv: {len(t['investigations'])} investigations ({', '.join(kinds)})"),
        "therapeutic intervention": (_judge(len(tr) > 0), f"treatments.csv: {len(tr)} treatments with agent, route, regimen"),
        "follow-up and outcomes": (_judge(len(t["outcomes"]) > 0),
                                   f"outcomes.csv: {len(t['outcomes'])} outcomes at {', '.join(f'{m:g}' for m in sorted(set(t['outcomes']['months_on_treatment'])))} months"),
    }


def _series_items(t: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    p, m = t["patients"], t["measurements"]
    weeks = sorted(set(m["week"]))
    has_tests = (p["anti_centromere"] != "not reported").any()
    return {
        "patient information": (_judge(p[["age_years", "sex", "diagnosis"]].notna().all().all()),
                                f"patients.csv: age, sex and diagnosis of {len(p)} patients"),
        "clinical findings": (_judge(len(t["lesions"]) > 0), f"lesions.csv: {len(t['lesions'])} lesions with site; baseline sizes"),
        "timeline": (_judge(len(weeks) >= 2), f"measurements.csv: weeks {', '.join(str(w) for w in weeks)}; study.csv: recruitment period"),
        "diagnostic assessment": (_judge(False, has_tests),
                                  "patients.csv: diagnosis and anti-centromere status only; no diagnostic work-up of the lesions"),
        "therapeutic intervention": (_judge(len(t["regimens"]) == len(p)), f"regimens.csv: regimen, weeks, doses and concentration for {len(t['regimens'])} patients"),
        "follow-up and outcomes": (_judge(len(weeks) >= 2 and len(t["complications"]) > 0),
                                   f"measurements.csv: sizes at weeks {', '.join(str(w) for w in weeks if w)}; complications.csv: adverse events"),
    }


_FROM_DATA = {"jdm-case": _case_items, "sts-series": _series_items}


def care_checklist(report_id: str, data_dir: str | None = None) -> pd.DataFrame:
    """The 13 CARE items for one report: item number, item, status, basis and evidence."""
    from_data = _FROM_DATA[report_id](load_dataset(report_id, data_dir))
    structure = load_table(paths.DATA / "report-structure.csv", "", "report-structure")
    structure = structure[structure["report_id"] == report_id].set_index("element")
    rows = []
    for number, item in enumerate(CARE_ITEMS, start=1):
        if item in from_data:
            status, evidence = from_data[item]
            basis = "structured data"
        else:
            s = structure.loc[item]
            status, evidence, basis = _STATUS[s["present"]], s["evidence"], "report-structure.csv"
        rows.append({"item": number, "care_item": item, "status": status, "basis": basis, "evidence": evidence})
    return pd.DataFrame(rows)
