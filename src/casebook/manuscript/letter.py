"""The editor's letter to the authors (``<id>-corrigendum.md`` and ``.pdf``): what the audit checked, then its items
in order, each numbered with the label the corrected edition marks it with: corrections (C), queries to the authors
(Q), reporting gaps (G). Every count in its text is computed from the verdicts.

A query states each hypothesis with its arithmetic: its root cause's explanation, the arithmetic of each printed
statement as the data stand, then the competing explanations the reconciliation found (:func:`hypotheses`, one row
each: ``cause_id``, ``hypothesis``, ``arithmetic``), each with what it gives for the printed statements. They are
worked out from the report's own register, readings, root causes and data (so its letter depends on, and its
provenance lists, nothing of another report); the search itself is the claims audit's, kept by content
(:mod:`casebook.audit.stored`), so it is not run a second time. A correction lists none: the evidence pins it down
to one value.
"""

from __future__ import annotations

import re

import pandas as pd

from casebook.audit.explain import SEPARATOR  # between the arithmetic of two printed statements
from casebook.manuscript import corrigendum as corr
from casebook.manuscript.corrigendum import Item
from casebook.manuscript.render import section
from casebook.text import count, join, plural

HYPOTHESIS_COLUMNS = ("cause_id", "hypothesis", "arithmetic")
PARTS = {"correction": "Corrections", "query": "Queries to the authors", "gap": "Reporting gaps"}
# The audit's plain-text operators, as a reader reads them.
OPERATORS = ((" -> ", " → "), (" <= ", " ≤ "), (" >= ", " ≥ "), (" != ", " ≠ "))


def hypotheses(report_id: str, claims_path: str = "") -> pd.DataFrame:
    """The competing explanations of each of the report's root causes, one row each: ``cause_id``, ``hypothesis``
    (in words, with its place in the reconciliation) and ``arithmetic`` (what it gives for each printed statement it
    explains), from the report's claims (or those of the claims file ``claims_path``), readings and root causes."""
    from casebook import audit, load_claims
    from casebook.data.load import load_claim_readings, load_root_causes

    claims = load_claims(claims_path, None if claims_path else report_id)
    claims = claims[claims["report"] == report_id].reset_index(drop=True)
    readings, causes = load_claim_readings(report_id=report_id), load_root_causes(report_id=report_id)
    from casebook.audit.reconcile import findings_table

    done = audit.reconciled(claims, audit.load_data(claims, {}), readings)
    found = pd.concat([findings_table(rec) for _ev, rec in done.values()], ignore_index=True)  # the steps' table unused
    return rows_of(audit.explanations(done, audit.agreement(found, causes)), report_id)


def rows_of(table: pd.DataFrame, report_id: str) -> pd.DataFrame:
    """The letter's rows of the claims audit's table of competing explanations: the report's own, in words."""
    mine = table[table["report"] == report_id]
    said = [f"{role[:1].upper()}{role[1:]}: {h}." for role, h in zip(mine["role"], mine["hypothesis"], strict=True)]
    return pd.DataFrame({"cause_id": list(mine["cause_id"]), "hypothesis": said, "arithmetic": list(mine["arithmetic"])},
                        columns=list(HYPOTHESIS_COLUMNS))


def md(text) -> str:
    """Plain text made safe in Markdown, escaping only what pandoc would read as markup there, so that the
    Markdown reads as the text does: the audit's '->', '<=', '>=' and '!=' become arrows and relation signs."""
    text = str(text)
    for plain, shown in OPERATORS:
        text = text.replace(plain, shown)
    text = re.sub(r"([\\`~^$])", r"\\\1", text)
    text = re.sub(r"(?<=\S)([*_])(?!\w)|(?<!\w)([*_])(?=\S)", lambda m: "\\" + (m.group(1) or m.group(2)), text)
    text = re.sub(r"\](?=[([{])|\[(?=[\^@])", lambda m: "\\" + m.group(), text)  # a link, span or note
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)  # only a '<' that could open a tag
    text = re.sub(r"(?<!\w)@(?=\w)", r"\\@", text)  # a citation
    return re.sub(r"^([#>+*-] |\d+[.)] )", r"\\\1", text)  # a heading, quote or list marker at the start


def counts(verdicts: pd.DataFrame, report_id: str) -> dict[str, int]:
    """What the opening paragraph says, counted: the register's statements by verdict, and the checked ones that
    print a number (a digit) and that print none."""
    rows = verdicts[verdicts["report"] == report_id]
    checked = rows[rows["verdict"].isin(corr.CHECKS)]
    digits = int(checked["printed"].astype(str).str.contains(r"\d").sum())
    by = rows["verdict"].value_counts()
    return {"register": len(rows), "checked": len(checked), "with_number": digits, "without_number": len(checked) - digits,
            **{v: int(by.get(v, 0)) for v in ("consistent", "inconsistent", "ambiguous", "transcribed", "not derivable")}}


def _opening(verdicts: pd.DataFrame, report_id: str, title: str) -> list[str]:
    n = counts(verdicts, report_id)
    return [
        f"We rebuilt the report on {md(title)} [@{report_id}] from its data and recomputed every printed "
        f"statement the data can check. Of the {statements_of(n['register'])} in its register, {n['checked']} can be "
        f"checked: {n['with_number']} of them {plural(n['with_number'], 'prints', 'print')} a number and "
        f"{n['without_number']} {plural(n['without_number'], 'prints', 'print')} none. The other "
        f"{n['register'] - n['checked']} cannot be: "
        f"{count(n['transcribed'], 'was itself transcribed', 'were themselves transcribed')} into the data and "
        f"{count(n['not derivable'], 'is a statement', 'are statements')} the data do not bear on, such as figures "
        f"from the literature. Of the {n['checked']} checked, {count(n['consistent'], 'follows', 'follow')} from the "
        f"data, {count(n['inconsistent'], 'does not', 'do not')} and {count(n['ambiguous'], 'is ambiguous', 'are ambiguous')}: "
        "whether such a statement follows depends on a reading the report does not state.", ""]


