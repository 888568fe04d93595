"""Report 1: the case description, regenerated from the structured facts.

The description is built from :class:`Fragment` objects. A fragment is either
template text (which may contain no digit) or a value taken from one data cell
(``table``, ``row id``, ``column``) or computed from cells (a ratio or a
percentage). Rendering joins fragments into sentences and keeps the character
span of each, so every number in the text can be traced to the data row it came
from and re-derived from it (:func:`trace_numbers`, :func:`verify`).

Facts the data do not give (missing cells, 'not reported') produce no text: the
builders skip them rather than write a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from casebook.exceptions import CasebookError
from casebook.reports.jdm_case import analysis as cs

NUMBER = re.compile(r"\d+(?:\.\d+)?")
ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")


@dataclass(frozen=True)
class Ref:
    """One data cell: the table, the row's id (its key value) and the column."""

    table: str
    row_id: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}:{self.row_id}.{self.column}"


@dataclass(frozen=True)
class Fragment:
    """A piece of a sentence. ``how`` is 'text' (template), 'value', 'ratio' or 'percent'."""

    text: str
    refs: tuple[Ref, ...] = ()
    how: str = "text"
    decimals: int | None = None

    @property
    def sourced(self) -> bool:
        return bool(self.refs)


@dataclass
class Section:
    heading: str
    sentences: list[list[Fragment]] = field(default_factory=list)


# --- Fragment constructors ---------------------------------------------------------------------------------------


def lit(text: str) -> Fragment:
    """Template text; it may not contain a number (numbers come only from data)."""
    if NUMBER.search(text):
        raise CasebookError(f"template text may not contain a number: {text!r}")
    return Fragment(text)


def _cell_value(tables, ref: Ref):
    df = tables[ref.table]
    key = cs.ID_COLUMNS[ref.table]
    rows = df[df[key] == ref.row_id]
    if len(rows) != 1:
        raise CasebookError(f"{ref}: expected one row with {key} = {ref.row_id!r}, found {len(rows)}")
    return rows.iloc[0][ref.column]


def _fmt(value, decimals: int | None) -> str:
    if isinstance(value, str):
        return value
    if decimals is None:
        return f"{float(value):g}"
    return f"{float(value):.{decimals}f}"


def value(tables, table: str, row_id: str, column: str, decimals: int | None = None) -> Fragment:
    """The value of one data cell, formatted (numbers with ``decimals``, or as short as exact)."""
    ref = Ref(table, str(row_id), column)
    return Fragment(_fmt(_cell_value(tables, ref), decimals), (ref,), "value", decimals)


def ratio(tables, num: tuple[str, str, str], den: tuple[str, str, str], decimals: int = 2) -> Fragment:
    """``num / den`` of two data cells (e.g. a value as a multiple of its upper reference limit)."""
    refs = (Ref(num[0], str(num[1]), num[2]), Ref(den[0], str(den[1]), den[2]))
    return Fragment(_derive(tables, refs, "ratio", decimals), refs, "ratio", decimals)


def percent(tables, num: tuple[str, str, str], den: tuple[str, str, str], decimals: int = 1) -> Fragment:
    """``100 * num / den`` of two data cells (e.g. points as percent of the maximum)."""
    refs = (Ref(num[0], str(num[1]), num[2]), Ref(den[0], str(den[1]), den[2]))
    return Fragment(_derive(tables, refs, "percent", decimals), refs, "percent", decimals)


def _derive(tables, refs: tuple[Ref, ...], how: str, decimals: int | None) -> str:
    if how == "value":
        return _fmt(_cell_value(tables, refs[0]), decimals)
    a, b = (float(_cell_value(tables, r)) for r in refs)
    if how == "ratio":
        return f"{cs.uln_multiple(a, b):.{decimals}f}"
    if how == "percent":
        return f"{cs.percent_of_max(a, b):.{decimals}f}"
    raise CasebookError(f"unknown derivation {how!r}")


# --- Rendering and tracing ---------------------------------------------------------------------------------------


def _sentence_spans(fragments: list[Fragment]) -> tuple[str, list[tuple[int, int, Fragment]]]:
    text, spans = "", []
    for frag in fragments:
        spans.append((len(text), len(text) + len(frag.text), frag))
        text += frag.text
    if text:
        text = text[0].upper() + text[1:]
        if not text.endswith((".", "?", "!")):
            text += "."
    return text, spans


