"""What a run read, as the engine records it: a file it looked for and did not find, and the inputs of what it wrote
in a scope (``tests/fixtures/notebooks/fixture-optional.ipynb``: two units, each in its own scope, each reading its
note only if the note is there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import FIXTURES, copy_project, run_build

pytestmark = pytest.mark.slow

NOTEBOOK = "notebooks/fixture-optional.ipynb"
NOTE_A, NOTE_B = "data/fixture-notes/a.txt", "data/fixture-notes/b.txt"


def _inputs(root: Path) -> dict[str, dict]:
    artefacts = json.loads((root / "provenance.json").read_text(encoding="utf-8"))["artefacts"]
    return {path: entry["inputs"] for path, entry in artefacts.items()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The fixture notebook alone in a project copy, built once with note ``a`` and without note ``b``."""
    root = copy_project(tmp_path_factory.mktemp("optional") / "project", fixtures=True)
    (root / "notebooks" / "build.toml").write_text(f'[[notebook]]\npath = "{NOTEBOOK}"\n', encoding="utf-8")
    assert (FIXTURES / "notebooks" / "fixture-optional.ipynb").is_file()
    (root / NOTE_A).parent.mkdir(parents=True)
    (root / NOTE_A).write_text("alpha\n", encoding="utf-8")
    run_build(root, "--jobs", "1")
    return root


def test_a_scoped_artefact_lists_only_its_scope_inputs(project):
    inputs = _inputs(project)
    assert (project / "build" / "notes" / "b.txt").read_text(encoding="utf-8") == "absent\n"
    assert list(inputs["build/notes/a.txt"]) == [NOTE_A]
    assert inputs["build/notes/b.txt"] == {}
    assert list(inputs[NOTEBOOK]) == [NOTE_A]  # the notebook itself: everything the run read


def test_creating_a_file_the_notebook_looked_for_re_executes_it(project):
    before = _inputs(project)
    assert "nothing to execute" in run_build(project, "--jobs", "1").stdout
    (project / NOTE_B).write_text("beta\n", encoding="utf-8")
    out = run_build(project, "--jobs", "1").stdout
    assert f"will execute {NOTEBOOK} [default]: input {NOTE_B} appeared" in out, out
    assert (project / "build" / "notes" / "b.txt").read_text(encoding="utf-8") == "beta\n"
    after = _inputs(project)
    assert list(after["build/notes/b.txt"]) == [NOTE_B]
    assert after["build/notes/a.txt"] == before["build/notes/a.txt"]  # the other unit's provenance is untouched
    (project / NOTE_B).unlink()
    out = run_build(project, "--jobs", "1").stdout
    assert f"will execute {NOTEBOOK} [default]: input {NOTE_B} changed" in out, out  # read, then gone
    assert (project / "build" / "notes" / "b.txt").read_text(encoding="utf-8") == "absent\n"
