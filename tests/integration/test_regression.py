"""Regression checks: the shared clean build against what is committed (artefact hashes in provenance.json, the
notebooks' outputs through nbval), proof that both checks fail when a data value changes, and proof that the
report notebooks are really parameterised.

nbval compares, it does not execute (``tests/nbval_replay.py``): the notebooks run once per test run, in the
shared build.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from casebook.engine import build, provenance

from helpers import CHANGED, MAIN, copy_project, run_build, run_nbval

PROJECT_NOTEBOOKS = sorted({r.notebook for r in build.read_manifest(MAIN / "notebooks" / "build.toml")})
SERIES_NOTEBOOK = "notebooks/02-sts-series-intralesional-thiosulfate.ipynb"


def test_the_project_has_notebooks_and_provenance():
    """The checks below are only meaningful with notebooks and a committed provenance.json: their absence fails."""
    assert PROJECT_NOTEBOOKS, "notebooks/build.toml lists no notebooks"
    assert (MAIN / "provenance.json").is_file(), "provenance.json is not committed: run `make build`"


@pytest.mark.slow
def test_committed_artefacts_match_a_clean_rebuild(built_project: Path):
    """nbval skips images: the shared clean rebuild (every notebook, forced) must give every artefact's sha256."""
    root = built_project
    committed = provenance.read(MAIN / "provenance.json")
    differences = provenance.diff(committed, provenance.read(root / "provenance.json"))
    assert not differences, "artefacts differ from provenance.json:\n  " + "\n  ".join(differences)
    assert (root / "provenance.json").read_bytes() == (MAIN / "provenance.json").read_bytes()


@pytest.mark.slow
def test_nbval_finds_the_committed_outputs_in_the_clean_rebuild(built_project: Path):
    """Every code cell of every committed notebook shows what the shared clean build's cell shows (nbval, strict)."""
    proc = run_nbval(MAIN, built_project, *PROJECT_NOTEBOOKS)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    cells = sum(1 for nb in PROJECT_NOTEBOOKS for c in json.loads((MAIN / nb).read_text())["cells"] if c["cell_type"] == "code")
    assert f"{cells} passed" in proc.stdout, proc.stdout[-2000:]


def _assert_checks_fail(reference: Path, changed: Path, notebooks: list[str], what: str) -> None:
    """nbval and the artefact hashes both fail for the copy at ``changed``, built after ``what`` changed."""
    nbval = run_nbval(reference, changed, *notebooks)
    assert nbval.returncode != 0, f"nbval passed although {what}:\n{nbval.stdout[-3000:]}"
    failing = [nb for nb in notebooks if f"{nb}::Cell" in nbval.stdout and "Cell outputs differ" in nbval.stdout]
    assert failing, f"nbval output names no notebook:\n{nbval.stdout[-3000:]}"
    committed = provenance.read(reference / "provenance.json")
    differences = provenance.diff(committed, provenance.read(changed / "provenance.json"))
    assert differences, f"artefact check passed although {what}"
    assert any("data/sts-series/measurements.csv" in d for d in differences), differences


@pytest.mark.slow
def test_checks_fail_on_change_project(changed_build):
    """On a copy of the shared build with one size changed and rebuilt: the committed notebooks and artefacts no
    longer match."""
    root, out = changed_build
    readers = sorted(
        {
            e["notebook"]
            for e in provenance.read(MAIN / "provenance.json").values()
            if "data/sts-series/measurements.csv" in e["inputs"]
        }
    )
    assert readers, "no committed notebook reads data/sts-series/measurements.csv"
    _assert_checks_fail(MAIN, root, readers, "{} week {}: size set to {} mm".format(*CHANGED))
    # the change re-executed exactly the notebooks that read the file, and those that come after them
    runs = build.read_manifest(MAIN / "notebooks" / "build.toml").runs
    expected = set(readers) | {r.notebook for r in runs if set(r.after) & set(readers)}
    executed = {line.split("done", 1)[1].split(" [", 1)[0].strip() for line in out.splitlines() if "] done " in line}
    assert executed == expected, out


@pytest.mark.slow
def test_series_notebook_runs_on_a_synthetic_series(tmp_path: Path):
    """Report 2 rebuilt from a synthetic series (fixed seed) shows that series, not the published one."""
    from casebook.reports.sts_series.synthetic import write_series

    root = copy_project(tmp_path / "project")
    folder = root / "data" / "synthetic-sts-series"
    write_series(folder, seed=20240601)
    manifest = root / "synthetic.toml"
    manifest.write_text(
        f'[[notebook]]\npath = "{SERIES_NOTEBOOK}"\n[notebook.sets.synthetic]\ndata_dir = "data/synthetic-sts-series"\n'
    )
    run_build(root, "--manifest", str(manifest), "--only", f"{Path(SERIES_NOTEBOOK).stem}--synthetic")
    out = root / "build" / "runs" / Path(SERIES_NOTEBOOK).stem / "synthetic"
    prov = provenance.read(out / "provenance.json")
    assert prov, "the synthetic run recorded no artefacts"
    assert all("data/synthetic-sts-series/measurements.csv" in e["inputs"] for e in prov.values())
    # The report's schema (its data dictionary and vocabulary) is read, as for any series; none of the published
    # series' data is.
    read = [k for e in prov.values() for k in e["inputs"]]
    schema = ("data-dictionary.csv", "vocabulary.csv")
    assert not any(k.startswith("data/sts-series/") and not k.endswith(schema) for k in read), (
        "the synthetic run read the published series"
    )
    tables = {p.name: p.read_text() for p in (out / "tables").glob("*.csv")}
    committed = {name: (MAIN / "tables" / name).read_text() for name in tables if (MAIN / "tables" / name).is_file()}
    assert tables and any(tables[n] != committed.get(n) for n in tables), "synthetic tables equal the published ones"
    patients = [r["patient_id"] for r in csv.DictReader((folder / "patients.csv").open(encoding="utf-8"))]
    shown = json.dumps(json.loads((out / f"{Path(SERIES_NOTEBOOK).stem}.ipynb").read_text())["cells"])
    shown += "".join(tables.values())
    lesion_sizes = [r["size_mm"] for r in csv.DictReader((folder / "measurements.csv").open(encoding="utf-8")) if r["size_mm"]]
    assert len(set(lesion_sizes)) > 1 and len(patients) >= 1
    assert any(p in shown for p in patients), "no synthetic patient appears in the outputs"
    shutil.rmtree(out.parent, ignore_errors=True)
