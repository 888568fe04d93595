"""Report 1 description (casebook.reports.jdm_case.summary): every number traces to a data row; absent facts are not written."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from casebook import load_dataset
from casebook.exceptions import CasebookError
from casebook.reports.jdm_case import cited
from casebook.reports.jdm_case import fragments as fr
from casebook.reports.jdm_case import summary as cs
from casebook.reports.jdm_case.tables import ID_COLUMNS


@pytest.fixture(scope="module")
def data():
    return load_dataset("jdm-case")


def copy_of(data):
    return {k: v.copy() for k, v in data.items()}


def text_of(tables) -> str:
    return cited.to_markdown(cs.describe(tables))


def set_cell(t, table, row_id, column, value):
    key = ID_COLUMNS[table]
    t[table].loc[t[table][key] == row_id, column] = value


def test_every_number_in_the_text_traces_to_a_data_row(data):
    sections = cs.describe(data)
    text, spans = fr.render(sections)
    numbers = list(re.finditer(r"\d+(?:\.\d+)?", text))
    assert len(numbers) >= 20
    for m in numbers:
        owners = [f for a, b, f in spans if a <= m.start() and m.end() <= b and f.sourced]
        assert owners, f"number {m.group()!r} at {m.start()} comes from no data row"
        assert fr.verify(owners[0], data), f"{m.group()!r} does not match {owners[0].refs}"
    trace = fr.trace_numbers(sections, data)
    assert trace["traced"].all() and len(trace) == len(numbers)


def test_the_printed_numbers_appear(data):
    text = text_of(data)
    for expected in (
        "46 months",
        "11.0 U/L",
        "1.51 times",
        "7.3 U/L",
        "19.3 U/L",
        "2.64 times",
        "35 of 52",
        "67.3 %",
        "50 of 80",
        "62.5 %",
        "(24 months)",
        "at 3 %",
        "to 10 %",
        "After 9 months",
    ):
        assert expected in text, expected
    assert "3 years and 10 months" in text and "Caucasian boy" in text


def test_sections_cover_the_case(data):
    headings = [s.heading for s in cs.describe(data) if s.sentences]
    assert headings == [
        "Presentation",
        "Investigations",
        "Diagnosis",
        "Treatment and course",
        "Topical sodium thiosulfate",
        "Outcome",
    ]
    text = text_of(data)
    assert ("By these criteria the case is probable dermatomyositis; it would be definite if the proximal weakness, "
            "whose symmetry is not stated, was symmetric.") in text  # the caveat of the criteria table kept (issue 21)
    assert "muscle weakness is not stated (proximal weakness is documented; its symmetry is not stated)" in text
    assert "Muscle biopsy showing myositis is not documented" in text
    assert "occlusive dressing" in text and "Arabshahi" in text
    assert text.index("methotrexate") < text.index("alendronate") < text.index("Fifth treatment")


def test_template_text_cannot_hold_a_number():
    with pytest.raises(CasebookError):
        fr.lit("after 9 months")
    assert fr.lit("after").text == "after"


def test_a_changed_data_value_is_detected(data):
    sections = cs.describe(data)
    t = copy_of(data)
    set_cell(t, "investigations", "I01", "value", 12.0)
    assert not fr.trace_numbers(sections, t)["traced"].all()  # the old text no longer matches the data
    new = text_of(t)
    assert "12.0 U/L" in new and "1.64 times" in new and "11.0" not in new


def test_an_untraced_number_is_reported(data):
    sections = cs.describe(data)
    sections[0].sentences.append([fr.Fragment("seen 7 times")])  # bypasses lit(): a number with no source
    trace = fr.trace_numbers(sections, data)
    assert not trace.loc[trace["Number"] == "7", "traced"].any()


def test_nothing_is_written_as_not_reported(data):
    text = text_of(data).lower()
    assert "not reported" not in text and "nan" not in re.findall(r"[a-z]+", text)


def test_missing_facts_produce_no_sentence(data):
    t = copy_of(data)
    set_cell(t, "case", "C1", "ancestry", pd.NA)
    t["muscle_scores"] = t["muscle_scores"].iloc[0:0]
    set_cell(t, "treatments", "T5", "timing", "not reported")
    set_cell(t, "treatments", "T5", "timing_months_from_onset", float("nan"))
    set_cell(t, "treatments", "T6", "regimen", "not reported")
    t["outcomes"] = t["outcomes"].iloc[0:0]
    text = text_of(t)
    assert text.startswith("### Presentation\n\nA boy presented")
    assert "Caucasian" not in text and "CMAS" not in text and "MMT8" not in text
    assert "disease onset" not in text and "24" not in text
    assert "occlusive" not in text and "was applied" not in text
    assert "### Outcome" not in text and "assessed after" not in text
    assert fr.trace_numbers(cs.describe(t), t)["traced"].all()


def test_missing_lab_value_gives_no_number(data):
    t = copy_of(data)
    set_cell(t, "investigations", "I08", "value", float("nan"))
    set_cell(t, "investigations", "I08", "unit", pd.NA)
    text = text_of(t)
    assert "19.3" not in text and "2.64" not in text and "aldolase was elevated" in text


def test_number_sources_raises_on_an_untraced_number(data):
    sections = cs.describe(data)
    assert len(fr.number_sources(sections, data)) == len(fr.trace_numbers(sections, data))
    sections[-1].sentences.append([fr.Fragment("in 2 cases")])
    with pytest.raises(CasebookError, match="not traced"):
        fr.number_sources(sections, data)


def test_an_assumed_reference_limit_is_said_to_be_assumed(data):
    text = text_of(data)
    assert text.count("assumed to apply") == 1  # the second aldolase only: its limit is printed with the first
    assert "2.64 times the upper reference limit of 7.3 U/L (a limit printed elsewhere in the report, assumed" in text
    t = copy_of(data)
    set_cell(t, "investigations", "I08", "upper_limit_source", "printed")
    assert "assumed" not in text_of(t)


def test_a_value_cited_to_the_wrong_cell_is_found(data):
    """A planted sentence: the second aldolase value, cited to the first value's cell."""
    from casebook.manuscript.prose import data_sources
    from casebook.manuscript.template import Template, disagreements

    prose = cs.summaries(data)[0]
    planted = Template(prose.file, prose.text + "\nAldolase was {{ investigations_i08_value }}. "
                       "{{ cite: investigations:I01.value }}\n")
    found = disagreements(planted, prose.registry, data_sources("jdm-case", data))
    assert len(found) == 1 and "{{ investigations_i08_value }} = 19.3 agrees with none of its sources" in found[0]