def statements_of(n: int) -> str:
    return corr.statements(n)


def _span(found: list[Item]) -> str:
    return found[0].label if len(found) == 1 else f"{found[0].label}–{found[-1].label}"


def _summary(found: list[Item], verdicts: pd.DataFrame, report_id: str, corrected_name: str) -> list[str]:
    """The paragraph that lists the items by kind, with their counts, and what the corrected edition does."""
    kind = {k: [i for i in found if i.kind == k] for k in corr.KINDS}
    n = {k: sum(len(i.claims) for i in v) for k, v in kind.items()}
    parts = []
    if kind["correction"]:
        parts.append(f"{count(len(kind['correction']), 'correction')} ({_span(kind['correction'])}), which the "
                     f"evidence pins down to one value, covering {corr.statements(n['correction'])}")
    if kind["query"]:
        parts.append(f"{count(len(kind['query']), 'query', 'queries')} to the authors ({_span(kind['query'])}), "
                     f"where competing explanations remain, covering {corr.statements(n['query'])}")
    if kind["gap"]:
        parts.append(f"{count(len(kind['gap']), 'reporting gap')} ({_span(kind['gap'])}): what the report leaves "
                     "unstated")
    listed = {c for i in found for c in i.claims["claim_id"]}
    left = [c for c in corr.flagged(verdicts, report_id)["claim_id"] if c not in listed]
    n_flagged = len(corr.flagged(verdicts, report_id))
    cover = (f"Each of the {n_flagged} statements that do not follow or are ambiguous belongs to one of them." if not left
             else f"{corr.statements(len(left))} that do not follow or are ambiguous belong to none of them: "
             f"{join([f'`{c}`' for c in left])}.")
    return [f"This letter lists {count(len(found), 'item')}: {join(parts, last='; and ', sep='; ')}. {cover} The "
            f"corrected edition of the article (`{corrected_name}`) substitutes the corrections only and marks every "
            "item in place with its label; a query or a gap changes no value there.", ""]


def _claim_line(r, kind: str) -> str:
    shown = md(r.recomputed) or "no value"
    got = f"The data give **{shown}**" if kind == "correction" else f"As transcribed, the data give {shown} ({md(r.verdict)})"
    return f"- **{md(r.location)}.** Printed: “{md(r.printed)}”. {got}. Arithmetic: {md(r.arithmetic)}."


def _item_lines(item: Item, rows: pd.DataFrame) -> list[str]:
    n = f" ({corr.statements(len(item.claims))})" if len(item.claims) > 1 else ""
    lines = [f"### {item.label}. {md(item.title)}{n}", "", md(item.explanation), ""]
    if len(item.claims):
        if item.kind != "correction":
            lines += ["The printed statements it bears on:" if item.kind == "gap" else
                      "The printed statements, with what the data give as transcribed:", ""]
        lines += [_claim_line(r, item.kind) for r in item.claims.itertuples()] + [""]
    mine = rows[rows["cause_id"] == item.cause] if item.kind == "query" else rows.iloc[0:0]
    if len(mine):
        lines += ["Which of these explanations holds? Each is stated with what it gives for the printed statements "
                  "it explains:", ""]
        for k, h in enumerate(mine.itertuples(), start=1):
            number = f"{k}. "
            lines.append(number + md(h.hypothesis))
            lines += [f"{' ' * len(number)}- {md(part)}." for part in str(h.arithmetic).split(SEPARATOR) if part]
        lines.append("")
    return lines


def letter_markdown(verdicts: pd.DataFrame, report_id: str, report_title: str, corrected_name: str,
                    found: list[Item] | None = None, hypothesis_rows: pd.DataFrame | None = None,
                    claims_path: str = "") -> str:
    """The letter, in Markdown: what was checked (counted), then the items by kind (a query with its competing
    explanations: ``hypothesis_rows``, by default :func:`hypotheses` of the report), then the claims covered."""
    found = corr.items(verdicts, report_id) if found is None else found
    asked = any(i.kind == "query" for i in found)
    rows = hypothesis_rows if hypothesis_rows is not None else hypotheses(report_id, claims_path) if asked \
        else pd.DataFrame(columns=list(HYPOTHESIS_COLUMNS))
    lines = [f"# Editor's letter: {md(report_title)}", "", "To the authors,", ""]
    lines += _opening(verdicts, report_id, report_title) + _summary(found, verdicts, report_id, corrected_name)
    for kind, heading in PARTS.items():
        mine = [i for i in found if i.kind == kind]
        if mine:
            lines += [f"## {heading}", ""]
        for item in mine:
            lines += _item_lines(item, rows)
    asks = [noun for kind, noun in (("query", "an answer to each query"), ("gap", "the information each gap lacks"))
            if any(i.kind == kind for i in found)]
    if asks:
        lines += [f"We would be glad of {join(asks)}.", ""]
    affected = [c for i in found for c in i.claims["claim_id"]]
    if affected:
        lines += [f"Claims covered: {join([f'`{c}`' for c in affected])} (identifiers in `data/{report_id}/claims.csv`).", ""]
    return "\n".join([*lines, section()])


corrigendum_markdown = letter_markdown  # the file keeps its name: <id>-corrigendum.md
