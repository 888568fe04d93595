"""Report 1: the case description, regenerated from the structured facts, one section per builder.

Built from :mod:`.fragments`: template text with no digit, and values taken from (or computed from) data cells, so
every number can be traced and re-derived. Facts the data do not give (missing cells, 'not reported') produce no
text: the builders skip them rather than write a placeholder.
"""

from __future__ import annotations

import pandas as pd

from casebook.reports.jdm_case import analysis as cs
from casebook.reports.jdm_case.diagnosis import diagnosis
from casebook.reports.jdm_case.fragments import (
    ORDINALS,
    Fragment,
    Section,
    article,
    cite,
    join,
    lit,
    percent,
    ratio,
    select_rows,
    value,
)


def presentation(tables) -> Section:
    c = cs.the_case(tables)
    cid = c["case_id"]
    sec = Section("Presentation")
    child = c["age_at_presentation_months"] < 18 * 12
    noun = {"male": "boy" if child else "man", "female": "girl" if child else "woman"}.get(c["sex"])
    who: list[Fragment] = []
    if cs.known(c["ancestry"]) and noun:
        who = [lit(article(c["ancestry"])), value(tables, "case", cid, "ancestry"), lit(f" {noun}")]
    elif noun:
        who = [lit(f"{article(noun)}{noun}")]
    else:
        who = [lit("the patient")]
    s = who + [lit(" presented at the age of "), value(tables, "case", cid, "age_printed"), lit(" ("),
               value(tables, "case", cid, "age_at_presentation_months"), lit(" months)"), cite(f"case:{cid}.sex")]
    sec.sentences.append(s)

    f = select_rows(tables, "findings", timepoint="presentation")
    groups = (("symptoms", ("constitutional", "joint")), ("skin signs", ("skin",)), ("muscle involvement", ("muscle",)))
    for intro, domains in groups:
        rows = f[f["domain"].isin(domains)]
        if rows.empty:
            continue
        items = []
        for r in rows.itertuples():
            item = [value(tables, "findings", r.finding_id, "finding")]
            if cs.known(r.site) and r.site.rstrip("s").lower() not in r.finding.lower():
                item += [lit(" ("), value(tables, "findings", r.finding_id, "site"), lit(")")]
            items.append(item)
        verb = " was " if len(items) == 1 and intro == "muscle involvement" else " were "
        sec.sentences.append([lit(intro + verb)] + join(items))
    return sec


def _lab_clauses(tables, labs: pd.DataFrame) -> list[list[Fragment]]:
    """'aldolase was 11.0 U/L, 1.51 times the upper reference limit of 7.3 U/L'; unvalued tests grouped by result."""
    clauses: list[list[Fragment]] = []
    grouped: dict[str, list[str]] = {}
    for r in labs.itertuples():
        iid = r.investigation_id
        if cs.is_present(r.value):
            cl = [value(tables, "investigations", iid, "test"), lit(" was "),
                  value(tables, "investigations", iid, "value", cs.LAB_DECIMALS), lit(" "),
                  value(tables, "investigations", iid, "unit")]
            if cs.is_present(r.upper_limit):
                cl += [lit(", "), ratio(tables, ("investigations", iid, "value"), ("investigations", iid, "upper_limit")),
                       lit(" times the upper reference limit of "),
                       value(tables, "investigations", iid, "upper_limit", cs.LAB_DECIMALS), lit(" "),
                       value(tables, "investigations", iid, "unit")]
                if r.upper_limit_source == "assumed":  # the report prints this limit only with another value
                    cl += [lit(" (a limit printed elsewhere in the report, assumed to apply)"),
                           cite(f"investigations:{iid}.upper_limit_source")]
            clauses.append(cl)
        elif cs.known(r.result):
            grouped.setdefault(r.result, []).append(iid)
    for _result, ids in grouped.items():
        tests = [[value(tables, "investigations", i, "test")] for i in ids]
        clauses.append(join(tests) + [lit(" were " if len(ids) > 1 else " was "),
                                       value(tables, "investigations", ids[0], "result")])
    return clauses


def _other_investigations(tables, inv: pd.DataFrame) -> list[list[Fragment]]:
    return [[value(tables, "investigations", r.investigation_id, "test"), lit(" showed "),
             value(tables, "investigations", r.investigation_id, "result")]
            for r in inv.itertuples() if cs.known(r.result)]


def investigations(tables) -> Section:
    sec = Section("Investigations")
    inv = select_rows(tables, "investigations", timepoint="presentation")
    labs = inv[inv["kind"] == "laboratory"]
    clauses = _lab_clauses(tables, labs)
    if clauses:
        sec.sentences.append([lit("at presentation, ")] + join(clauses, "; ", "; "))
    sec.sentences += _other_investigations(tables, inv[inv["kind"] != "laboratory"])
    return sec


