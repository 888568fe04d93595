"""The corrigendum: a short notice listing each printed number the data contradict, grouped by root cause.

:func:`claim_verdicts` is the ONE adapter over the audit's public API (``casebook.audit``): everything else here
reads only the columns it returns. Claims are grouped by the audit's root causes (``data/root-causes.csv``, explained
in words, arithmetic from the audit); an inconsistent claim no cause names stands alone.
"""

from __future__ import annotations

import re

import pandas as pd

from casebook import paths
from casebook.text import count, join

COLUMNS = ("claim_id", "report", "location", "statement", "printed", "recomputed", "verdict", "arithmetic", "note",
           "root_cause", "cause", "finding")
INCONSISTENT = "inconsistent"
CHECKS = ("consistent", "inconsistent", "ambiguous")  # the verdicts of a real check (casebook.audit.CHECKS)


def claim_verdicts(claims_path: str = "data/claims.csv", data_dirs: dict | None = None) -> pd.DataFrame:
    """Every claim of the register with its verdict, what the data give under the primary reading, the arithmetic
    and its root cause (the audit's cause id and explanation; a claim no cause names is its own group)."""
    from casebook import audit, load_claims

    claims = load_claims(paths.resolve(claims_path))
    results = audit.audit(claims, audit.load_data(claims, data_dirs or {}))
    causes = audit.root_causes(results)
    explained = dict(zip(causes["cause_id"], causes["explanation"], strict=True))
    finding = dict(zip(causes["cause_id"], causes["finding"], strict=True))
    out = results.copy()
    out["recomputed"] = results["primary_value"]
    out["arithmetic"] = results["primary_arithmetic"]
    first = [str(c).split("; ")[0] if str(c) else "" for c in results["root_cause"]]
    out["root_cause"] = [c or claim for c, claim in zip(first, results["claim_id"], strict=True)]
    out["cause"] = [explained.get(c, "") for c in first]
    out["finding"] = [finding.get(c, "correction") for c in first]  # an inconsistency no cause explains: a correction
    return out[list(COLUMNS)].reset_index(drop=True)


def inconsistent(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    return verdicts[(verdicts["report"] == report_id) & (verdicts["verdict"] == INCONSISTENT)].reset_index(drop=True)


def corrections(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The inconsistent claims whose cause pins down one value: the only ones the corrected edition substitutes."""
    rows = inconsistent(verdicts, report_id)
    return rows[rows["finding"] == "correction"].reset_index(drop=True)


def queries(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The flagged claims (inconsistent or ambiguous) whose cause leaves competing explanations: questions to the
    authors, never corrections."""
    mask = (verdicts["report"] == report_id) & (verdicts["finding"] == "query") & verdicts["verdict"].isin(
        [INCONSISTENT, "ambiguous"])
    return verdicts[mask].reset_index(drop=True)


def _query_lines(verdicts: pd.DataFrame, report_id: str, start: int) -> list[str]:
    rows = queries(verdicts, report_id)
    if rows.empty:
        return []
    lines = ["## Queries to the authors", "",
             "Competing explanations remain for the following; they are questions, not corrections, and the corrected "
             "edition keeps the printed values.", ""]
    for q, cause in enumerate(dict.fromkeys(rows["root_cause"]), start=start):
        items = rows[rows["root_cause"] == cause]
        lines += [f"### {q}. {_md(_heading(cause, items, 'printed value'))}", "", _md(items["cause"].iloc[0]), ""]
        lines += [f"- **{_md(r.location)}.** Printed: “{_md(r.printed)}”. Table 1 as printed gives "
                  f"{_md(r.recomputed) or 'no value'} ({_md(r.verdict)}). Arithmetic: {_md(r.arithmetic)}."
                  for r in items.itertuples()]
        lines.append("")
    return lines


def printed_part(printed: str) -> str:
    """The number a claim prints, for marking it in place ('A total of 8 lesions' -> '8'); a claim with no
    digit (a word such as 'most') is marked as a whole."""
    digits = [m.span() for m in re.finditer(r"\d", printed)]
    if not digits:
        return printed
    return printed[digits[0][0]:digits[-1][1]]


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>~|#])", r"\\\1", str(text))


def corrigendum_markdown(verdicts: pd.DataFrame, report_id: str, report_title: str, corrected_name: str) -> str:
    """The notice, in Markdown: what was recomputed, then each correction under its root cause."""
    rows = corrections(verdicts, report_id)
    checked = verdicts[(verdicts["report"] == report_id) & verdicts["verdict"].isin(CHECKS)]
    numbers = int(checked["printed"].astype(str).str.contains(r"\d").sum())
    groups = list(dict.fromkeys(rows["root_cause"]))
    lines = [f"# Corrigendum: {_md(report_title)}", "",
             f"This notice corrects the published report on {_md(report_title)}. Of the "
             f"{count(len(checked), 'printed statement')} that the transcribed data can check "
             f"({numbers} of them with a number), "
             f"{len(inconsistent(verdicts, report_id))} do not follow from the data. {len(rows)} of them the evidence "
             "corrects; the others are queries to the authors. The corrections are listed below by root cause: where each stands, "
             "what was printed, what the data give, and the arithmetic that shows it. The corrected edition of the "
             f"article (`{corrected_name}`) shows every change in place.", ""]
    for g, cause in enumerate(groups, start=1):
        items = rows[rows["root_cause"] == cause]
        lines += [f"## {g}. {_md(_heading(cause, items))}", ""]
        if items["cause"].iloc[0]:
            lines += [f"Root cause: {_md(items['cause'].iloc[0])}", ""]
        for r in items.itertuples():
            lines.append(f"- **{_md(r.location)}.** Printed: “{_md(r.printed)}”. The data give: "
                         f"**{_md(r.recomputed) or 'no value'}**. Arithmetic: {_md(r.arithmetic)}.")
        lines.append("")
    lines += _query_lines(verdicts, report_id, len(groups) + 1)
    affected = [*rows["claim_id"], *queries(verdicts, report_id)["claim_id"]]
    lines += [f"Claims affected: {join([f'`{c}`' for c in affected])} (identifiers in `data/claims.csv`).", ""]
    return "\n".join(lines)


def _heading(cause: str, items: pd.DataFrame, what: str = "correction") -> str:
    """A group's heading: the cause id in words ('missing-lesion' -> 'Missing lesion'), or the claim's location
    when no cause groups it."""
    name = cause.replace("-", " ").replace("_", " ")
    if cause in set(items["claim_id"]):
        name = str(items["location"].iloc[0])
    return f"{name[:1].upper()}{name[1:]} ({count(len(items), what)})"
