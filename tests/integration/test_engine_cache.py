"""The cache keys each run on the package modules its notebook imported, recorded as it ran."""

from __future__ import annotations

import json

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
