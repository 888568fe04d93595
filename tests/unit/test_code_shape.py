"""The shape of the code: small modules with one job, lint-clean, a report as one unit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "casebook"
MAX_LINES = 300


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_over_300_lines(module):
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module.relative_to(ROOT)} has {n} lines; split it by job (limit {MAX_LINES})"


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: it is pinned in requirements.lock (make venv)")
    # the whole tree, as `ruff check .` sees it: the notebooks too
    proc = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_every_report_is_a_subpackage_with_a_report_entry():
    from casebook.reports import registry

    reports = registry()
    assert set(reports) == {"jdm-case", "sts-series"}
    for report in reports.values():
        assert (ROOT / report.notebook).is_file(), report.notebook
        assert report.dictionary.is_file(), report.dictionary
        assert report.package.startswith("casebook.reports.")
