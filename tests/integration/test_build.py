"""The build machinery (casebook.engine.build, normalize, provenance) on small fixture notebooks in a temporary project."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from casebook import paths
from casebook.engine import build
from casebook.engine.normalize import INJECTED_ID, dumps, normalize
from casebook.exceptions import BuildError, ParameterError

from helpers import FIXTURES, clone_built, run_build


def _hashes(root: Path) -> dict[str, str]:
    out = {}
    for folder in ("figures", "tables", "notebooks"):
        for p in sorted((root / folder).rglob("*")):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    out["provenance.json"] = hashlib.sha256((root / "provenance.json").read_bytes()).hexdigest()
    return out


def _edit_measurement(root: Path, old: str, new: str) -> None:
    path = root / "data" / "sts-series" / "measurements.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- fast: no kernel ---------------------------------------------------------------------------------------


def test_normalize_removes_volatile_metadata():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1", id="parameters", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "x = 2", id="a1b2c3d4", metadata={"tags": ["injected-parameters"], "papermill": {"duration": 0.1}}
            ),
            nbformat.v4.new_code_cell("x", id="show", metadata={"execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}}),
            nbformat.v4.new_markdown_cell("text", id="md", metadata={"tags": []}),
        ]
    )
    nb.metadata.update(
        papermill={"input_path": "/home/someone/nb.ipynb", "start_time": "2026"},
        language_info={"name": "python", "version": "3.11.9"},
    )
    for count, cell in zip((5, 6, 9), nb.cells, strict=False):
        cell.execution_count = count
    nb.cells[2].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=9)]
    out = normalize(nb)
    text = dumps(out)
    assert "papermill" not in text and "/home/someone" not in text and "iopub" not in text and "3.11.9" not in text
    assert [c.get("execution_count") for c in out.cells] == [1, 2, 3, None]
    assert out.cells[2].outputs[0].execution_count == 3
    assert out.cells[1].id == INJECTED_ID and "tags" not in out.cells[3].metadata
    assert out.metadata.kernelspec == {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    assert text.endswith("}\n") and text == dumps(normalize(out))  # idempotent, nbformat layout


def test_manifest_errors(fixture_project: Path, monkeypatch):
    monkeypatch.setattr(paths, "ROOT", fixture_project)
    manifest = fixture_project / "m.toml"
    manifest.write_text('[[notebook]]\npath = "notebooks/missing.ipynb"\n')
    with pytest.raises(BuildError, match="notebooks/missing.ipynb: notebook listed in the build manifest does not exist"):
        build.build(manifest, echo=lambda _: None)
    manifest.write_text('[[notebook]]\npath = "notebooks/fixture-sts.ipynb"\n[notebook.sets.alt]\ndta_dir = "x"\n')
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) dta_dir; .* accepts: data_dir, figures_dir, tables_dir"):
        build.build(manifest, echo=lambda _: None)
    manifest.write_text('[[notebook]]\npath = "notebooks/fixture-sts.ipynb"\n[notebook.sets.default]\ndata_dir = "x"\n')
    with pytest.raises(BuildError, match="default"):
        build.read_manifest(manifest)
    # nothing executed: build/ holds at most the validation record the copy came with
    assert [p.name for p in (fixture_project / "build").rglob("*") if p.is_file()] in ([], ["validated.json"])


def test_cli_says_when_there_is_nothing_to_build(fixture_project: Path):
    (fixture_project / "notebooks" / "build.toml").write_text("# no notebooks yet\n")
    proc = run_build(fixture_project)
    assert "data valid; no notebooks to build" in proc.stdout


# --- slow: executes the fixture notebooks ----------------------------------------------------------------


@pytest.mark.slow
def test_build_is_incremental_deterministic_and_normalised(built_fixtures, tmp_path: Path):
    """The first build is the run's shared fixture build; the next ones run in a copy of it. Also: a notebook run
    `after` another re-executes when the other's artefacts appear or vanish, not when a data value it never reads
    changes the other's output bytes (fixture-jdm runs after fixture-sts in tests/fixtures/build.toml)."""
    shared, first = built_fixtures
    assert "build: executed 2, skipped 0" in first, first
    assert 'after = ["notebooks/fixture-sts.ipynb"]' in (shared / "notebooks" / "build.toml").read_text(encoding="utf-8")
    root = clone_built(shared, tmp_path / "project")
    built = _hashes(root)
    assert {
        "figures/fixture-sts-baseline-sizes.png",
        "figures/fixture-sts-baseline-sizes.svg",
        "figures/fixture-sts-baseline-sizes.pdf",
        "tables/fixture-sts-lesion-sizes.csv",
        "tables/fixture-sts-lesion-sizes.md",
        "tables/fixture-sts-lesion-sizes.tex",
    } <= set(built)

    # the committed notebook: executed, normalised, its own defaults, no volatile metadata
    text = (root / "notebooks" / "fixture-sts.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert "papermill" not in text and str(root) not in text and "injected-parameters" not in text
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4, 5]
    assert [c.id for c in nb.cells] == [
        "title",
        "parameters-doc",
        "parameters",
        "check-parameters",
        "load-data",
        "sizes",
        "figure",
    ]

    # provenance: every artefact with sha256, notebook, parameters, inputs with sha256, versions
    prov = json.loads((root / "provenance.json").read_text())
    entry = prov["artefacts"]["tables/fixture-sts-lesion-sizes.csv"]
    assert entry["sha256"] == built["tables/fixture-sts-lesion-sizes.csv"]
    assert entry["notebook"] == "notebooks/fixture-sts.ipynb" and entry["parameter_set"] == "default"
    assert entry["parameters"] == {"data_dir": "data/sts-series", "figures_dir": "figures", "tables_dir": "tables"}
    assert "data/sts-series/measurements.csv" in entry["inputs"] and "data/jdm-case/case.csv" not in entry["inputs"]
    assert prov["artefacts"]["notebooks/fixture-sts.ipynb"]["sha256"] == built["notebooks/fixture-sts.ipynb"]
    assert set(prov["environment"]) >= {"python", "pandas", "matplotlib", "seaborn", "papermill", "requirements.lock"}

    second = run_build(root)
    assert "nothing to execute" in second.stdout and "done" not in second.stdout, second.stdout
    assert _hashes(root) == built

    # one data file changes: only the notebook that reads it executes again
    _edit_measurement(root, "L1,4,measured,0,", "L1,4,measured,1,")
    third = run_build(root)
    assert "input data/sts-series/measurements.csv changed" in third.stdout, third.stdout
    assert "executing 1 notebook run(s)" in third.stdout and "fixture-jdm.ipynb [default] in" not in third.stdout
    assert "fixture-sts.ipynb [default] in" in third.stdout, third.stdout
    changed = _hashes(root)
    assert changed["tables/fixture-sts-lesion-sizes.csv"] != built["tables/fixture-sts-lesion-sizes.csv"]
    assert changed["tables/fixture-jdm-muscle-scores.csv"] == built["tables/fixture-jdm-muscle-scores.csv"]
    # (a clean rebuild giving the same bytes: the shared clean build against the committed artefacts, test_regression)


