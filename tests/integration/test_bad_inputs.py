"""The bad-input corpus beyond data (tests/bad-inputs/parameters/, tests/bad-inputs/manifest/), and the build's
command line on every kind of bad input: a clear message, a non-zero exit, every committed artefact unchanged.

Data cases (tests/bad-inputs/data/) are checked at the loader level in tests/test_load.py. Each parameter or
manifest case is a folder with a ``build.toml`` (and any notebooks it names, under ``notebooks/``) and an
``expected.txt`` holding the exact error. Parameter and manifest errors are found before any kernel starts;
``casebook.engine.build.read_manifest`` and ``plan`` are the part of the build that finds them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from casebook import paths
from casebook.engine import build
from casebook.engine.cache import Cache
from casebook.exceptions import CasebookError

from helpers import MAIN, copy_project, run_build

CORPUS = Path(__file__).parents[1] / "bad-inputs"
CASES = [f"{kind}/{case.name}" for kind in ("parameters", "manifest") for case in sorted((CORPUS / kind).iterdir())]


def test_corpus_covers_data_parameters_and_manifest():
    data = list((CORPUS / "data").iterdir())
    assert len(data) + len(CASES) >= 20
    assert {c.split("/")[0] for c in CASES} == {"parameters", "manifest"}
    assert (
        len([c for c in CASES if c.startswith("parameters/")]) >= 5 and len([c for c in CASES if c.startswith("manifest/")]) >= 8
    )


def _checks(manifest: Path) -> None:
    """Everything the build checks before it executes anything, in the same order."""
    cache = Cache(paths.BUILD / "cache")
    for run in build.read_manifest(manifest):  # reading it also checks 'after' for cycles
        build.plan(run, cache)


@pytest.mark.parametrize("case", CASES)
def test_bad_parameter_or_manifest_is_named_exactly(case: str, tmp_path: Path, monkeypatch):
    folder = CORPUS / case
    root = tmp_path / "project"
    shutil.copytree(MAIN / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.toml", ".ipynb_checkpoints"))
    if (folder / "notebooks").is_dir():
        shutil.copytree(folder / "notebooks", root / "notebooks", dirs_exist_ok=True)
    shutil.copy(folder / "build.toml", root / "notebooks" / "build.toml")
    monkeypatch.setattr(paths, "ROOT", root)
    with pytest.raises(CasebookError) as info:
        _checks(root / "notebooks" / "build.toml")
    expected = (folder / "expected.txt").read_text(encoding="utf-8").strip()
    assert str(info.value).replace(str(root) + "/", "") == expected
    assert not (root / "build").exists()  # nothing executed, nothing written


# --- end to end: the command line on a copy of the real project -----------------------------------------------


def _committed(root: Path) -> dict[str, str]:
    """sha256 of provenance.json and of every artefact it lists, plus every data file."""
    names = ["provenance.json", *json.loads((root / "provenance.json").read_text())["artefacts"]]
    names += [p.relative_to(root).as_posix() for p in (root / "data").rglob("*") if p.is_file()]
    return {n: hashlib.sha256((root / n).read_bytes()).hexdigest() if (root / n).is_file() else "missing" for n in names}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("bad-inputs") / "project")


@pytest.mark.parametrize(
    "kind,case,message",
    [
        ("data", "dangling-patient", None),
        ("data", "wrong-encoding", None),
        ("parameters", "list-given-as-string", None),
        ("manifest", "no-parameters-cell", None),
    ],
)
def test_cli_fails_cleanly_before_any_kernel(project: Path, kind: str, case: str, message):
    root, folder = project, CORPUS / kind / case
    before = _committed(root)
    saved = {}
    if kind == "data":
        dataset = (folder / "dataset.txt").read_text().strip()
        for f in folder.glob("*.csv"):
            target = root / "data" / dataset / f.name
            saved[target] = target.read_bytes()
            shutil.copy(f, target)
        args: list[str] = []
        # test_load.py loads from a bare copy of the dataset folder; the project names files from its root
        expected = [
            re.sub(r"(?<![\w/-])(sts-series|jdm-case)/", r"data/\1/", line)
            for line in (folder / "expected.txt").read_text().splitlines()
        ]
    else:
        if (folder / "notebooks").is_dir():
            shutil.copytree(folder / "notebooks", root / "notebooks", dirs_exist_ok=True)
        manifest = root / f"bad-{case}.toml"
        shutil.copy(folder / "build.toml", manifest)
        args = ["--manifest", str(manifest)]
        expected = [(folder / "expected.txt").read_text().strip()]
    try:
        proc = run_build(root, *args, check=False)
    finally:
        for target, data in saved.items():
            target.write_bytes(data)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith("casebook: error: "), proc.stderr
    for line in expected:
        assert line in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "executing" not in proc.stdout  # no kernel started
    after = _committed(root)
    after.update({k: v for k, v in before.items() if k.startswith("data/")})  # restored above
    assert after == before
    assert not (root / "build" / "tmp").exists()
