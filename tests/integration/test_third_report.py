"""A report is one unit: adding a third one is adding its folders, its notebook and one manifest entry.

In a temporary copy of the whole project (code included), the fixture report of ``tests/fixtures/third-report/``
(tables, claims with their recompute functions, CARE text rows, an article and its own tests) is added file by
file, plus one entry appended to ``notebooks/build.toml``; nothing else is edited. The copy's own code runs
(``PYTHONPATH`` puts its ``src`` first), and ``casebook validate``, ``build`` and ``html`` must all pick the new
report up. The copy is a git repository: after the build, ``git status`` lists no file outside the report's places,
its manifest entry and what reads every report (index, audit, manuscripts notebook, provenance), no byte of
another report's artefacts changed (figures, tables, manuscripts, site pages), and no line of ``provenance.json``
that describes them changed either.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import (
    FIXTURES,
    MAIN,
    clone_built,
    foreign_changes,
    foreign_provenance,
    git_baseline,
    git_changed,
    run_casebook,
    tree_hashes,
)

THIRD = FIXTURES / "third-report"
COPIED = ("src", "data", "notebooks", "figures", "tables", "manuscripts", "provenance.json", "pyproject.toml", "requirements.lock")

pytestmark = pytest.mark.slow


def _copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints", ".*.tmp")
    for name in COPIED:
        src = MAIN / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    return dest


def _add_third_report(root: Path) -> list[str]:
    """Copy the fixture's files into the project and append its manifest entry; return what was added."""
    added = []
    for src in sorted(p for p in THIRD.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = src.relative_to(THIRD)
        if rel.name == "build.toml.entry":
            continue
        assert not (root / rel).exists(), f"the fixture would overwrite {rel}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, root / rel)
        added.append(rel.as_posix())
    with open(root / "notebooks" / "build.toml", "a", encoding="utf-8") as fh:
        fh.write((THIRD / "build.toml.entry").read_text(encoding="utf-8"))
    return added


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory) -> Path:
    """The shared clean build, cloned, with the third report added: building it runs the new notebook and the
    index (which lists every notebook), nothing else."""
    root = clone_built(built_project, tmp_path_factory.mktemp("third") / "project")
    git_baseline(root)
    run_casebook(root, "html")  # the site before: the pages of the reports already there
    (root.parent / "site-before.json").write_text(json.dumps(tree_hashes(root / "build" / "site", _existing())))
    _add_third_report(root)
    return root


def _existing() -> list[str]:
    from casebook.registry import registry

    return [r for r in registry() if r != "demo-case"]


PLACES = ("data/demo-case/", "src/casebook/reports/demo_case/", "notebooks/05-demo-case.ipynb")


@pytest.fixture(scope="module")
def built(project) -> str:
    """The copy with the third report, built once (what the build printed)."""
    return run_casebook(project, "build", "--jobs", "2").stdout


def test_the_copy_runs_its_own_code(project):
    probe = run_casebook(project, "validate")
    assert "demo-case/lesions: 3 rows" in probe.stdout and "demo-case/patient: 1 rows" in probe.stdout