def render(sections: list[Section], heading_level: int = 3) -> tuple[str, list[tuple[int, int, Fragment]]]:
    """Markdown text of the description, and the (start, end, fragment) span of every fragment in it."""
    out, spans = "", []
    for section in sections:
        if not section.sentences:
            continue
        out += "#" * heading_level + " " + section.heading + "\n\n"
        for i, sentence in enumerate(section.sentences):
            text, sp = _sentence_spans(sentence)
            if not text:
                continue
            if i:
                out += " "
            spans += [(out.__len__() + a, len(out) + b, f) for a, b, f in sp]
            out += text
        out += "\n\n"
    return out.rstrip("\n") + "\n", spans


def to_markdown(sections: list[Section], heading_level: int = 3) -> str:
    return render(sections, heading_level)[0]


def verify(fragment: Fragment, tables) -> bool:
    """True when a sourced fragment's text is exactly what its data cells give today."""
    if not fragment.sourced:
        return True
    try:
        return _derive(tables, fragment.refs, fragment.how, fragment.decimals) == fragment.text
    except (CasebookError, KeyError, ValueError, TypeError):
        return False


def trace_numbers(sections: list[Section], tables) -> pd.DataFrame:
    """Every number in the rendered text with the data cell(s) it comes from.

    ``traced`` is False for a number that lies in no sourced fragment, or whose fragment no longer matches the
    data; a correct description has none.
    """
    text, spans = render(sections)
    rows = []
    for m in NUMBER.finditer(text):
        owner = next((f for a, b, f in spans if a <= m.start() and m.end() <= b and f.sourced), None)
        rows.append(
            {
                "Number": m.group(),
                "Derivation": owner.how if owner else "",
                "Table": "; ".join(r.table for r in owner.refs) if owner else "",
                "Row": "; ".join(r.row_id for r in owner.refs) if owner else "",
                "Column": "; ".join(r.column for r in owner.refs) if owner else "",
                "traced": bool(owner) and verify(owner, tables),
            }
        )
    return pd.DataFrame(rows, columns=["Number", "Derivation", "Table", "Row", "Column", "traced"])


# --- Builders ----------------------------------------------------------------------------------------------------


_known = cs.known


def _join(parts: list[list[Fragment]], last: str = " and ", sep: str = ", ") -> list[Fragment]:
    """Join fragment lists as 'a, b and c' (or with other separators)."""
    out: list[Fragment] = []
    for i, p in enumerate(parts):
        if i:
            out.append(lit(last if i == len(parts) - 1 else sep))
        out += p
    return out


def _article(word: str) -> str:
    return "an " if word[:1].lower() in "aeiou" else "a "


def _rows(tables, table: str, **where) -> pd.DataFrame:
    df = tables[table]
    for col, val in where.items():
        df = df[df[col] == val]
    return df


def presentation(tables) -> Section:
    c = cs.the_case(tables)
    cid = c["case_id"]
    sec = Section("Presentation")
    child = c["age_at_presentation_months"] < 18 * 12
    noun = {"male": "boy" if child else "man", "female": "girl" if child else "woman"}.get(c["sex"])
    who: list[Fragment] = []
    if _known(c["ancestry"]) and noun:
        who = [lit(_article(c["ancestry"])), value(tables, "case", cid, "ancestry"), lit(f" {noun}")]
    elif noun:
        who = [lit(f"{_article(noun)}{noun}")]
    else:
        who = [lit("the patient")]
    s = who + [lit(" presented at the age of "), value(tables, "case", cid, "age_printed"), lit(" ("),
               value(tables, "case", cid, "age_at_presentation_months"), lit(" months)")]
    sec.sentences.append(s)

    f = _rows(tables, "findings", timepoint="presentation")
    groups = (("symptoms", ("constitutional", "joint")), ("skin signs", ("skin",)), ("muscle involvement", ("muscle",)))
    for intro, domains in groups:
        rows = f[f["domain"].isin(domains)]
        if rows.empty:
            continue
        items = []
        for r in rows.itertuples():
            item = [value(tables, "findings", r.finding_id, "finding")]
            if _known(r.site) and r.site.rstrip("s").lower() not in r.finding.lower():
                item += [lit(" ("), value(tables, "findings", r.finding_id, "site"), lit(")")]
            items.append(item)
        verb = " was " if len(items) == 1 and intro == "muscle involvement" else " were "
        sec.sentences.append([lit(intro + verb)] + _join(items))
    return sec


