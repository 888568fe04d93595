"""``casebook new-report ID --kind case|series`` as an author runs it, in a copy of the built project (a git
repository): the new reports validate, pass their own tests, build and publish a placeholder article at once, and
nothing outside their places and their manifest entries changes, no byte of another report's artefacts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import clone_built, foreign_changes, git_baseline, git_changed, run_casebook

pytestmark = pytest.mark.slow
NEW = {"my-case": "case", "my-series": "series"}
PLACES = ("data/my-case/", "src/casebook/reports/my_case/", "notebooks/05-my-case.ipynb",
          "data/my-series/", "src/casebook/reports/my_series/", "notebooks/06-my-series.ipynb")


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory) -> Path:
    root = clone_built(built_project, tmp_path_factory.mktemp("new-report") / "project")
    git_baseline(root)
    for report_id, kind in NEW.items():
        out = run_casebook(root, "new-report", report_id, "--kind", kind).stdout
        assert f"report {report_id} (" in out and "notebooks/build.toml" in out
    return root


@pytest.fixture(scope="module")
def built(project) -> str:
    return run_casebook(project, "build", "--jobs", "2").stdout


def test_it_writes_only_the_reports_places_and_their_manifest_entries(project):
    changed = git_changed(project)
    assert [p for p in changed if not p.startswith(PLACES)] == ["notebooks/build.toml"], changed
    manifest = (project / "notebooks" / "build.toml").read_text(encoding="utf-8")
    assert manifest.endswith('path = "notebooks/05-my-case.ipynb"\n\n[[notebook]]\npath = "notebooks/06-my-series.ipynb"\n')


def test_the_reports_validate_and_keep_the_projects_style(project):
    out = run_casebook(project, "validate").stdout
    assert "my-case/patient: 0 rows" in out and "my-series/observations: 0 rows" in out
    ruff = Path(sys.executable).parent / "ruff"
    code = [str(project / "src" / "casebook" / "reports" / p) for p in ("my_case", "my_series")]
    proc = subprocess.run([str(ruff), "check", "--config", str(project / "pyproject.toml"), *code],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_their_own_tests_run_and_pass(project):
    env = {**os.environ, "CASEBOOK_ROOT": str(project), "PYTHONPATH": str(project / "src")}
    tests = [str(project / "src" / "casebook" / "reports" / p / "tests") for p in ("my_case", "my_series")]
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                           "--rootdir", str(project), *tests], cwd=project, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr


def test_a_case_report_refuses_a_second_patient(project, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(project, bad, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"))
    (bad / "data" / "my-case" / "patient.csv").write_text("patient_id,age_years,sex\nA,40,female\nB,41,male\n")
    proc = run_casebook(bad, "validate", check=False)
    assert proc.returncode == 1
    assert "data/my-case/patient.csv, line 3, column 'patient_id': a case report describes one patient" in proc.stderr


def test_they_build_and_publish_a_placeholder_article_and_nothing_else_changes(project, built):
    for report_id in NEW:
        assert f"notebooks/0{5 + list(NEW).index(report_id)}-{report_id}.ipynb" in built
        for name in ("article.pdf", "article.html", "article.docx", "values.csv"):
            assert (project / "manuscripts" / report_id / f"{report_id}-{name}").is_file(), (report_id, name)
        html = " ".join((project / "manuscripts" / report_id / f"{report_id}-article.html").read_text(encoding="utf-8").split())
        assert "This article is a placeholder" in html and "0 patient rows" in html
        assert (project / "tables" / f"{report_id}-patients.csv").is_file()
        assert (project / "tables" / f"care-checklist-{report_id}.csv").is_file()
    assert foreign_changes(project, git_changed(project), set(NEW), PLACES) == []
