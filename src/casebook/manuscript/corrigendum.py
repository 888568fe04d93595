"""The findings of the audit, as the publication uses them: corrections, queries to the authors and reporting gaps.

:func:`claim_verdicts` is the ONE adapter over the audit's public API (``casebook.audit``): everything else here
reads only the columns it returns, and the root causes (``data/root-causes.csv``), whose ``finding`` column says what
the publication does with each:

- a *correction* (the evidence pins down one value): the corrected edition substitutes it;
- a *query* (competing explanations remain): a question to the authors, marked in place, never substituted;
- a *gap* (the report leaves something unstated): marked in place; it may name no claim at all.

:func:`items` numbers them for the editor's letter (:mod:`casebook.manuscript.letter`) in that order, and the
corrected edition marks each in place with the same label (:mod:`casebook.manuscript.annotate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from casebook.text import count

COLUMNS = ("claim_id", "report", "location", "statement", "printed", "recomputed", "verdict", "arithmetic", "note",
           "root_cause", "cause", "finding", "sentence")
INCONSISTENT = "inconsistent"
AMBIGUOUS = "ambiguous"
CHECKS = ("consistent", INCONSISTENT, AMBIGUOUS)  # the verdicts of a real check (casebook.audit.CHECKS)
FLAGGED = (INCONSISTENT, AMBIGUOUS)
KINDS = {"correction": "C", "query": "Q", "gap": "G"}  # in the letter's order, with the letter of their labels


def claim_verdicts(claims_path: str = "", data_dirs: dict | None = None, report_id: str | None = None) -> pd.DataFrame:
    """Every claim of the register with its verdict, what the data give under the primary reading, the arithmetic
    and its root cause (the audit's cause id, explanation and finding; a claim no cause names is its own group: a
    correction when it is inconsistent, a query when it is ambiguous). The register is every report's claims
    (``claims_path`` ""), one report's (``report_id``) or one file."""
    from casebook import audit, load_claims
    from casebook.data.load import load_claim_readings, load_root_causes

    claims = load_claims(claims_path, report_id)
    # one report's claims are read by that report's readings and explained by its causes, not every report's
    readings, own = (None, None) if report_id is None else (load_claim_readings(report_id=report_id),
                                                            load_root_causes(report_id=report_id))
    results = audit.audit(claims, audit.load_data(claims, data_dirs or {}), readings, own)
    causes = audit.root_causes(results, own)
    explained = dict(zip(causes["cause_id"], causes["explanation"], strict=True))
    finding = dict(zip(causes["cause_id"], causes["finding"], strict=True))
    out = results.copy()
    out["recomputed"] = results["primary_value"]
    out["arithmetic"] = results["primary_arithmetic"]
    first = [str(c).split("; ")[0] if str(c) else "" for c in results["root_cause"]]
    out["root_cause"] = [c or claim for c, claim in zip(first, results["claim_id"], strict=True)]
    out["cause"] = [explained.get(c, "") for c in first]
    alone = {INCONSISTENT: "correction", AMBIGUOUS: "query"}
    out["finding"] = [finding.get(c) or alone.get(v, "") for c, v in zip(first, results["verdict"], strict=True)]
    return out[list(COLUMNS)].reset_index(drop=True)


