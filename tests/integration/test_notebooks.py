"""Structure of every notebook in the build manifest (CONTRIBUTING.md, "Notebooks").

Checks what nbval cannot: one ``parameters`` cell of plain annotated literals, documented in the Markdown
cell above it, followed by ``check_parameters(globals())``; and, for the committed outputs, that every code
cell was executed (nbval silently compares nothing in an unexecuted cell), no output is an error, and no
output or metadata holds an absolute path.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from casebook.engine import build

from helpers import FIXTURES, MAIN

MANIFEST_NOTEBOOKS = sorted({run.notebook for run in build.read_manifest(MAIN / "notebooks" / "build.toml")})
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(/(home|root|tmp|Users|work|var|opt|usr)/|[A-Za-z]:\\\\)")


def source_problems(nb) -> list[str]:
    """Problems with a notebook's parameter conventions (sources only)."""
    problems = []
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        return [f"needs exactly one cell tagged 'parameters', found {len(tagged)}"]
    i = tagged[0]
    cell = nb.cells[i]
    if cell.cell_type != "code":
        problems.append("the parameters cell is not a code cell")
    names = []
    for stmt in ast.parse(cell.source).body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None):
            problems.append(f"parameters cell line {stmt.lineno}: write `name: type = literal`, nothing else")
            continue
        try:
            ast.literal_eval(stmt.value)
        except ValueError:
            problems.append(f"parameter '{stmt.target.id}' default is not a plain literal")
        names.append(stmt.target.id)
    if not names:
        problems.append("the parameters cell declares no parameter")
    above = nb.cells[i - 1] if i > 0 else None
    if above is None or above.cell_type != "markdown":
        problems.append("no Markdown cell above the parameters cell")
    else:
        problems += [
            f"parameter '{n}' is not documented in the Markdown cell above" for n in names if f"`{n}`" not in above.source
        ]
    after = next(
        (c for c in nb.cells[i + 1 :] if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])), None
    )
    if after is None or "check_parameters(globals())" not in after.source:
        problems.append("the code cell after the parameters cell must call check_parameters(globals())")
    if len({c.get("id") for c in nb.cells}) != len(nb.cells):
        problems.append("cell ids are missing or repeated")
    return problems


def output_problems(nb, text: str) -> list[str]:
    """Problems with a committed notebook's outputs and metadata."""
    problems = []
    for n, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        if cell.execution_count is None:
            problems.append(f"cell {n} ({cell.get('id')}) was not executed: nbval would compare nothing")
        for out in cell.outputs:
            if out.output_type == "error":
                problems.append(f"cell {n} ({cell.get('id')}) has an error output: {out.ename}: {out.evalue}")
    if "papermill" in nb.metadata:
        problems.append("papermill metadata was not normalised away")
    if nb.metadata.get("kernelspec") != KERNELSPEC:
        problems.append(f"kernelspec must be {KERNELSPEC}")
    match = ABSOLUTE_PATH.search(text)
    if match:
        problems.append(f"absolute path in the notebook: ...{text[max(0, match.start() - 40) : match.end() + 40]!r}...")
    return problems


def test_manifest_lists_existing_notebooks():
    for rel in MANIFEST_NOTEBOOKS:
        assert (MAIN / rel).is_file(), f"{rel} is in notebooks/build.toml but does not exist"


@pytest.mark.parametrize("rel", MANIFEST_NOTEBOOKS)
def test_committed_notebook_structure(rel):
    text = (MAIN / rel).read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    problems = source_problems(nb) + output_problems(nb, text)
    assert not problems, f"{rel}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", sorted((FIXTURES / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_fixture_notebooks_follow_the_conventions(path: Path):
    assert source_problems(nbformat.read(path, as_version=4)) == []


def test_checks_catch_broken_notebooks():
    nb = nbformat.read(FIXTURES / "notebooks" / "fixture-sts.ipynb", as_version=4)
    nb.cells[2].source += "\nextra = compute()"
    nb.cells[1].source = "Parameters: none documented"
    nb.cells[3].source = "pass"
    problems = "\n".join(source_problems(nb) + output_problems(nb, json.dumps(nb) + " /home/user/x"))
    for expected in ("line 4", "not documented", "check_parameters", "was not executed", "absolute path"):
        assert expected in problems
