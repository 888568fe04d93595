"""Report 1's tables: the case, findings, laboratory values, muscle scores and treatments, each row naming its data row."""

from __future__ import annotations

import pandas as pd

from casebook.exceptions import CasebookError

DATASET = "jdm-case"
DATA_ROW = "Data row"

# Order of finding groups in the findings table; domains not listed follow, alphabetically.
DOMAIN_ORDER = ("skin", "muscle", "constitutional", "joint")

# Printed precision of laboratory values and limits (the report prints "11.0 U/L", "19.3 U/L", "< 7.3 U/L").
# A test checks that values formatted this way appear verbatim in the printed result.
LAB_DECIMALS = 1

# The primary key column of each table of the dataset.
ID_COLUMNS = {
    "case": "case_id",
    "findings": "finding_id",
    "investigations": "investigation_id",
    "muscle_scores": "score_id",
    "treatments": "treatment_id",
    "outcomes": "outcome_id",
}

CAPTIONS = {
    "findings": "Clinical findings at presentation, grouped by domain.",
    "laboratory": "Laboratory values, with the upper reference limit and the value as a multiple of it (ULN).",
    "muscle-scores": "Muscle scores as points and as percent of the instrument's maximum.",
    "treatments": "Treatment history in the order the treatments were started, with the stated reason and response.",
    "criteria": "Bohan and Peter criteria for dermatomyositis met by the documented findings.",
    "timeline": "Case timeline: events in their known order; timing only where the report prints it.",
}


def is_present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA and value is not pd.NaT


def known(value) -> bool:
    """True for a value the report gives: not missing, and not 'not reported' (or 'not reported separately')."""
    if not is_present(value):
        return False
    return not (isinstance(value, str) and (value.strip() == "" or value.strip().lower().startswith("not reported")))


def _rows(df: pd.DataFrame, table: str) -> str:
    return "; ".join(df[ID_COLUMNS[table]].astype(str))


def _with_decimals(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    df.attrs["decimals"] = dict(decimals)
    return df


def the_case(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The single case row; a dataset with no case or several cases is an error."""
    case = tables["case"]
    if len(case) != 1:
        raise CasebookError(f"the {DATASET} dataset describes one case; found {len(case)} case rows")
    return case.iloc[0]


# --- Tables -----------------------------------------------------------------------------------------------------


def findings_table(tables: dict[str, pd.DataFrame], timepoint: str = "presentation") -> pd.DataFrame:
    """Findings documented at ``timepoint``, grouped by domain (skin, muscle, constitutional, joint)."""
    f = tables["findings"]
    f = f[f["timepoint"] == timepoint].copy()
    rank = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    f["_domain_rank"] = f["domain"].map(lambda d: rank.get(d, len(rank)))
    f = f.sort_values(["_domain_rank", "domain", "finding_id"], kind="stable")
    out = pd.DataFrame(
        {
            "Domain": f["domain"].str.capitalize(),
            "Finding": f["finding"],
            "Site": f["site"],
            DATA_ROW: f["finding_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {})


def uln_multiple(value: float, upper_limit: float) -> float:
    """Value as a multiple of the upper limit of normal, to two decimals (11.0 / 7.3 = 1.51)."""
    if not (is_present(value) and is_present(upper_limit)) or upper_limit <= 0:
        return float("nan")
    return round(float(value) / float(upper_limit), 2)


def lab_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Laboratory investigations: analyte, result, value, unit, upper limit, multiple of the ULN, when measured."""
    inv = tables["investigations"]
    lab = inv[inv["kind"] == "laboratory"]
    out = pd.DataFrame(
        {
            "Analyte": lab["test"].str[:1].str.upper() + lab["test"].str[1:],
            "Result": lab["result"],
            "Value": lab["value"].astype("float64"),
            "Unit": lab["unit"],
            "Upper reference limit": lab["upper_limit"].astype("float64"),
            "Limit": lab["upper_limit_source"],
            "Multiple of ULN": [uln_multiple(v, u) for v, u in zip(lab["value"], lab["upper_limit"], strict=False)],
            "When measured": lab["timepoint"],
            DATA_ROW: lab["investigation_id"],
            "Note": lab["note"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Value": LAB_DECIMALS, "Upper reference limit": LAB_DECIMALS, "Multiple of ULN": 2})


def percent_of_max(points: float, maximum: float) -> float:
    """Points as percent of the instrument's maximum, to one decimal (35/52 = 67.3)."""
    if not (is_present(points) and is_present(maximum)) or maximum <= 0:
        return float("nan")
    return round(100.0 * float(points) / float(maximum), 1)


def muscle_score_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Muscle scores: points, maximum and percent of maximum (CMAS out of 52, MMT8 out of 80)."""
    s = tables["muscle_scores"]
    out = pd.DataFrame(
        {
            "Instrument": s["instrument"],
            "Full name": s["instrument_name"],
            "Points": s["points"].astype("float64"),
            "Maximum": s["maximum"].astype("float64"),
            "Percent of maximum": [percent_of_max(p, m) for p, m in zip(s["points"], s["maximum"], strict=False)],
            "When measured": s["timepoint"],
            DATA_ROW: s["score_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Points": 0, "Maximum": 0, "Percent of maximum": 1})


def treatment_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Treatments in the order started: agent, route, regimen, concentration, timing, reason and stated response."""
    t = tables["treatments"].sort_values(["sequence", "treatment_id"], kind="stable")
    out = pd.DataFrame(
        {
            "Step": t["sequence"].astype("Int64"),
            "Agent": t["agent"],
            "As printed": t["agent_printed"],
            "Route": t["route"],
            "Regimen": t["regimen"],
            "Concentration (%)": t["concentration_pct"].astype("float64"),
            "Timing": t["timing"],
            "Months from onset": t["timing_months_from_onset"].astype("float64"),
            "Reason": t["reason"],
            "Response": t["response"],
            DATA_ROW: t["treatment_id"],
        }
    ).reset_index(drop=True)
    return _with_decimals(out, {"Concentration (%)": 0, "Months from onset": 0})


def present(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with numbers formatted to their stated decimals and missing values empty, ready to print."""
    decimals = df.attrs.get("decimals", {})
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if col in decimals:
            d = decimals[col]
            out[col] = [f"{float(v):.{d}f}" if is_present(v) else "" for v in s]
        else:
            out[col] = ["" if not is_present(v) else str(v) for v in s]
    out.attrs = {}
    return out