def _lab_clauses(tables, labs: pd.DataFrame) -> list[list[Fragment]]:
    """'aldolase was 11.0 U/L, 1.51 times the upper reference limit of 7.3 U/L'; unvalued tests grouped by result."""
    clauses: list[list[Fragment]] = []
    grouped: dict[str, list[str]] = {}
    for r in labs.itertuples():
        iid = r.investigation_id
        if cs._present(r.value):
            cl = [value(tables, "investigations", iid, "test"), lit(" was "),
                  value(tables, "investigations", iid, "value", cs.LAB_DECIMALS), lit(" "),
                  value(tables, "investigations", iid, "unit")]
            if cs._present(r.upper_limit):
                cl += [lit(", "), ratio(tables, ("investigations", iid, "value"), ("investigations", iid, "upper_limit")),
                       lit(" times the upper reference limit of "),
                       value(tables, "investigations", iid, "upper_limit", cs.LAB_DECIMALS), lit(" "),
                       value(tables, "investigations", iid, "unit")]
            clauses.append(cl)
        elif _known(r.result):
            grouped.setdefault(r.result, []).append(iid)
    for result, ids in grouped.items():
        tests = [[value(tables, "investigations", i, "test")] for i in ids]
        clauses.append(_join(tests) + [lit(" were " if len(ids) > 1 else " was "),
                                       value(tables, "investigations", ids[0], "result")])
    return clauses


def _other_investigations(tables, inv: pd.DataFrame) -> list[list[Fragment]]:
    return [[value(tables, "investigations", r.investigation_id, "test"), lit(" showed "),
             value(tables, "investigations", r.investigation_id, "result")]
            for r in inv.itertuples() if _known(r.result)]


def investigations(tables) -> Section:
    sec = Section("Investigations")
    inv = _rows(tables, "investigations", timepoint="presentation")
    labs = inv[inv["kind"] == "laboratory"]
    clauses = _lab_clauses(tables, labs)
    if clauses:
        sec.sentences.append([lit("at presentation, ")] + _join(clauses, "; ", "; "))
    sec.sentences += _other_investigations(tables, inv[inv["kind"] != "laboratory"])
    return sec


def diagnosis(tables) -> Section:
    c = cs.the_case(tables)
    sec = Section("Diagnosis")
    sec.sentences.append([lit("the diagnosis was "), value(tables, "case", c["case_id"], "diagnosis")])
    crit = cs.evaluate_criteria(tables)
    met = [c for c in crit if c.status == cs.MET]
    missing = [c for c in crit if c.status != cs.MET]

    def name(c: cs.Criterion) -> list[Fragment]:
        text = re.sub(r"\s*\(.*\)$", "", c.criterion)
        text = text[:1].lower() + text[1:]
        return [lit(text + (f" ({c.caveat})" if c.caveat else ""))]

    if met:
        sec.sentences.append([lit("of the Bohan and Peter criteria, the documented findings meet ")] + _join([name(c) for c in met]))
    if missing:
        sec.sentences.append(_join([name(c) for c in missing]) + [lit(f" {'is' if len(missing) == 1 else 'are'} "
                                                                     + ("not documented" if all(c.status == cs.NOT_DOCUMENTED for c in missing) else "not met or not documented"))])
    category = cs.criteria_category(crit)
    strict = cs.criteria_category(crit, count_caveated=False)
    s = [lit(f"by these criteria the case is {category} dermatomyositis" if category in ("definite", "probable", "possible")
             else f"by these criteria the category is: {category}")]
    if strict != category:
        s.append(lit(f" ({strict} if weakness of unstated symmetry is not counted)"))
    sec.sentences.append(s)
    return sec


def _treatment_phrase(tables, t) -> list[Fragment]:
    tid = t["treatment_id"]
    out = []
    if t["route"] == "topical":
        out += [value(tables, "treatments", tid, "route"), lit(" ")]
    out.append(value(tables, "treatments", tid, "agent"))
    extra = []
    if _known(t["route"]) and t["route"] != "topical":
        extra.append([value(tables, "treatments", tid, "route")])
    if _known(t["regimen"]) and len(t["regimen"]) <= 12:
        extra.append([value(tables, "treatments", tid, "regimen")])
    if extra:
        out += [lit(" (")] + _join(extra, ", ") + [lit(")")]
    if cs._present(t["concentration_pct"]):
        out += [lit(" at "), value(tables, "treatments", tid, "concentration_pct"), lit(" %")]
    return out