def _treatment_phrase(tables, t) -> list[Fragment]:
    tid = t["treatment_id"]
    out = []
    if t["route"] == "topical":
        out += [value(tables, "treatments", tid, "route"), lit(" ")]
    out.append(value(tables, "treatments", tid, "agent"))
    extra = []
    if cs.known(t["route"]) and t["route"] != "topical":
        extra.append([value(tables, "treatments", tid, "route")])
    if cs.known(t["regimen"]) and len(t["regimen"]) <= 12:
        extra.append([value(tables, "treatments", tid, "regimen")])
    if extra:
        out += [lit(" (")] + join(extra, ", ") + [lit(")")]
    if cs.is_present(t["concentration_pct"]):
        out += [lit(" at "), value(tables, "treatments", tid, "concentration_pct"), lit(" %")]
    return out


def _same_preparation(a, b) -> bool:
    same = all(a[c] == b[c] for c in ("agent", "route", "regimen"))
    return same and cs.is_present(a["concentration_pct"]) and cs.is_present(b["concentration_pct"])


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
        s = [lit(f"{ordinal} treatment: ")] + join([_treatment_phrase(tables, t) for _, t in step.iterrows()])
    if cs.known(first["timing"]):
        s += [lit(", started "), value(tables, "treatments", tid, "timing")]
        if cs.is_present(first["timing_months_from_onset"]):
            s += [lit(" ("), value(tables, "treatments", tid, "timing_months_from_onset"), lit(" months)")]
    if cs.known(first["reason"]):
        s += [lit("; reason: "), value(tables, "treatments", tid, "reason")]
    last = step.iloc[-1]
    if cs.known(last["response"]):
        s += [lit("; reported response: "), value(tables, "treatments", last["treatment_id"], "response")]
    return s


def treatment_course(tables) -> Section:
    """Treatments in order, with the complications and re-assessment on initial treatment where they occurred."""
    sec = Section("Treatment and course")
    tr = tables["treatments"]
    s0 = cs.initial_sequence(tr)
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
    f = select_rows(tables, "findings", timepoint="on initial treatment")
    if len(f):
        items = []
        for r in f.itertuples():
            item = [value(tables, "findings", r.finding_id, "finding")]
            if cs.known(r.site):
                item += [lit(" ("), value(tables, "findings", r.finding_id, "site"), lit(")")]
            items.append(item)
        out.append([lit("on initial treatment, the illness was complicated by ")] + join(items))
    inv = select_rows(tables, "investigations", timepoint="on initial treatment")
    out += _other_investigations(tables, inv[inv["kind"] != "laboratory"])
    clauses = _lab_clauses(tables, inv[inv["kind"] == "laboratory"])
    for r in select_rows(tables, "muscle_scores", timepoint="on initial treatment").itertuples():
        clauses.append([value(tables, "muscle_scores", r.score_id, "instrument"), lit(" was "),
                        value(tables, "muscle_scores", r.score_id, "points"), lit(" of "),
                        value(tables, "muscle_scores", r.score_id, "maximum"), lit(" points ("),
                        percent(tables, ("muscle_scores", r.score_id, "points"), ("muscle_scores", r.score_id, "maximum")),
                        lit(" % of the maximum)")])
    if clauses:
        out.append([lit("on initial treatment, ")] + join(clauses, "; ", "; "))
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
    if cs.known(first["regimen"]):
        sec.sentences.append(name + [lit(" was applied "), value(tables, "treatments", tid, "regimen")])
    conc = rows[rows["concentration_pct"].notna()]
    if len(conc):
        start = conc.iloc[0]["treatment_id"]
        s = [lit("the concentration was "), value(tables, "treatments", start, "concentration_pct"), lit(" % at first")]
        prev = conc.iloc[0]["concentration_pct"]
        for r in list(conc.itertuples())[1:]:
            verb = "increased" if r.concentration_pct > prev else "decreased" if r.concentration_pct < prev else "kept"
            s += [lit(f", then {verb} to "), value(tables, "treatments", r.treatment_id, "concentration_pct"), lit(" %")]
            prev = r.concentration_pct
        sec.sentences.append(s)
    if cs.known(first["reason"]):
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
    for (tid, _months), grp in oc.groupby(["treatment_id", "months_on_treatment"], sort=True):
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
                part += [lit(" of ")] + join([[value(tables, "outcomes", r.outcome_id, "domain")] for r in domains])
            parts.append(part)
        sec.sentences.append(s + join(parts, ", with "))
    return sec


def describe(tables: dict[str, pd.DataFrame]) -> list[Section]:
    """The whole case description: presentation, investigations, diagnosis, course, thiosulfate, outcome."""
    return [presentation(tables), investigations(tables), diagnosis(tables), treatment_course(tables),
            thiosulfate_regimen(tables), outcome(tables)]


def summaries(tables) -> list:
    """Every summary the report generates from ``tables`` as cited text (the hook the prose tests call)."""
    from casebook.reports.jdm_case.cited import to_prose

    return [to_prose(describe(tables))]
