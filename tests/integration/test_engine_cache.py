"""The cache keys each run on the package modules its notebook imported, recorded as it ran."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from helpers import MAIN, copy_project

pytestmark = pytest.mark.slow


def _build(root, *args):
    env = {**os.environ, "CASEBOOK_ROOT": str(root), "PYTHONPATH": str(root / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "casebook", "build", "--jobs", "2", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_editing_audit_code_re_executes_only_its_readers(tmp_path):
    root = copy_project(tmp_path / "project")
    shutil.copytree(MAIN / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    _build(root)
    record = json.loads((root / "build" / "cache" / "01-jdm-case-topical-thiosulfate.json").read_text())
    assert "casebook.reports.jdm_case.analysis" in record["modules"]
    assert not any(m.startswith("casebook.audit") for m in record["modules"])
    with open(root / "src" / "casebook" / "audit" / "compare.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    out = _build(root)
    assert "will execute notebooks/03-claims-audit.ipynb [default]: module casebook.audit.compare changed" in out
    assert "01-jdm-case" not in out and "02-sts-series" not in out
