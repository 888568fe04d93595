"""The benchmark runs: its quick mode measures every path once, so a benchmark broken by a refactor fails CI.

The quick mode also checks that the floor (the notebooks' own code cells in one plain process) writes exactly the
figures and tables the build writes: the floor is derived from the notebooks, so it cannot drift from them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import MAIN

pytestmark = pytest.mark.slow


def test_bench_quick_mode_runs_and_its_floor_matches_the_build(built_project, changed_build, tmp_path):
    """The quick mode reuses the test run's shared builds: the clean one instead of a clean build of its own, the
    changed one instead of rebuilding after a change."""
    out = tmp_path / "bench.json"
    changed_root, changed_out = changed_build
    log = tmp_path / "changed-build.out"
    log.write_text(changed_out, encoding="utf-8")
    cmd = [sys.executable, str(MAIN / "benchmarks" / "bench.py"), "--quick", "--built", str(built_project),
           "--changed", str(changed_root), str(log), "--out", str(out)]
    proc = subprocess.run(cmd, cwd=MAIN, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["floor_differs"] == [], result["floor_differs"]
    assert result["changed_file_notebooks"], "no notebook ran after the change"
    assert result["targets"]["changed file re-executes only its readers"]
    assert "(a)/(b)" in proc.stdout and "met" in proc.stdout
