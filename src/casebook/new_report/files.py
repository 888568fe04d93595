"""What ``casebook new-report`` writes: the files of a new report, for a single case or a case series.

Every table starts empty (a header line): the author adds the rows. The placeholder article counts the rows the
tables hold, so it is true from the first build and stays true as the data grow; it types no number itself.
"""

from __future__ import annotations

from dataclasses import dataclass

DICTIONARY_HEADER = "table,column,type,unit,allowed,minimum,maximum,required,key,references,description"


@dataclass(frozen=True)
class Kind:
    """A kind of report: its tables (name -> dictionary rows, the first column its key) and the words for them."""

    design: str
    patients: str  # the patient table's name
    events: str  # the second table's name
    dictionary: tuple[str, ...]
    rules: str  # rules.py


_CASE_RULES = '''"""Rules across the report's tables: a case report describes one patient."""

from casebook.data.rules import line
from casebook.exceptions import Problem


def check(tables, files):
    extra = tables["patient"].index[1:]
    return [Problem(files["patient"], line(i), "patient_id", "a case report describes one patient: "
                    "a second patient makes it a series (casebook new-report ID --kind series)") for i in extra]
'''

_SERIES_RULES = '''"""Rules across the report's tables: every patient of the series has an observation."""

from casebook.data.rules import line
from casebook.exceptions import Problem


def check(tables, files):
    observed = set(tables["observations"]["patient_id"])
    return [Problem(files["patients"], line(i), "patient_id", f"patient '{p}' has no row in {files['observations']}")
            for i, p in tables["patients"]["patient_id"].items() if p not in observed]
'''

KINDS = {
    "case": Kind(
        "single case report", "patient", "events",
        (
            "patient,patient_id,string,,,,,yes,yes,,Identifier of the patient",
            "patient,age_years,integer,years,,0,120,yes,,,Age when first seen",
            "patient,sex,category,,female;male;not reported,,,yes,,,Sex as reported",
            "events,event_id,string,,,,,yes,yes,,Identifier of the event",
            "events,patient_id,string,,,,,yes,,patient.patient_id,Patient the event concerns",
            "events,day,integer,days,,,,yes,,,Day of the event counted from the first visit (day 0)",
            "events,event,string,,,,,yes,,,What happened (a finding; an investigation; a treatment or an outcome)",
        ),
        _CASE_RULES,
    ),
    "series": Kind(
        "case series", "patients", "observations",
        (
            "patients,patient_id,string,,,,,yes,yes,,Identifier of the patient",
            "patients,age_years,integer,years,,0,120,yes,,,Age at the start of treatment",
            "patients,sex,category,,female;male;not reported,,,yes,,,Sex as reported",
            "observations,observation_id,string,,,,,yes,yes,,Identifier of the observation",
            "observations,patient_id,string,,,,,yes,,patients.patient_id,Patient observed",
            "observations,week,integer,weeks,,0,,yes,,,Week of the observation counted from the start of treatment",
            "observations,measure,string,,,,,yes,,,What was observed",
            "observations,value,number,,,,,no,,,The value observed (empty if not measured)",
        ),
        _SERIES_RULES,
    ),
}


def table_header(kind: Kind, table: str) -> str:
    return ",".join(row.split(",")[1] for row in kind.dictionary if row.split(",")[0] == table)


