"""Views of the audit's results: tables for the notebook and the written table, the figure's points, the summary."""

from __future__ import annotations

import pandas as pd

from casebook.audit import compare
from casebook.audit.compare import to_fraction
from casebook.audit.model import OUTPUT_COLUMNS, VERDICTS, AuditData, parse_args, readings_for


def numeric_points(results: pd.DataFrame, claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """One row per printed number and reading of a numeric claim: printed against recomputed (for the figure).

    A range or a 'mean (min-max)' gives one point per printed number, each compared on its own
    (``matched``); shares (``most``/``all``) and texts have no printed number and are left out.
    """
    rows = []
    rules = ("exact", "rounded", "transcribed", "range", "maximum", "approximate")
    verdicts = results.set_index("claim_id")["verdict"]
    for _, c in claims.iterrows():
        if c["rule"] not in rules:
            continue
        numbers = compare.parse_numbers(c["printed"])
        for r in readings_for(c["function"], parse_args(c.get("args")), data):
            if r.value is None or isinstance(r.value, str):
                continue
            values = list(r.value) if isinstance(r.value, tuple) else [r.value]
            if len(values) != len(numbers):
                continue
            part_rule = c["rule"] if c["rule"] in ("exact", "approximate") else "rounded"
            for i, (p, v) in enumerate(zip(numbers, values, strict=False)):
                matched = compare.compare(part_rule, p.text, v).matched
                rows.append({"claim_id": c["claim_id"], "report": c["report"], "unit": c["unit"] if isinstance(c["unit"], str) else "",
                             "kind": c["kind"], "part": i, "printed": float(p.value), "recomputed": float(to_fraction(v)),
                             "reading": r.name, "matched": matched, "verdict": verdicts[c["claim_id"]]})
    columns = ["claim_id", "report", "unit", "kind", "part", "printed", "recomputed", "reading", "matched", "verdict"]
    return pd.DataFrame(rows, columns=columns)


TABLE_CAPTION = "Claims audit: every number printed in the two reports, recomputed from the data"


def output_table(results: pd.DataFrame) -> pd.DataFrame:
    """The table written to ``tables/claims-audit``: the required columns first."""
    return results[list(OUTPUT_COLUMNS)].copy()


def verdict_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Claims per report and verdict (all three verdicts always shown), with totals."""
    t = pd.crosstab(results["report"], pd.Categorical(results["verdict"], categories=VERDICTS), dropna=False)
    t.columns = list(VERDICTS)
    t["total"] = t.sum(axis=1)
    t.loc["all"] = t.sum()
    t.index.name = "report"
    return t.reset_index()


def grim_table(results: pd.DataFrame) -> pd.DataFrame:
    """The claims that carry a GRIM-style check, one row per claim; ``_impossible`` flags those that fail it."""
    g = results[results["grim"] != ""]
    out = g[["claim_id", "printed", "verdict", "grim"]].reset_index(drop=True)
    return out.assign(_impossible=(g["grim_possible"] == "no").to_numpy())


def register_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims the register holds, by report and comparison rule."""
    return claims.groupby(["report", "rule"]).size().rename("claims").reset_index()


def register_view(results: pd.DataFrame) -> pd.DataFrame:
    """The audit for reading: the columns a reviewer checks, with flags for rows to highlight."""
    shown = results[["claim_id", "location", "printed", "recomputed", "verdict", "readings", "arithmetic", "grim", "note"]]
    return shown.assign(_inconsistent=results["verdict"] == "inconsistent",
                        _not_derivable=results["verdict"] == "not derivable")


def summary(results: pd.DataFrame) -> str:
    """A short Markdown summary generated from the results."""
    n = len(results)
    by = results.groupby("report")["verdict"].value_counts().unstack(fill_value=0)
    lines = [f"The register holds **{n} claims**: "
             + "; ".join(f"{rep} {int(by.loc[rep].sum())}" for rep in by.index) + "."]
    for rep in by.index:
        parts = [f"{int(by.loc[rep].get(v, 0))} {v}" for v in VERDICTS]
        lines.append(f"- **{rep}**: " + ", ".join(parts) + ".")
    bad = results[results["verdict"] == "inconsistent"]
    if len(bad):
        lines.append("")
        lines.append(f"The {len(bad)} inconsistent claims:")
        for _, r in bad.iterrows():
            unit = "%" if r["unit"] == "%" else ""
            lines.append(f"- `{r['claim_id']}` ({r['location']}): printed **{r['printed']}**, "
                         f"recomputed {r['recomputed']}{unit} — {r['statement']}")
    else:
        lines.append("")
        lines.append("No claim is inconsistent with the data.")
    return "\n".join(lines) + "\n"