def inconsistent(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    return verdicts[(verdicts["report"] == report_id) & (verdicts["verdict"] == INCONSISTENT)].reset_index(drop=True)


def flagged(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The claims the audit found inconsistent or ambiguous: each belongs to an item of the letter."""
    return verdicts[(verdicts["report"] == report_id) & verdicts["verdict"].isin(FLAGGED)].reset_index(drop=True)


def corrections(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The inconsistent claims whose cause pins down one value: the only ones the corrected edition substitutes."""
    rows = inconsistent(verdicts, report_id)
    return rows[rows["finding"] == "correction"].reset_index(drop=True)


def queries(verdicts: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The flagged claims (inconsistent or ambiguous) whose cause leaves competing explanations: questions to the
    authors, never corrections."""
    rows = flagged(verdicts, report_id)
    return rows[rows["finding"] == "query"].reset_index(drop=True)


def gap_causes(verdicts: pd.DataFrame, report_id: str, causes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The root causes of ``report_id`` that are reporting gaps (its ``root-causes.csv`` unless ``causes``): those
    naming a claim the register holds, and those naming none."""
    if causes is None:
        from casebook.data.load import load_root_causes

        causes = load_root_causes(report_id=report_id)
    held = set(verdicts.loc[verdicts["report"] == report_id, "claim_id"])
    rows = causes[(causes["report"] == report_id) & (causes["finding"] == "gap")]
    keep = [not ids or any(i in held for i in ids) for ids in (split_ids(c) for c in rows["claim_ids"])]
    # a boolean mask of rows, also when it is empty: rows[[]] would select no columns instead of no rows
    return rows[pd.Series(keep, index=rows.index, dtype=bool)].reset_index(drop=True)


def split_ids(ids) -> list[str]:
    return [x.strip() for x in str(ids if isinstance(ids, str) else "").split(";") if x.strip()]


@dataclass(frozen=True)
class Item:
    """One numbered item of the editor's letter: a correction, a query or a gap, with the claims it covers."""

    label: str  # 'C1', 'Q4', 'G7': the kind's letter and the item's number in the letter
    kind: str  # correction | query | gap
    cause: str  # the root cause's id (or the claim's id, for a claim no cause names)
    title: str
    explanation: str
    claims: pd.DataFrame  # the claims' rows of the verdicts (a gap may have none)

    @property
    def number(self) -> int:
        return int(self.label[1:])


def items(verdicts: pd.DataFrame, report_id: str, causes: pd.DataFrame | None = None) -> list[Item]:
    """The letter's items, numbered in order: corrections, then queries, then gaps (each group in the order of its
    first claim in the register; gaps in the order of the root causes)."""
    found: list[tuple[str, str, str, pd.DataFrame]] = []
    for kind, rows in (("correction", corrections(verdicts, report_id)), ("query", queries(verdicts, report_id))):
        for cause in dict.fromkeys(rows["root_cause"]):
            sub = rows[rows["root_cause"] == cause].reset_index(drop=True)
            found.append((kind, cause, str(sub["cause"].iloc[0]), sub))
    mine = verdicts[verdicts["report"] == report_id].set_index("claim_id", drop=False)
    for c in gap_causes(verdicts, report_id, causes).itertuples():
        ids = [i for i in split_ids(c.claim_ids) if i in mine.index]
        found.append(("gap", c.cause_id, str(c.explanation), mine.loc[ids].reset_index(drop=True)))
    return [Item(f"{KINDS[kind]}{n}", kind, cause, _title(cause, sub), explanation, sub)
            for n, (kind, cause, explanation, sub) in enumerate(found, start=1)]


def _title(cause: str, claims: pd.DataFrame) -> str:
    """An item's title: the cause id in words ('omitted-lesion' -> 'Omitted lesion'), or the claim's location when
    no cause groups it."""
    name = cause.replace("-", " ").replace("_", " ")
    if len(claims) and cause in set(claims["claim_id"]):
        name = str(claims["location"].iloc[0])
    return f"{name[:1].upper()}{name[1:]}"


def statements(n: int) -> str:
    return count(n, "printed statement")


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def printed_part(printed: str) -> str:
    """The number a claim prints, for marking it in place ('A total of 8 lesions' -> '8'); a claim with no
    digit (a word such as 'most') is marked as a whole."""
    digits = [m.span() for m in re.finditer(r"\d", printed)]
    if not digits:
        return printed
    return printed[digits[0][0]:digits[-1][1]]


def wrong_part(printed: str, recomputed: str, shown: str) -> str:
    """The part of a printed claim a correction strikes where the value ``shown`` stands: the printed number in the
    position of ``shown`` among the numbers the data give ('age range 49-71 years', data '49-74', shown '74' ->
    '71'); '' when that number was printed right (nothing to strike). A claim whose numbers do not pair one to one
    with the data's is struck as its whole number part, a claim with no number not at all."""
    ours, theirs = NUMBER.findall(printed), NUMBER.findall(str(recomputed))
    if not ours:
        return ""
    if len(ours) == 1 or len(ours) != len(theirs):
        return printed_part(printed)
    at = [k for k, t in enumerate(theirs) if _same(t, shown)]
    if not at:
        return printed_part(printed)
    return "" if _same(ours[at[0]], theirs[at[0]]) else ours[at[0]]


def _same(a: str, b: str) -> bool:
    try:
        return abs(float(a.replace(",", "")) - float(b.replace(",", ""))) < 1e-9
    except ValueError:
        return a == b