def data_files(report_id: str, title: str, kind: Kind) -> dict[str, str]:
    """``data/<id>/``: the dictionary, the empty tables, ``sources.csv`` and the references. The other registers
    (``claims.csv``, ``report-structure.csv``, ...) are optional and may not be empty: the author adds them with
    their first row."""
    import json

    reference = [{"id": report_id, "type": "article-journal", "author": [{"literal": "[Authors to be written]"}],
                  "title": title, "container-title": "[Not yet published]", "issued": {"literal": "[year unknown]"},
                  "note": "The report itself: replace every bracketed field when it is known."}]
    return {
        "data-dictionary.csv": "\n".join([DICTIONARY_HEADER, *kind.dictionary]) + "\n",
        f"{kind.patients}.csv": table_header(kind, kind.patients) + "\n",
        f"{kind.events}.csv": table_header(kind, kind.events) + "\n",
        "sources.csv": f"report_id,source_file,title,design,note\n{report_id},none (not yet published),{_csv(title)},"
                       f"{kind.design},Scaffolded by casebook new-report.\n",
        "references.json": json.dumps(reference, indent=2, ensure_ascii=False) + "\n",
    }


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def package_files(report_id: str, package: str, title: str, kind: Kind, notebook: str) -> dict[str, str]:
    """``src/casebook/reports/<package>/``: REPORT, its rules, values and article, and its own test."""
    module = f"casebook.reports.{package}"
    return {
        "__init__.py": f'"""{title}."""\n\nfrom casebook.registry import Report\n\nREPORT = Report(\n'
                       f'    id="{report_id}",\n    package=__name__,\n    title={title!r},\n'
                       f'    tables=("{kind.patients}", "{kind.events}"),\n    notebook="{notebook}",\n'
                       f'    summary="the {kind.design} rebuilt from data/{report_id}/",\n'
                       f'    may_be_empty=("{kind.patients}", "{kind.events}"),  # remove once the tables hold rows\n)\n',
        "rules.py": kind.rules,
        "values.py": _VALUES.format(module=module, patients=kind.patients, events=kind.events, id=report_id),
        "article.md": _ARTICLE.format(title=title, patients=kind.patients, events=kind.events, id=report_id,
                                      key=table_header(kind, kind.patients).split(",")[0],
                                      event_key=table_header(kind, kind.events).split(",")[0]),
        "tests/__init__.py": "",
        f"tests/test_{package}.py": _TEST.format(module=module, patients=kind.patients, events=kind.events),
    }


_VALUES = '''"""The named values of the article (``article.md``), each computed from the data, and the tables it places."""

from __future__ import annotations

from casebook.manuscript import blocks as mb
from casebook.manuscript.values import Value, value


def patients_table(tables):
    """The patients as the article shows them."""
    return tables["{patients}"].rename(columns={{"patient_id": "Patient", "age_years": "Age (years)", "sex": "Sex"}})


def values(tables) -> list[Value]:
    return [
        value("n_patients", len(tables["{patients}"]), "{module}.values.values", "patients"),
        value("n_{events}", len(tables["{events}"]), "{module}.values.values", "rows"),
    ]


def blocks(tables, figures_dir: str = "figures", corrected: bool = False) -> list:
    return [mb.table("patients", patients_table(tables), "The patients of {id}")]
'''

_ARTICLE = '''# {title}

## Placeholder

This article is a placeholder, to be rewritten in the authors' words once the data are in. {{{{ cite: own }}}}
So far the data hold {{{{ n_patients }}}} patient rows and {{{{ n_{events} }}}} rows of {events} (@tbl:patients).\
{{{{ cite: {patients}.{key}, {events}.{event_key} }}}}

[[table: patients]]

## Data and code availability

Every number in this article is computed from the report's tables when it is built. {{{{ cite: own }}}}

[[table: data-files]]

[[table: software]]

[[section: references]]

## Appendix: audit of the printed numbers

Each number the report prints, once its claims are in the register, is recomputed from the data (@tbl:audit). {{{{ cite: own }}}}

[[table: audit]]
'''

_TEST = '''"""This report's own tests: collected with the suite and by make check. Add a test for every rule and
every computation the report gains."""

from casebook import load_dataset
from {module} import REPORT, values


def test_the_article_counts_the_rows_the_tables_hold():
    tables = load_dataset(REPORT.id)
    found = {{v.name: v.value for v in values.values(tables)}}
    assert found["n_patients"] == len(tables["{patients}"])
    assert found["n_{events}"] == len(tables["{events}"])
'''
