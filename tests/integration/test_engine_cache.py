"""The cache keys each run on the package modules its notebook imported, recorded as it ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import clone_built, run_casebook

pytestmark = pytest.mark.slow


def test_editing_audit_code_re_executes_only_its_readers(built_project, tmp_path):
    root = clone_built(built_project, tmp_path / "project")
    record = json.loads((root / "build" / "cache" / "01-jdm-case-topical-thiosulfate.json").read_text())
    assert "casebook.reports.jdm_case.analysis" in record["modules"]
    assert not any(m.startswith("casebook.audit") for m in record["modules"])
    assert "nothing to execute" in run_casebook(root, "build", "--jobs", "2").stdout  # the clone is up to date
    with open(root / "src" / "casebook" / "audit" / "compare.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    out = run_casebook(root, "build", "--jobs", "2").stdout
    assert "will execute notebooks/03-claims-audit.ipynb [default]: module casebook.audit.compare changed" in out
    assert "01-jdm-case" not in out and "02-sts-series" not in out


def test_a_reports_notebook_imports_no_other_reports_package(built_project):
    """Each report notebook's cache record lists only its own report's subpackage: editing (or adding) another
    report re-executes none of them (casebook.registry.get imports the one package its id names)."""
    from casebook.registry import registry

    packages = {r.notebook: r.package for r in registry().values()}
    for notebook, own in packages.items():
        record = json.loads((built_project / "build" / "cache" / f"{Path(notebook).stem}.json").read_text())
        others = [m for m in record["modules"] if m.startswith("casebook.reports.") and not m.startswith(own)
                  and m.count(".") >= 2]
        assert others == [], f"{notebook} imports other reports' modules: {others}"