def _same_preparation(a, b) -> bool:
    return all(a[c] == b[c] for c in ("agent", "route", "regimen")) and cs._present(a["concentration_pct"]) and cs._present(b["concentration_pct"])


def _steps(tables) -> list[pd.DataFrame]:
    """Treatment steps in order; a change of concentration of the same preparation joins the step before it."""
    tr = tables["treatments"].sort_values(["sequence", "treatment_id"], kind="stable")
    steps: list[pd.DataFrame] = []
    for _, step in tr.groupby("sequence", sort=True):
        prev = steps[-1] if steps else None
        if prev is not None and len(step) == 1 and len(prev) == 1 and _same_preparation(prev.iloc[0], step.iloc[0]):
            steps[-1] = pd.concat([prev, step])
        else:
            steps.append(step)
    return steps


def _step_sentence(tables, i: int, step: pd.DataFrame) -> list[Fragment]:
    ordinal = ORDINALS[i] if i < len(ORDINALS) else "Next"
    first = step.iloc[0]
    tid = first["treatment_id"]
    if len(step) > 1 and _same_preparation(step.iloc[0], step.iloc[1]):
        s = [lit(f"{ordinal} treatment: ")] + _treatment_phrase(tables, first)
        prev = first["concentration_pct"]
        for t in list(step.itertuples())[1:]:
            verb = "increased" if t.concentration_pct > prev else "decreased" if t.concentration_pct < prev else "continued"
            s += [lit(f", later {verb} to "), value(tables, "treatments", t.treatment_id, "concentration_pct"), lit(" %")]
            prev = t.concentration_pct
    else:
        s = [lit(f"{ordinal} treatment: ")] + _join([_treatment_phrase(tables, t) for _, t in step.iterrows()])
    if _known(first["timing"]):
        s += [lit(", started "), value(tables, "treatments", tid, "timing")]
        if cs._present(first["timing_months_from_onset"]):
            s += [lit(" ("), value(tables, "treatments", tid, "timing_months_from_onset"), lit(" months)")]
    if _known(first["reason"]):
        s += [lit("; reason: "), value(tables, "treatments", tid, "reason")]
    last = step.iloc[-1]
    if _known(last["response"]):
        s += [lit("; reported response: "), value(tables, "treatments", last["treatment_id"], "response")]
    return s


def treatment_course(tables) -> Section:
    """Treatments in order, with the complications and re-assessment on initial treatment where they occurred."""
    sec = Section("Treatment and course")
    tr = tables["treatments"]
    s0 = cs._initial_sequence(tr)
    course_done = False
    for i, step in enumerate(_steps(tables)):
        if not course_done and int(step["sequence"].min()) > s0:
            sec.sentences += _course_on_initial_treatment(tables)
            course_done = True
        sec.sentences.append(_step_sentence(tables, i, step))
    if not course_done:
        sec.sentences += _course_on_initial_treatment(tables)
    return sec


def _course_on_initial_treatment(tables) -> list[list[Fragment]]:
    out = []
    f = _rows(tables, "findings", timepoint="on initial treatment")
    if len(f):
        items = []
        for r in f.itertuples():
            item = [value(tables, "findings", r.finding_id, "finding")]
            if _known(r.site):
                item += [lit(" ("), value(tables, "findings", r.finding_id, "site"), lit(")")]
            items.append(item)
        out.append([lit("on initial treatment, the illness was complicated by ")] + _join(items))
    inv = _rows(tables, "investigations", timepoint="on initial treatment")
    out += _other_investigations(tables, inv[inv["kind"] != "laboratory"])
    clauses = _lab_clauses(tables, inv[inv["kind"] == "laboratory"])
    for r in _rows(tables, "muscle_scores", timepoint="on initial treatment").itertuples():
        clauses.append([value(tables, "muscle_scores", r.score_id, "instrument"), lit(" was "),
                        value(tables, "muscle_scores", r.score_id, "points"), lit(" of "),
                        value(tables, "muscle_scores", r.score_id, "maximum"), lit(" points ("),
                        percent(tables, ("muscle_scores", r.score_id, "points"), ("muscle_scores", r.score_id, "maximum")),
                        lit(" % of the maximum)")])
    if clauses:
        out.append([lit("on initial treatment, ")] + _join(clauses, "; ", "; "))
    return out


