"""Logical rules of report 1's tables that a column schema cannot express (see casebook.data.rules)."""

from __future__ import annotations

import pandas as pd

from casebook.data.rules import line
from casebook.exceptions import Problem


def check(t: dict[str, pd.DataFrame], f: dict[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for i, s in t["muscle_scores"].iterrows():
        if s["points"] > s["maximum"]:
            out.append(Problem(f["muscle_scores"], line(i), "points", f"{s['points']:g} points exceed the maximum {s['maximum']:g}"))
    for i, r in t["investigations"].iterrows():
        if pd.notna(r["value"]) and pd.isna(r["unit"]):
            out.append(Problem(f["investigations"], line(i), "unit", "a value is given without its unit"))
        if pd.notna(r["upper_limit"]) != pd.notna(r["upper_limit_source"]):
            out.append(Problem(f["investigations"], line(i), "upper_limit_source",
                               "say whether the upper limit was printed or assumed, exactly when a limit is given"))
    return out