@pytest.mark.slow
def test_failure_keeps_artefacts_and_other_sets_go_to_build(built_fixtures, tmp_path: Path):
    root = clone_built(built_fixtures[0], tmp_path / "project")
    before = _hashes(root)
    alt = root / "data" / "alt-series"
    import shutil

    shutil.copytree(root / "data" / "sts-series", alt)
    (alt / "measurements.csv").write_text(
        (alt / "measurements.csv").read_text().replace("L1,0,measured,3,", "L1,0,measured,333,", 1)
    )
    manifest = root / "failing.toml"
    manifest.write_text(
        '[[notebook]]\npath = "notebooks/fixture-fails.ipynb"\n\n'
        '[[notebook]]\npath = "notebooks/fixture-sts.ipynb"\n[notebook.sets.alt]\ndata_dir = "data/alt-series"\n'
    )
    proc = run_build(root, "--manifest", str(manifest), check=False)
    assert proc.returncode == 1
    assert "notebooks/fixture-fails.ipynb: cell 7 raised ValueError: deliberate failure after writing" in proc.stderr
    assert "build/failed/fixture-fails.ipynb" in proc.stderr
    failed = nbformat.read(root / "build" / "failed" / "fixture-fails.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in failed.cells if c.cell_type == "code" for o in c.outputs)
    assert _hashes(root) == before  # overwritten table restored, created table removed, notebook untouched
    assert not (root / "tables" / "fixture-fails-new.csv").exists()
    # the other set succeeded, in build/runs, reflecting its own data
    out = root / "build" / "runs" / "fixture-sts" / "alt"
    assert "L1,0,333.0" in (out / "tables" / "fixture-sts-lesion-sizes.csv").read_text()
    assert (out / "figures" / "fixture-sts-baseline-sizes.png").is_file()
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["artefacts"]["build/runs/fixture-sts/alt/fixture-sts.ipynb"]["parameters"]["data_dir"] == "data/alt-series"
    assert "data/alt-series/measurements.csv" in prov["artefacts"]["build/runs/fixture-sts/alt/fixture-sts.ipynb"]["inputs"]
    injected = nbformat.read(out / "fixture-sts.ipynb", as_version=4).cells[3]
    assert injected.id == INJECTED_ID and 'data_dir = "data/alt-series"' in injected.source


@pytest.mark.slow
def test_notebook_runs_directly_with_papermill_from_any_folder(fixture_project: Path, tmp_path: Path):
    env = {**os.environ, "CASEBOOK_ROOT": str(fixture_project)}
    papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3"]
    nb = str(fixture_project / "notebooks" / "fixture-jdm.ipynb")
    ok = subprocess.run(
        [*papermill, nb, str(tmp_path / "out.ipynb"), "-p", "tables_dir", "build/direct"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stderr
    assert (fixture_project / "build" / "direct" / "fixture-jdm-muscle-scores.csv").is_file()
    bad = subprocess.run(
        [*papermill, nb, str(tmp_path / "bad.ipynb"), "-p", "table_dir", "x"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode != 0
    assert "ParameterError" in bad.stderr and "unknown parameter(s): table_dir" in bad.stderr


def test_fixture_notebooks_are_current():
    """The fixture notebooks are generated; regenerate them with tests/fixtures/make_fixtures.py."""
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(FIXTURES))
    for name, nb in make_fixtures.FIXTURES.items():
        assert nbformat.reads((FIXTURES / "notebooks" / f"{name}.ipynb").read_text(), as_version=4) == nb, name
