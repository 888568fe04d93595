"""Views of the audit's results: tables for the notebook and the written table, the figure's points, the summary."""

from __future__ import annotations

import pandas as pd

from casebook.audit import compare
from casebook.audit.compare import to_fraction
from casebook.audit.model import CHECKS, OUTPUT_COLUMNS, VERDICTS, AuditData, parse_args, readings_for


def numeric_points(results: pd.DataFrame, claims: pd.DataFrame, data: AuditData) -> pd.DataFrame:
    """One row per printed number and reading of a numeric claim: printed against recomputed (for the figure).

    A range or a 'mean (min-max)' gives one point per printed number, each compared on its own
    (``matched``); shares (``most``/``all``) and texts have no printed number and are left out.
    """
    rows = []
    verdicts = results.set_index("claim_id")["verdict"]
    for _, c in claims.iterrows():
        if c["rule"] not in compare.NUMERIC_RULES:
            continue
        numbers = compare.parse_numbers(c["printed"])
        for r in readings_for(c["function"], parse_args(c.get("args")), data, c["report"]):
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


TABLE_CAPTION = ("Claims audit: every statement of each report, with its primary reading, the alternatives, "
                 "the verdict and its reason")


def output_table(results: pd.DataFrame) -> pd.DataFrame:
    """The table written to ``tables/claims-audit``: the required columns first."""
    return results[list(OUTPUT_COLUMNS)].copy()


def verdict_counts(results: pd.DataFrame) -> pd.DataFrame:
    """Claims per report and verdict (every verdict always shown): the checks, the transcriptions apart, totals."""
    t = pd.crosstab(results["report"], pd.Categorical(results["verdict"], categories=VERDICTS), dropna=False)
    t.columns = list(VERDICTS)
    t["checks"] = t[list(CHECKS)].sum(axis=1)
    t["total"] = t[list(VERDICTS)].sum(axis=1)
    t.loc["all"] = t.sum()
    t.index.name = "report"
    return t.reset_index()[["report", *CHECKS, "checks", "transcribed", "not derivable", "total"]]


def reading_declarations(readings: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The declared readings (data/claim-readings.csv) with the claims judged under each."""
    used = results[results["reading_kind"] != ""].groupby("reading_kind")["claim_id"].apply(lambda s: "; ".join(s))
    out = readings[["reading_kind", "primary_reading", "reason", "alternatives"]].copy()
    out["claims"] = out["reading_kind"].map(used).fillna("")
    return out


def grim_table(results: pd.DataFrame) -> pd.DataFrame:
    """The claims that carry a GRIM-style check, one row per claim; ``_impossible`` flags those that fail it."""
    g = results[results["grim"] != ""]
    out = g[["claim_id", "printed", "verdict", "grim"]].reset_index(drop=True)
    return out.assign(_impossible=(g["grim_possible"] == "no").to_numpy())


def register_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims the register holds, by report and comparison rule."""
    return claims.groupby(["report", "rule"]).size().rename("claims").reset_index()


def register_view(results: pd.DataFrame) -> pd.DataFrame:
    """The audit for reading: for every claim the primary reading, the alternatives, the verdict and its reason."""
    shown = results[["claim_id", "location", "printed", "primary_reading", "primary_value", "alternatives", "verdict",
                     "reason", "root_cause"]]
    return shown.assign(_inconsistent=results["verdict"] == "inconsistent", _ambiguous=results["verdict"] == "ambiguous",
                        _not_derivable=results["verdict"] == "not derivable")


def summary(results: pd.DataFrame, causes: pd.DataFrame | None = None) -> str:
    """A short Markdown summary generated from the results: checks against transcriptions, problems against claims."""
    from casebook.audit.results import problem_counts, root_causes

    n = len(results)
    counts = results["verdict"].value_counts()
    checks = int(sum(counts.get(v, 0) for v in CHECKS))
    lines = [f"The register holds **{n} claims** ("
             + "; ".join(f"{rep} {k}" for rep, k in results["report"].value_counts().sort_index().items()) + "): "
             f"**{checks} checks** ({', '.join(f'{int(counts.get(v, 0))} {v}' for v in CHECKS)}), "
             f"{int(counts.get('transcribed', 0))} transcribed (the data hold the printed value by construction; not "
             f"checks) and {int(counts.get('not derivable', 0))} not derivable."]
    for rep, sub in results.groupby("report", sort=True):
        c = sub["verdict"].value_counts()
        lines.append(f"- **{rep}**: " + ", ".join(f"{int(c.get(v, 0))} {v}" for v in VERDICTS) + ".")
    p = problem_counts(results, causes)
    lines += ["", f"**{p['inconsistent claims']} inconsistent claims** come from **{p['independent problems']} independent "
              f"problems** ({p['root causes']} root causes that explain several claims or one, and {p['unexplained']} "
              "claims no declared cause explains):"]
    for _, g in root_causes(results, causes).iterrows():
        if g["inconsistent_claims"]:
            lines.append(f"- `{g['cause_id']}`: {g['explanation']} ({g['verdicts']})")
    amb = results[results["verdict"] == "ambiguous"]
    if len(amb):
        lines += ["", f"The {len(amb)} ambiguous claims (consistent only under a reading that is not primary, or resting "
                  "on a flagged value): " + ", ".join(f"`{x}`" for x in amb["claim_id"]) + "."]
    return "\n".join(lines) + "\n"
