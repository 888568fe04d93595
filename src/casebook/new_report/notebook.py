"""The new report's notebook: thin, parameterised, following CONTRIBUTING's notebook rules (no outputs yet: the
first build executes it)."""

from __future__ import annotations

import json

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _cell(kind: str, cell_id: str, source: str, tags: tuple[str, ...] = ()) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {"tags": list(tags)} if tags else {},
            "source": source.strip("\n").splitlines(keepends=True)}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def notebook_json(report_id: str, package: str, title: str, kind) -> str:
    cells = [
        _cell("markdown", "title", f"""
# {title}

This notebook rebuilds the {kind.design} `{report_id}` from its data: the tables are loaded and validated, and the
patients are written as a table. Every value comes from `data/{report_id}/`; the logic lives in the report's package,
`casebook.reports.{package}`, which its own tests cover.

- **Reads**: `data/{report_id}/*.csv` (`{kind.patients}`, `{kind.events}`) and `data/{report_id}/data-dictionary.csv`
- **Writes**: in `tables_dir`, `{report_id}-patients` (`.csv`, `.md` and `.tex`)
"""),
        _cell("markdown", "parameters-doc", """
## Parameters

- `data_dir`: folder of the report's CSV tables (relative to the project root)
- `tables_dir`: folder (relative to the project root) where the tables are written
"""),
        _cell("code", "parameters", f'data_dir: str = "data/{report_id}"\ntables_dir: str = "tables"',
              tags=("parameters",)),
        _cell("code", "check-parameters", "from casebook import check_parameters\n\nparams = check_parameters(globals())"),
        _cell("markdown", "load-data-doc", """
## Data

The tables, validated against the data dictionary; rows per table:
"""),
        _cell("code", "load-data", f"""
from casebook import load_dataset, publish
from casebook.reports.{package} import values

data = load_dataset("{report_id}", data_dir)
{{name: len(table) for name, table in data.items()}}
"""),
        _cell("markdown", "patients-doc", "## The patients"),
        _cell("code", "patients", f"""
publish.table(values.patients_table(data), "{report_id}-patients", tables_dir, caption="The patients of {report_id}")
"""),
    ]
    doc = {"cells": cells, "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"}},
           "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
