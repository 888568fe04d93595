"""The shape of the code: small modules with one job, lint-clean, a report as one unit."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "casebook"
MAX_LINES = 300
MAX_FUNCTION_LINES = 60
# Where the function-length limit applies: the package, the tests and the benchmark, but not the fixtures and
# broken inputs, which are data shaped like code.
SHAPED = ("src", "tests", "benchmarks")
NOT_SHAPED = ("tests/fixtures", "tests/bad-inputs")


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_over_300_lines(module):
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module.relative_to(ROOT)} has {n} lines; split it by job (limit {MAX_LINES})"


def _python_files():
    for top in SHAPED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(tuple(f"{d}/" for d in NOT_SHAPED)):
                yield path


def _long_functions(path):
    """(file:line, name, length) of every function or method in `path` over the limit, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES:
                yield f"{path.relative_to(ROOT).as_posix()}:{node.lineno}", node.name, n


def test_no_function_over_60_lines():
    # ruff has no rule for a function's length (its statement and branch counts miss a long, straight one)
    offenders = [f"{where} {name} ({n} lines)" for path in _python_files() for where, name, n in _long_functions(path)]
    assert not offenders, f"split these into small named functions (limit {MAX_FUNCTION_LINES} lines):\n" + "\n".join(offenders)


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: it is pinned in requirements.lock (make venv)")
    # the whole tree, as `ruff check .` sees it: the notebooks too
    proc = subprocess.run([ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_every_report_is_a_subpackage_with_a_report_entry():
    from casebook.registry import registry

    reports = registry()
    packages = {p.name for p in (ROOT / "src" / "casebook" / "reports").iterdir() if (p / "__init__.py").is_file()}
    assert {r.package.rsplit(".", 1)[1] for r in reports.values()} == packages  # every subpackage is a report
    assert {p.name for p in (ROOT / "data").iterdir() if p.is_dir()} == set(reports)  # every data folder too
    for report in reports.values():
        assert (ROOT / report.notebook).is_file(), report.notebook
        assert report.dictionary.is_file(), report.dictionary
        assert report.package.startswith("casebook.reports.")