def test_validate_checks_the_new_report_with_its_own_rules(project, tmp_path):
    bad = _copy_project(tmp_path / "bad")
    _add_third_report(bad)
    with open(bad / "data" / "demo-case" / "patient.csv", "a", encoding="utf-8") as fh:
        fh.write("B,61,female\n")
    env = {**os.environ, "CASEBOOK_ROOT": str(bad), "PYTHONPATH": str(bad / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "casebook", "validate"], cwd=bad, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 1
    assert (
        "data/demo-case/patient.csv, line 3, column 'patient_id': patient 'B' has no lesion in data/demo-case/lesions.csv"
    ) in proc.stderr


def test_adding_the_report_edits_no_shared_file(project):
    """Before any build: the report's places and the manifest, nothing else."""
    changed = git_changed(project)
    assert [p for p in changed if not p.startswith(PLACES)] == ["notebooks/build.toml"], changed


def test_the_build_changes_no_byte_of_another_report(project, built):
    changed = git_changed(project)
    assert foreign_changes(project, changed, {"demo-case"}, PLACES) == []
    # what the report's claims, CARE text rows and article give, where every report's are gathered
    for name in ("manuscripts/demo-case/demo-case-article.pdf", "manuscripts/demo-case/demo-case-values.csv",
                 "tables/care-checklist-demo-case.csv", "tables/claims-audit.csv"):
        assert name in changed, name
    audit = (project / "tables" / "claims-audit.csv").read_text(encoding="utf-8")
    assert all(f"{c},demo-case" in audit for c in ("demo-age", "demo-lesions", "demo-l1-reduction"))
    care = (project / "tables" / "care-checklist-demo-case.csv").read_text(encoding="utf-8")
    assert "one sentence on why the fixture exists" in care  # a CARE text row of the report's own register
    values = (project / "manuscripts" / "demo-case" / "demo-case-values.csv").read_text(encoding="utf-8")
    assert "first_reduction,60," in values


def test_no_provenance_line_or_site_page_of_another_report_changes(project, built):
    before = json.loads(subprocess.run(["git", "show", "HEAD:provenance.json"], cwd=project, check=True,
                                       capture_output=True, text=True).stdout)["artefacts"]
    after = json.loads((project / "provenance.json").read_text(encoding="utf-8"))["artefacts"]
    existing = _existing()
    theirs = [p for p in before if any(f"/{rid}/" in p for rid in existing)]
    assert len(theirs) >= len(existing)  # every existing report's manuscripts are described
    assert foreign_provenance(before, after, existing) == []
    run_casebook(project, "html")
    site_before = json.loads((project.parent / "site-before.json").read_text())
    assert any(p.startswith("manuscripts/") for p in site_before)
    site_after = tree_hashes(project / "build" / "site", existing)
    assert sorted(p for p in set(site_before) | set(site_after) if site_before.get(p) != site_after.get(p)) == []


def test_a_planted_provenance_coupling_is_caught(project, built):
    """The provenance check can fail: report 1's article listing the new report's claims is named."""
    after = json.loads((project / "provenance.json").read_text(encoding="utf-8"))["artefacts"]
    planted = json.loads(json.dumps(after))
    planted["manuscripts/jdm-case/jdm-case-article.pdf"]["inputs"]["data/demo-case/claims.csv"] = "0" * 64
    assert foreign_provenance(after, planted, _existing()) == ["manuscripts/jdm-case/jdm-case-article.pdf"]


def test_the_planted_coupling_is_caught(project, built, tmp_path):
    """The no-coupling check can fail: a byte of report 1's article changed is named."""
    changed = [*git_changed(project), "manuscripts/jdm-case/jdm-case-article.pdf", "data/data-dictionary.csv"]
    assert foreign_changes(project, changed, {"demo-case"}, PLACES) == [
        "manuscripts/jdm-case/jdm-case-article.pdf", "data/data-dictionary.csv"]


def test_build_and_site_pick_up_the_new_report(project, built):
    assert "notebooks/05-demo-case.ipynb" in built
    assert "01-jdm-case" not in built and "02-sts-series" not in built  # only what the change touches
    for name in (
        "tables/demo-case-lesion-changes.csv",
        "figures/demo-case-lesion-sizes.png",
        "figures/demo-case-lesion-sizes.svg",
        "figures/demo-case-lesion-sizes.pdf",
    ):
        assert (project / name).is_file(), name
    changes = (project / "tables" / "demo-case-lesion-changes.csv").read_text(encoding="utf-8")
    assert "L1,left elbow,20,8,60" in changes and "L3,left heel,5,6,-20" in changes
    assert "not measured" in changes
    index = (project / "notebooks" / "00-index.ipynb").read_text(encoding="utf-8")
    assert "05-demo-case.ipynb" in index and "care-checklist-demo-case" in index
    assert (project / "tables" / "care-checklist-demo-case.csv").is_file()
    run_casebook(project, "html")
    site = project / "build" / "site"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "demo-case" in page and "05-demo-case" in page
    assert any("05-demo-case" in p.name for p in site.rglob("*.html"))
    again = run_casebook(project, "build", "--jobs", "2")
    assert "demo-case" not in again.stdout.split("build:")[-1] or "executed 0" in again.stdout
