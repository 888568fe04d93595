"""Helpers shared by the tests: temporary project copies, running the build and nbval in them, and series edits.

Imported by name (``from helpers import copy_project``); ``tests/`` is on the path (``pythonpath`` in
pyproject.toml). Fixtures live in ``conftest.py`` files, helpers here.
"""

from __future__ import annotations

import atexit
import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MAIN = Path(__file__).resolve().parents[1]  # the project root
FIXTURES = Path(__file__).resolve().parent / "fixtures"
COPIED = ("data", "notebooks", "figures", "tables", "manuscripts", "provenance.json", "pyproject.toml", "requirements.lock")


def copy_project(dest: Path, fixtures: bool = False) -> Path:
    """A copy of the project's data and committed outputs; with ``fixtures``, the fixture notebooks instead."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = MAIN / name
        if fixtures and name in ("notebooks", "figures", "tables", "manuscripts", "provenance.json"):
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", ".*.tmp"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
    if fixtures:
        shutil.copytree(FIXTURES / "notebooks", dest / "notebooks")
        shutil.copy2(FIXTURES / "build.toml", dest / "notebooks" / "build.toml")
    # The record of the last passed validation (`make test` validates first): keyed on the bytes of the data, the
    # code and the lock, it still holds in a copy until the copy's data change, so a copy's build does not validate
    # the same files again (a second or two in every one of some thirty builds).
    validated = MAIN / "build" / "cache" / "validated.json"
    if validated.is_file():
        (dest / "build" / "cache").mkdir(parents=True, exist_ok=True)
        shutil.copy2(validated, dest / "build" / "cache" / "validated.json")
    return dest


_server = None  # this test process's kernel server, once a build needs it


def shared_kernels() -> dict[str, str]:
    """What a build's environment needs to fork its kernels from this test process's kernel server (started by the
    first build, ended with the process): the suite's forty-odd builds then import ipykernel and the manifest's
    ``preload`` once per test process instead of once per build worker. A build whose kernels would have imported
    otherwise (a copy with its own Matplotlib folder) starts its own factory, as without it."""
    global _server
    from casebook.engine.protocol import KERNEL_SERVER_ENV, NO_KERNELS_ENV, base_env

    if os.environ.get(NO_KERNELS_ENV):
        return {}  # make check: no build may start a kernel
    if _server is None:
        from casebook.engine.build import read_manifest
        from casebook.engine.forked import KernelServer

        preload = read_manifest(MAIN / "notebooks" / "build.toml").preload
        _server = KernelServer(preload, base_env(MAIN, MAIN / "build"), MAIN)
        atexit.register(_server.close)
    return {KERNEL_SERVER_ENV: _server.path}


def run_build(root: Path, *args: str, check: bool = True, shared: bool = True) -> subprocess.CompletedProcess:
    """``python -m casebook build ARGS`` in the project copy at ``root`` (the code is the main tree's); its kernels
    forked from :func:`shared_kernels`'s server unless ``shared`` is false (then each worker starts its own)."""
    env = {**os.environ, "CASEBOOK_ROOT": str(root), **(shared_kernels() if shared else {})}
    proc = subprocess.run(
        [sys.executable, "-m", "casebook", "build", *args], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    if check and proc.returncode != 0:
        pytest.fail(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def run_nbval(reference: Path, executed: Path, *notebooks: str) -> subprocess.CompletedProcess:
    """nbval's comparison (``tests/nbval_replay.py``) of the notebooks as stored under ``reference`` with the same
    notebooks executed under ``executed``: no kernel, no second execution. ``notebooks`` are project-relative."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(MAIN / "tests"), os.environ.get("PYTHONPATH", "")])}
    cmd = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "nbval_replay", "-p", "no:typeguard", "-p", "no:anyio",
        "-o", "addopts=",
        "--rootdir", str(reference), "--nbval-replay-from", str(executed),
        "--nbval-sanitize-with", str(MAIN / "tests" / "nbval-sanitize.cfg"),
        *(str(reference / nb) for nb in notebooks),
    ]
    return subprocess.run(cmd, cwd=reference, env=env, capture_output=True, text=True, timeout=600)


CHANGED = ("L4", "12", "20")  # lesion, week, new size in mm (was 80): a 75% reduction, still not the printed 80%


def change_size(root: Path, lesion: str, week: str, size: str) -> str:
    """Set one measured size in the series data (still valid); return what changed."""
    path = root / "data" / "sts-series" / "measurements.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["lesion_id"] == lesion and r["week"] == week)
    old, row["size_mm"] = row["size_mm"], size
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"{lesion} week {week}: {old} -> {size} mm"


def copy_tables(tables: dict) -> dict:
    return {k: v.copy() for k, v in tables.items()}


def lose_week(tables: dict, week: int) -> dict:
    """A copy of the series in which every lesion was lost to follow-up at ``week`` (no size, no reduction)."""
    t = copy_tables(tables)
    meas = t["measurements"]
    at = meas["week"] == week
    meas.loc[at, "status"] = "lost_to_follow_up"
    meas.loc[at, ["size_mm", "reduction_printed_pct"]] = float("nan")
    return t


def copy_with_code(dest: Path) -> Path:
    """A copy of the project *and its code* (``src/``): run with :func:`run_casebook`, the copy's own code runs."""
    copy_project(dest)
    shutil.copytree(MAIN / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return dest


def run_casebook(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``python -m casebook ARGS`` in a copy made by :func:`copy_with_code`, with that copy's code first on the path."""
    env = {**os.environ, "CASEBOOK_ROOT": str(root), "PYTHONPATH": str(root / "src")}
    env.pop("CASEBOOK_ARTEFACT_LOG", None)
    if args[:1] == ("build",):
        env.update(shared_kernels())
    proc = subprocess.run([sys.executable, "-m", "casebook", *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)
    if check and proc.returncode != 0:
        pytest.fail(f"casebook {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def clone_built(built: Path, dest: Path) -> Path:
    """A copy of an already built project (its cache included): the next build executes only what changed."""
    shutil.copytree(built, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "tmp"))
    return dest


# Table 1 of report 2, cell by cell as printed: one line per printed lesion (the NSF row prints two lesions,
# the NSE typo kept). Tests compare the data and the rebuilt table with it; the tests never read the report.
TABLE1 = [
    # diagnosis/age, localisation, size, treatment, dose, complications, week 4, week 12
    ("SSc/59", "Fingertip", "3", "Single injection", "12.5", "No", "0/100", "0/100"),
    (
        "SSc/59",
        "Knee",
        "70",
        "Repeated injection every week for 4 weeks",
        "57.5 (12.5-87.5)",
        "Infection followed injection in week 2",
        "30/57",
        "5/93",
    ),
    (
        "SSc/65",
        "Fingertip",
        "6",
        "Repeated injection every week for 4 weeks",
        "37.5 (25-62.5)",
        "Transient pain associated with injection",
        "3/50",
        "2/67",
    ),
    (
        "SSc/71",
        "Anterolateral side of lower left leg",
        "80",
        "Repeated injection every week for 4 weeks",
        "150 (100-275)",
        "No",
        "50/38",
        "10/80",
    ),
    ("SSc/74", "Elbow", "4", "Single injection", "30", "Transient pain associated with injection", "1/75", "0/100"),
    (
        "NSE/49",
        "Buttocks",
        "75",
        "Repeated injection every week for 3 weeks (both)",
        "120 (60-150)",
        "Transient pain associated with injection",
        "30/60",
        "Lost to follow-up",
    ),
    (
        "NSE/49",
        "Buttocks",
        "85",
        "Repeated injection every week for 3 weeks (both)",
        "120 (60-150)",
        "Transient pain associated with injection",
        "35/59",
        "Lost to follow-up",
    ),
]


def table1_rows() -> list[list[str]]:
    """Table 1 with one row per patient, as the rebuild lays it out: a row's lesion cells joined by '; '."""
    rows: list[list[str]] = []
    for line in TABLE1:
        if rows and line[0] == rows[-1][0] and line[0].startswith("NSE"):
            rows[-1] = [a if b in a.split("; ") else f"{a}; {b}" for a, b in zip(rows[-1], line, strict=True)]
        else:
            rows.append(list(line))
    return rows


def git_baseline(root: Path) -> None:
    """Make ``root`` (a project copy) a git repository with everything committed, ignoring what the project ignores,
    so ``git status`` afterwards lists what changed."""
    shutil.copy2(MAIN / ".gitignore", root / ".gitignore")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "baseline"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def git_changed(root: Path) -> list[str]:
    """Every path ``git status`` lists as changed or new in ``root`` (files, not folders)."""
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    return sorted(line[3:] for line in out.splitlines())


def names_report(path: str, ids) -> bool:
    """Whether a project-relative path is one of these reports' files (``<id>-*``, ``*-<id>.*``, ``*/<id>/*``)."""
    return any(Path(path).name.startswith(f"{rid}-") or f"-{rid}." in path or f"/{rid}/" in path for rid in ids)


def foreign_provenance(before: dict[str, dict], after: dict[str, dict], ids) -> list[str]:
    """The provenance entries (``provenance.json``'s artefacts) of these reports' files that differ between two
    builds, or that one of them lacks: what describes those reports' artefacts changed."""
    theirs = sorted(p for p in set(before) | set(after) if names_report(p, ids))
    return [p for p in theirs if before.get(p) != after.get(p)]


def tree_hashes(folder: Path, ids) -> dict[str, str]:
    """sha256 of every file under ``folder`` that is one of these reports' files (its notebook's too:
    ``NN-<id>-*``; a site page without its bar of links to every notebook), by path relative to it."""
    import hashlib

    def theirs(rel: str) -> bool:
        return names_report("/" + rel, ids) or any(f"-{rid}-" in Path(rel).name for rid in ids)

    def content(p: Path) -> bytes:
        """A site notebook page without its bar of links to every notebook page (site-wide navigation, which a new
        report's notebook joins); any other file as it is."""
        data = p.read_bytes()
        return re.sub(rb'<p><strong>casebook</strong> \xc2\xb7 .*?</p>', b"", data) if p.suffix == ".html" else data

    files = (p for p in sorted(folder.rglob("*")) if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(content(p)).hexdigest() for p in files
            if theirs(p.relative_to(folder).as_posix())}


def foreign_changes(root: Path, changed: list[str], new_ids: set[str], new_places: tuple[str, ...]) -> list[str]:
    """The changed paths of a project copy that belong neither to the new reports nor to what reads every report.

    Allowed: the new reports' places (``new_places`` prefixes) and every artefact named after them
    (``<id>-*``, ``manuscripts/<id>/``); the manifest; the provenance record; and the artefacts of the notebooks that
    are no report's (the index, the audit, the manuscripts notebook), unless the artefact names an existing report.
    Whatever is left changed a file of another report, or a shared file an author would have had to edit."""
    import json

    from casebook.registry import registry

    existing = [r for r in registry() if r not in new_ids]
    report_notebooks = {r.notebook for r in registry().values()}
    record = json.loads((root / "provenance.json").read_text(encoding="utf-8"))["artefacts"]
    names = names_report

    out = []
    for path in changed:
        maker = record.get(path, {}).get("notebook", "")
        shared = path in ("notebooks/build.toml", "provenance.json") or (maker and maker not in report_notebooks)
        if not (path.startswith(new_places) or names(path, new_ids) or (shared and not names(path, existing))):
            out.append(path)
    return out


def published(report_id: str) -> bool:
    """Whether a report rebuilds a published text: its ``sources.csv`` names the file transcribed, as the two seed
    reports' do. A scaffolded report, a fixture or an author's own series names none (``none (...)``); the tests
    that need a publication's size (its many values and cited sentences, its own citation) hold for the others."""
    from casebook.data.register import load_sources

    files = load_sources(report_id)["source_file"].dropna().astype(str)
    return any(f and not f.startswith("none") for f in files)
