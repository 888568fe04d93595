"""Report 1's case description, the diagnosis section: the Bohan and Peter criteria the documented findings meet,
those they do not, and the category, with its caveat (see :mod:`.summary`)."""

from __future__ import annotations

import re

from casebook.reports.jdm_case import analysis as cs
from casebook.reports.jdm_case.fragments import Fragment, Section, cite, computed, join, lit, value


def _evidence(tables, criteria: list[cs.Criterion]) -> list[str]:
    """The sources of a sentence about criteria: the evaluation, and the cells of the rows it rests on."""
    columns = {"findings": "finding", "investigations": "result"}
    found = ["computed:evaluate_criteria"]
    for c in criteria:
        for row in c.rows:
            found += [f"{t}:{row}.{col}" for t, col in columns.items() if (tables[t][cs.ID_COLUMNS[t]] == row).any()]
    return found


def diagnosis(tables) -> Section:
    c = cs.the_case(tables)
    sec = Section("Diagnosis")
    sec.sentences.append([lit("the diagnosis was "), value(tables, "case", c["case_id"], "diagnosis")])
    crit = cs.evaluate_criteria(tables)
    met = [c for c in crit if c.status == cs.MET]
    missing = [c for c in crit if c.status != cs.MET]

    def name(c: cs.Criterion) -> list[Fragment]:
        text = re.sub(r"\s*\(.*\)$", "", c.criterion)
        return [lit(text[:1].lower() + text[1:])]

    if met:
        sec.sentences.append([lit("of the Bohan and Peter criteria, the documented findings meet ")] + join([name(c) for c in met])
                             + [cite(*_evidence(tables, met))])
    for state in dict.fromkeys(c.status for c in missing):  # one sentence per status: not stated, not documented, ...
        group = [c for c in missing if c.status == state]
        caveats = [lit(c.caveat) for c in group if c.caveat]
        sec.sentences.append(join([name(c) for c in group]) + [lit(f" {'is' if len(group) == 1 else 'are'} {state}")]
                             + ([lit(" (")] + join([[c] for c in caveats], "; ", "; ") + [lit(")")] if caveats else [])
                             + [cite(*_evidence(tables, group), "investigations.kind")])
    sec.sentences.append(_category(tables, crit))
    return sec


def _category(tables, crit: list[cs.Criterion]) -> list[Fragment]:
    """'by these criteria the case is probable dermatomyositis; it would be definite if ...' (the caveat kept)."""
    category = cs.criteria_category(crit)
    lenient = cs.criteria_category(crit, count_caveated=True)
    named = category in ("definite", "probable", "possible")
    s = [lit("by these criteria the case is " if named else "by these criteria the category is: "),
         computed(category, cs.criteria_category), lit(" dermatomyositis" if named else "")]
    if lenient != category:
        s += [lit("; it would be "), computed(lenient, cs.criteria_category),
              lit(" if the proximal weakness, whose symmetry is not stated, was symmetric")]
    return s + [cite(*_evidence(tables, crit))]
