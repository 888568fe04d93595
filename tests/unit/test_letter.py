"""The editor's letter and the corrected edition: corrections, queries and gaps, numbered in that order, counted
from the verdicts, each marked in the edition and nothing else marked; a correction strikes only what was printed
wrong, in the sentence that printed it, at the printed precision."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from casebook import load_dataset
from casebook.manuscript import annotate, build, corrigendum, letter
from casebook.manuscript.sources import Sources
from casebook.manuscript.template import Template, render
from casebook.manuscript.values import Registry, gather, value
from casebook.registry import get
from casebook.text import decimals

from helpers import MAIN

REPORTS = build.reports_with_articles()


def _with_letter() -> list[str]:
    return [r for r in REPORTS if (MAIN / "manuscripts" / r / f"{r}-corrigendum.md").is_file()]


def _committed(report_id: str, edition: str) -> str:
    return (MAIN / "manuscripts" / report_id / f"{report_id}-{edition}").read_text(encoding="utf-8")


# --- a small made-up report: one template, one registry, a few claims -------------------------------------------

def _claims(*rows) -> pd.DataFrame:
    """Verdict rows (claim_verdicts' columns): (claim_id, location, printed, recomputed, verdict, finding, sentence)."""
    out = []
    for cid, location, printed, recomputed, verdict, finding, sentence in rows:
        out.append({"claim_id": cid, "report": "demo", "location": location, "statement": cid, "printed": printed,
                    "recomputed": recomputed, "verdict": verdict, "arithmetic": f"{recomputed} != {printed}",
                    "note": "", "root_cause": cid, "cause": f"Cause of {cid}.", "finding": finding,
                    "sentence": sentence})
    return pd.DataFrame(out, columns=list(corrigendum.COLUMNS))


def _edition(text: str, values: list, claims: pd.DataFrame, causes: pd.DataFrame | None = None) -> str:
    t, reg = Template("demo.md", text), Registry("demo", values)
    causes = pd.DataFrame(columns=["cause_id", "report", "finding", "claim_ids", "explanation"]) if causes is None \
        else causes
    found = corrigendum.items(claims, "demo", causes)
    return render(t, reg, {}, annotate.place(found, t, reg, claims))


TEMPLATE = """# T

## Methods

The {{ n }} lesions lay on the limbs. {{ cite: r-lesions }} The patients were {{ lo }} to {{ hi }} years old.
{{ cite: m-ages }}

## Results

In all, {{ n }} lesions were treated. {{ cite: r-lesions }} Their size fell by {{ mean }}% on average.
{{ cite: r-mean }}
"""
VALUES = [value("n", 7, "demo.n", claim="r-lesions"), value("lo", 49, "demo.lo"), value("hi", 74, "demo.hi", claim="m-ages"),
          value("mean", 62.64, "demo.mean", claim="r-mean")]


def test_a_correction_strikes_only_the_wrong_end_of_a_range_and_keeps_the_printed_precision():
    claims = _claims(("m-ages", "Methods, paragraph 1", "age range 49-71 years", "49-74", "inconsistent", "correction", "m1"),
                     ("r-mean", "Results, paragraph 1", "reduced by 67%", "62.64", "inconsistent", "correction", "r2"))
    out = _edition(TEMPLATE, VALUES, claims)
    assert "were 49 to ~~71~~ **74**[^C1^](#note-c1) years" in out
    assert "~~49-71~~" not in out
    assert "fell by ~~67~~ **63**%[^C2^](#note-c2) on average" in out  # 62.64 shown as the report printed: 63
    assert "62.6" not in out


def test_a_correction_never_strikes_in_a_sentence_that_did_not_print_it():
    claims = _claims(("r-lesions", "Results, paragraph 1", "A total of 8 lesions", "7", "inconsistent", "correction", "r1"))
    out = _edition(TEMPLATE, VALUES, claims)
    methods, results = out.split("## Results")
    assert "~~" not in methods and "[^C1^]" not in methods  # the Methods never printed 8
    assert "In all, ~~8~~ **7**[^C1^](#note-c1) lesions" in results
    # Planted: the Results sentence gone, the claim is cited only in the Methods: marked there, struck nowhere.
    only_methods = TEMPLATE.replace("In all, {{ n }} lesions were treated. {{ cite: r-lesions }} ", "")
    out = _edition(only_methods, VALUES, claims)
    assert "~~" not in out and "limbs.[^C1^](#note-c1)" in out


def test_queries_and_gaps_change_no_value_and_a_gap_without_claim_is_marked_at_the_first_methods_sentence():
    claims = _claims(("r-mean", "Results, paragraph 1", "reduced by 67%", "62.64", "inconsistent", "query", "r2"),
                     ("m-ages", "Methods, paragraph 1", "age range 49-71 years", "49-74", "ambiguous", "gap", "m1"))
    causes = pd.DataFrame([
        {"cause_id": "ages-gap", "report": "demo", "finding": "gap", "claim_ids": "m-ages", "explanation": "Unstated."},
        {"cause_id": "consent", "report": "demo", "finding": "gap", "claim_ids": "", "explanation": "No consent."}])
    out_all = _edition(TEMPLATE, VALUES, claims, causes)
    assert "~~" not in out_all and "**" not in out_all
    assert "fell by 62.6%[^Q1^](#note-q1) on average" in out_all  # the article's own value, marked, not replaced
    assert "years old.[^G2^](#note-g2)" in out_all  # a gap: after its sentence, never on a value
    assert "lay on the limbs.[^G3^](#note-g3)" in out_all  # consent: the first sentence of the Methods


def test_wrong_part_and_printed_precision():
    assert corrigendum.wrong_part("age range 49-71 years", "49-74", "74") == "71"
    assert corrigendum.wrong_part("age range 49-71 years", "49-74", "49") == ""
    assert corrigendum.wrong_part("A total of 8 lesions", "7", "7") == "8"
    assert corrigendum.wrong_part("Most patients reported transient pain", "3/6", "3") == ""
    assert decimals("67") == 0 and decimals("12.5") == 1


def test_letter_markdown_reads_as_text():
    assert letter.md("0.714 -> 0.714 < 1; 0.5 <= 1/2; 7 != 8") == "0.714 → 0.714 < 1; 0.5 ≤ 1/2; 7 ≠ 8"
    assert letter.md("= 1 [L1 fingertip 3 mm single] -> 1 = 1") == "= 1 [L1 fingertip 3 mm single] → 1 = 1"
    assert letter.md("site_class and *emphasis*") == "site_class and \\*emphasis\\*"
    assert letter.md("<b>") == "\\<b>"


@pytest.mark.parametrize("report_id", _with_letter())
def test_the_committed_letter_has_no_literal_escapes(report_id):
    text = _committed(report_id, "corrigendum.md")
    assert not re.findall(r"-\\>|\\<=?|\\>=?|!\\=", text)


# --- the project's letters and editions -----------------------------------------------------------------------

def test_every_report_with_findings_has_a_letter_and_a_corrected_edition(verdicts):
    for report_id in REPORTS:
        has = bool(corrigendum.items(verdicts, report_id))
        found = {p.name for p in (MAIN / "manuscripts" / report_id).iterdir()}
        assert has == (f"{report_id}-corrigendum.md" in found) == (f"{report_id}-corrected.pdf" in found), report_id
    assert _with_letter(), "no report has a letter: the tests below would check nothing"


@pytest.mark.parametrize("report_id", _with_letter())
def test_the_letter_lists_corrections_then_queries_then_gaps_numbered_in_order(report_id, verdicts):
    text = _committed(report_id, "corrigendum.md")
    found = corrigendum.items(verdicts, report_id)
    labels = annotate.LETTER_ITEM.findall(text)
    assert labels == [i.label for i in found]
    assert [int(x[1:]) for x in labels] == list(range(1, len(labels) + 1))
    kinds = "".join(x[0] for x in labels)
    assert re.fullmatch(r"C*Q*G*", kinds), kinds
    parts = [p for p in re.findall(r"^## (.+)$", text, re.M) if p != "References"]  # citeproc's list closes it
    assert parts == [letter.PARTS[k] for k in corrigendum.KINDS if any(i.kind == k for i in found)]
    gaps = corrigendum.gap_causes(verdicts, report_id)
    assert [i.cause for i in found if i.kind == "gap"] == list(gaps["cause_id"])
    covered = {c for i in found for c in i.claims["claim_id"]}
    assert set(corrigendum.flagged(verdicts, report_id)["claim_id"]) <= covered


COUNTS = re.compile(  # singular or plural, as each count asks ("1 was itself transcribed", "3 do not")
    r"Of the (\d+) printed statements? in its register, (\d+) can be checked: (\d+) of them prints? a number and (\d+) "
    r"prints? none\. The other (\d+) cannot be: (\d+) (?:was itself|were themselves) transcribed into the data and "
    r"(\d+) (?:is a statement|are statements) the data do not bear on, such as figures from the literature\. Of the "
    r"(\d+) checked, (\d+) follows? from the data, (\d+) (?:does|do) not and (\d+) (?:is|are) ambiguous")


def _expected_counts(verdicts, report_id) -> list[int]:
    """What the opening sentence must say, counted here on its own from the verdicts."""
    rows = verdicts[verdicts["report"] == report_id]
    by = rows["verdict"].value_counts()
    checked = rows[rows["verdict"].isin(["consistent", "inconsistent", "ambiguous"])]
    digits = sum(bool(re.search(r"\d", str(p))) for p in checked["printed"])
    return [len(rows), len(checked), digits, len(checked) - digits, len(rows) - len(checked),
            by.get("transcribed", 0), by.get("not derivable", 0), len(checked), by.get("consistent", 0),
            by.get("inconsistent", 0), by.get("ambiguous", 0)]


@pytest.mark.parametrize("report_id", _with_letter())
def test_the_letter_says_exactly_what_it_counted(report_id, verdicts):
    """'N printed statements ... can be checked': statements (numbers or not), ambiguous ones included, each count
    what the verdicts give; the items' counts likewise. A planted verdict change moves the sentence with it."""
    text = _committed(report_id, "corrigendum.md")
    m = COUNTS.search(text)
    assert m, "the opening sentence is not in the letter"
    assert [int(x) for x in m.groups()] == _expected_counts(verdicts, report_id)
    found = corrigendum.items(verdicts, report_id)
    n = {k: [i for i in found if i.kind == k] for k in corrigendum.KINDS}
    said = re.search(r"This letter lists (\d+) items?: (.*?)\. ", text).groups()
    assert int(said[0]) == len(found)
    for kind, noun in (("correction", "correction"), ("query", "quer"), ("gap", "reporting gap")):
        if n[kind]:
            assert re.search(rf"\b{len(n[kind])} {noun}", said[1]), (kind, said[1])
            claims = sum(len(i.claims) for i in n[kind])
            assert kind == "gap" or f"covering {corrigendum.statements(claims)}" in said[1]
    planted = verdicts.copy()
    k = planted.index[(planted["report"] == report_id) & (planted["verdict"] == "consistent")][0]
    planted.loc[k, "verdict"] = "not derivable"
    none = pd.DataFrame(columns=list(letter.HYPOTHESIS_COLUMNS))  # the counts only: no reconciliation needed
    moved = COUNTS.search(letter.letter_markdown(planted, report_id, get(report_id).title, "x.pdf", hypothesis_rows=none))
    assert [int(x) for x in moved.groups()] == _expected_counts(planted, report_id) != _expected_counts(verdicts, report_id)


@pytest.mark.parametrize("report_id", _with_letter())
def test_every_item_of_the_letter_is_marked_in_the_edition_and_every_mark_is_an_item(report_id):
    letter_md, html = _committed(report_id, "corrigendum.md"), _committed(report_id, "corrected.html")
    assert annotate.unmatched(letter_md, html) == {k: [] for k in annotate.unmatched("", "")}
    assert annotate.marks_of(html), "the edition has no mark"
    # Planted: one item's marks dropped; a mark of no item added.
    label, _ = annotate.marks_of(html)[0]
    dropped = re.sub(rf'<a href="#note-{label.lower()}"><sup>{label}</sup></a>', "", html)
    assert annotate.unmatched(letter_md, dropped)["not marked"] == [label]
    extra = html.replace("</p>", '<a href="#note-g99"><sup>G99</sup></a></p>', 1)
    assert annotate.unmatched(letter_md, extra)["not an item"] == ["G99"]
    assert annotate.unmatched(letter_md.replace(f"### {label}. ", "### "), html)["not an item"] == [label]


STRUCK = re.compile(r'<del>([^<]*)</del> <strong>([^<]*)</strong>(%?)<a href="#note-(c\d+)">')


def _bad_strikes(html: str, items: dict) -> list[str]:
    """Every strike that is not a correction's number, printed in the section it stands in, replaced at the printed
    precision (the edition as HTML; ``items``: label in lower case -> item)."""
    bad = [] if len(STRUCK.findall(html)) == html.count("<del>") else ["a strike with no correction's mark"]
    for m in STRUCK.finditer(html):
        old, new, _, label = m.groups()
        section = re.findall(r"<h2[^>]*>([^<]+)</h2>", html[: m.start()])[-1].strip().lower()
        printed = [r.printed for r in items[label].claims.itertuples() if section in annotate._sections(r.location)]
        if not any(old in corrigendum.NUMBER.findall(p) for p in printed):
            bad.append(f"{label}: {old!r} struck in {section}, which printed no such number for it")
        if decimals(old) != decimals(new):
            bad.append(f"{label}: {old!r} replaced by {new!r}, another precision")
    return bad


@pytest.mark.parametrize("report_id", _with_letter())
def test_a_correction_strikes_only_printed_text_of_its_own_section_at_the_printed_precision(report_id, verdicts):
    html = _committed(report_id, "corrected.html")
    items = {i.label.lower(): i for i in corrigendum.items(verdicts, report_id)}
    assert _bad_strikes(html, items) == []
    m = STRUCK.search(html)
    if m is None:
        return
    # Planted: the first strike copied into the first section; then shown with one decimal more.
    first_h2 = re.search(r"<h2[^>]*>[^<]+</h2>", html).end()
    assert _bad_strikes(html[:first_h2] + m.group() + html[first_h2:], items)
    wider = html.replace(f"<strong>{m.group(2)}</strong>", f"<strong>{m.group(2)}.0</strong>", 1)
    assert any("another precision" in b for b in _bad_strikes(wider, items))


@pytest.mark.parametrize("report_id", _with_letter())
def test_the_edition_built_now_is_the_committed_one_in_its_marks(report_id, verdicts):
    """The edition's Markdown as the build writes it today carries the same marks as the committed HTML."""
    tables = load_dataset(report_id)
    reg, t = gather(report_id, tables), Template.read(build.template_path(report_id))
    blocks = {(b.kind, b.key): b for b in get(report_id).module("values").blocks(tables, "figures", True)}
    from casebook.manuscript import blocks as common

    blocks.update({(b.kind, b.key): b for b in common.common(report_id, verdicts)})
    md = build.corrected_markdown(report_id, verdicts, t, reg, blocks, Sources(report_id, verdicts, tables))
    assert sorted(annotate.marks_of(md)) == sorted(annotate.marks_of(_committed(report_id, "corrected.html")))


def test_a_query_lists_each_hypothesis_with_its_arithmetic(verdicts):
    """Where competing explanations come in (letter.hypotheses, rows of cause_id, hypothesis, arithmetic), each is
    listed under its query, numbered, with its arithmetic per printed statement; another query's rows are not."""
    asked = [(r, i) for r in _with_letter() for i in corrigendum.items(verdicts, r) if i.kind == "query"]
    if not asked:
        pytest.skip("no report has a query")
    report_id, q = asked[0]
    rows = pd.DataFrame([{"cause_id": q.cause, "hypothesis": "A row is missing.", "arithmetic": "539/8 = 67.4 -> 67"},
                         {"cause_id": q.cause, "hypothesis": "The table is complete.",
                          "arithmetic": "“8”: 7 != 8 | “67%”: 62.64 != 67"},
                         {"cause_id": "another-cause", "hypothesis": "Not this one.", "arithmetic": "1 = 1"}])
    text = letter.letter_markdown(verdicts, report_id, "a title", "x.pdf", hypothesis_rows=rows)
    block = text.split(f"### {q.label}. ")[1].split("\n### ")[0]
    assert "holds?" in block and "1. A row is missing.\n   - 539/8 = 67.4 → 67.\n2. The table is complete.\n" \
           "   - “8”: 7 ≠ 8.\n   - “67%”: 62.64 ≠ 67." in block
    assert "Not this one" not in text


def _hypotheses_table() -> pd.DataFrame:
    """The competing explanations the claims audit wrote (notebook 03), every report's."""
    return pd.read_csv(MAIN / "tables" / "claims-audit-hypotheses.csv", dtype=str, keep_default_na=False)


def _unstated_hypotheses(text: str, found, table: pd.DataFrame, report_id: str) -> list[str]:
    """What a letter fails to say: a query's hypothesis or arithmetic the audit wrote and the letter does not state,
    a query with none, a correction or gap that lists hypotheses."""
    bad = []
    for item in found:
        block = text.split(f"### {item.label}. ")[1].split("\n## ")[0].split("\n### ")[0]
        if item.kind != "query":
            bad += [f"{item.label}: a {item.kind} lists hypotheses"] if "holds?" in block else []
            continue
        mine = table[(table["report"] == report_id) & (table["cause_id"] == item.cause)]
        bad += [] if len(mine) else [f"{item.label}: the audit wrote no hypothesis for {item.cause}"]
        for h in mine.itertuples():
            bad += [] if letter.md(h.hypothesis) in block else [f"{item.label}: {h.hypothesis} not stated"]
            bad += [f"{item.label}: {part} not stated" for part in h.arithmetic.split(letter.SEPARATOR)
                    if f"- {letter.md(part)}." not in block]
    return bad


@pytest.mark.parametrize("report_id", _with_letter())
def test_each_query_of_the_letter_states_the_audits_hypotheses_and_a_correction_none(report_id, verdicts):
    """The letter (committed, and as written from the claims audit's table) states under each query every competing
    explanation the audit wrote for its cause (tables/claims-audit-hypotheses.csv), each with its arithmetic; a
    correction lists none (planted: a hypothesis dropped is found). Only the report's own rows feed it: a row of
    another report changes none of its rows (planted: the same row under this report's id is stated). The build
    writes the letter from the report's own reconciliation; the shared build's letter is compared with the committed
    one byte for byte."""
    table = _hypotheses_table()
    found = corrigendum.items(verdicts, report_id)
    args = (verdicts, report_id, get(report_id).title, f"{report_id}-corrected.pdf", found)
    now = letter.letter_markdown(*args, hypothesis_rows=letter.rows_of(table, report_id))
    assert _unstated_hypotheses(_committed(report_id, "corrigendum.md"), found, table, report_id) == []
    assert _unstated_hypotheses(now, found, table, report_id) == []
    q = next((i for i in found if i.kind == "query"), None)
    if q is None:
        return
    dropped = table.drop(table.index[(table["report"] == report_id) & (table["cause_id"] == q.cause)][:1])
    assert _unstated_hypotheses(letter.letter_markdown(*args, hypothesis_rows=letter.rows_of(dropped, report_id)),
                                found, table, report_id)
    other = {"report": "another-report", "cause_id": q.cause, "role": "on its own", "hypothesis": "a planted one",
             "claims": "x", "arithmetic": "1 = 1"}
    assert letter.rows_of(pd.concat([table, pd.DataFrame([other])]), report_id).equals(letter.rows_of(table, report_id))
    planted = letter.rows_of(pd.concat([table, pd.DataFrame([{**other, "report": report_id}])]), report_id)
    assert "a planted one" in letter.letter_markdown(*args, hypothesis_rows=planted)


@pytest.mark.parametrize("report_id", REPORTS)
def test_a_report_with_root_causes_but_no_gap_has_no_gap_causes(report_id, verdicts):
    """root-causes.csv without a gap row: no gap cause, its columns kept (an empty mask once selected no columns)."""
    from casebook.data.load import load_root_causes

    causes = load_root_causes("")
    none = causes[causes["finding"] != "gap"]
    found = corrigendum.gap_causes(verdicts, report_id, none)
    assert found.empty and list(found.columns) == list(causes.columns)
