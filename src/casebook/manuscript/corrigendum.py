"""The corrigendum: a short notice listing each printed number the data contradict, grouped by root cause.

:func:`claim_verdicts` is the ONE adapter over the audit's public API (``casebook.audit``): everything else here
reads only the columns it returns. If the audit gives each claim a ``root_cause`` (and describes causes with
``root_causes()``), those are used; otherwise claims are grouped by the recompute function that checks them, and
each claim's own note in the register says why it is wrong.
"""

from __future__ import annotations

import re

import pandas as pd

from casebook import paths
from casebook.text import count, join

COLUMNS = ("claim_id", "report", "location", "statement", "printed", "recomputed", "verdict", "arithmetic", "note",
           "root_cause", "cause")
INCONSISTENT = "inconsistent"


def claim_verdicts(claims_path: str = "data/claims.csv", data_dirs: dict | None = None) -> pd.DataFrame:
    """Every claim of the register with its verdict, what the data give, the arithmetic and a root cause."""
    from casebook import audit, load_claims

    claims = load_claims(paths.resolve(claims_path))
    results = audit.audit(claims, audit.load_data(claims, data_dirs or {}))
    out = results.copy()
    register_note = claims.set_index("claim_id")["note"].reindex(out["claim_id"]).fillna("").astype(str).to_numpy()
    if "root_cause" in results.columns:
        described = dict(audit.root_causes()) if hasattr(audit, "root_causes") else {}
        out["cause"] = [described.get(c, c) for c in results["root_cause"]]
    else:  # the audit does not name causes yet: group by what recomputes the claim
        out["root_cause"] = [f or loc for f, loc in zip(results["function"], results["location"], strict=True)]
        out["cause"] = [n or "" for n in register_note]
    return out[list(COLUMNS)].reset_index(drop=True)


def inconsistent(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    return verdicts[(verdicts["report"] == report_id) & (verdicts["verdict"] == INCONSISTENT)].reset_index(drop=True)


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
    rows = inconsistent(verdicts, report_id)
    checked = verdicts[(verdicts["report"] == report_id) & verdicts["verdict"].isin(["consistent", INCONSISTENT])]
    groups = list(dict.fromkeys(rows["root_cause"]))
    lines = [f"# Corrigendum: {_md(report_title)}", "",
             f"This notice corrects the published report on {_md(report_title)}. Of the "
             f"{count(len(checked), 'printed number')} that the transcribed data can check, "
             f"{len(rows)} do not follow from the data. They are listed below by root cause: where each stands, "
             "what was printed, what the data give, and the arithmetic that shows it. The corrected edition of the "
             f"article (`{corrected_name}`) shows every change in place.", ""]
    for g, cause in enumerate(groups, start=1):
        items = rows[rows["root_cause"] == cause]
        lines += [f"## {g}. {_md(_heading(cause, items))}", ""]
        for r in items.itertuples():
            lines.append(f"- **{_md(r.location)}.** Printed: “{_md(r.printed)}”. The data give: "
                         f"**{_md(r.recomputed) or 'no value'}**. Arithmetic: {_md(r.arithmetic)}."
                         + (f" Root cause: {_md(r.cause)}" if r.cause and r.cause != cause else ""))
        lines.append("")
    lines += [f"Claims affected: {join([f'`{c}`' for c in rows['claim_id']])} (identifiers in `data/claims.csv`).", ""]
    return "\n".join(lines)


def _heading(cause: str, items: pd.DataFrame) -> str:
    if re.fullmatch(r"[a-z_]+", cause):  # a recompute function's name: say what it recomputes
        return f"{cause.replace('_', ' ').capitalize()} ({count(len(items), 'correction')})"
    return f"{cause} ({count(len(items), 'correction')})"