def _topical_rows(tables) -> pd.DataFrame:
    tr = tables["treatments"].sort_values(["sequence", "treatment_id"], kind="stable")
    return tr[tr["agent"].str.lower().str.contains("thiosulfate") & (tr["route"] == "topical")]


def thiosulfate_regimen(tables) -> Section:
    sec = Section("Topical sodium thiosulfate")
    rows = _topical_rows(tables)
    if rows.empty:
        return sec
    first = rows.iloc[0]
    tid = first["treatment_id"]
    name = [value(tables, "treatments", tid, "route"), lit(" "), value(tables, "treatments", tid, "agent")]
    if _known(first["regimen"]):
        sec.sentences.append(name + [lit(" was applied "), value(tables, "treatments", tid, "regimen")])
    conc = rows[rows["concentration_pct"].notna()]
    if len(conc):
        s = [lit("the concentration was "), value(tables, "treatments", conc.iloc[0]["treatment_id"], "concentration_pct"), lit(" % at first")]
        prev = conc.iloc[0]["concentration_pct"]
        for r in list(conc.itertuples())[1:]:
            verb = "increased" if r.concentration_pct > prev else "decreased" if r.concentration_pct < prev else "kept"
            s += [lit(f", then {verb} to "), value(tables, "treatments", r.treatment_id, "concentration_pct"), lit(" %")]
            prev = r.concentration_pct
        sec.sentences.append(s)
    if _known(first["reason"]):
        sec.sentences.append([lit("it was chosen on the basis of a "), value(tables, "treatments", tid, "reason")])
    oc = tables["outcomes"]
    oc = oc[oc["treatment_id"].isin(rows["treatment_id"])]
    for months in sorted(oc["months_on_treatment"].unique()):
        o = oc[oc["months_on_treatment"] == months].iloc[0]
        sec.sentences.append([lit("its effect was assessed after "), value(tables, "outcomes", o["outcome_id"], "months_on_treatment"),
                              lit(" months of therapy")])
    return sec


def outcome(tables) -> Section:
    sec = Section("Outcome")
    tr = tables["treatments"]
    oc = tables["outcomes"]
    for (tid, months), grp in oc.groupby(["treatment_id", "months_on_treatment"], sort=True):
        t = tr[tr["treatment_id"] == tid].iloc[0]
        oid = grp.iloc[0]["outcome_id"]
        s = [lit("after "), value(tables, "outcomes", oid, "months_on_treatment"), lit(" months of ")]
        if t["route"] == "topical":
            s += [value(tables, "treatments", tid, "route"), lit(" ")]
        s += [value(tables, "treatments", tid, "agent"), lit(", the report describes ")]
        by_result: dict[str, list] = {}
        for r in grp.itertuples():
            by_result.setdefault(r.result, []).append(r)
        parts = []
        for result, rs in by_result.items():
            part = [value(tables, "outcomes", rs[0].outcome_id, "result")]
            domains = [r for r in rs if r.domain.lower() not in result.lower()]
            if domains:
                part += [lit(" of ")] + _join([[value(tables, "outcomes", r.outcome_id, "domain")] for r in domains])
            parts.append(part)
        sec.sentences.append(s + _join(parts, ", with "))
    return sec


def describe(tables: dict[str, pd.DataFrame]) -> list[Section]:
    """The whole case description: presentation, investigations, diagnosis, course, thiosulfate, outcome."""
    return [presentation(tables), investigations(tables), diagnosis(tables), treatment_course(tables),
            thiosulfate_regimen(tables), outcome(tables)]


def show(sections: list[Section]):
    """The description as Markdown for a notebook."""
    from IPython.display import Markdown

    return Markdown(to_markdown(sections, heading_level=3))


def number_sources(sections: list[Section], tables) -> pd.DataFrame:
    """The trace of every number in the description, for display; raises if any number is untraced."""
    trace = trace_numbers(sections, tables)
    bad = trace[~trace["traced"]]
    if len(bad):
        raise CasebookError(f"numbers in the description not traced to the data: {', '.join(bad['Number'])}")
    return trace.drop(columns="traced")
