"""Fixtures shared by every test, and the builds a test run shares.

A test run builds the project once (:func:`built_project`): every pytest-xdist worker uses that one build, made by
whichever worker asks first while the others wait on a lock. Tests that change something work on a copy of it
(``clone_built``), whose next build executes only what their change touches; ``changed_build`` is one such copy,
with one measured size changed, shared the same way; ``built_fixtures`` is the fixture notebooks' build, shared too.
nbval compares the committed notebooks with the shared build's (``tests/nbval_replay.py``); it executes nothing itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import casebook.engine  # noqa: F401 - first: its stub spares nbformat's jsonschema a grammar compile in every worker
from casebook.engine.protocol import STATE_DIRS

from helpers import CHANGED, MAIN, change_size, clone_built, copy_project, copy_with_code, run_build, run_casebook

collect_ignore_glob = ["fixtures/*", "bad-inputs/*"]  # input notebooks of the build tests, not test modules

# Tool state (Matplotlib's, Jupyter's) in the main tree's build/, as `make test` exports it, also when pytest runs on
# its own: every build of the run then shares one environment, and with it the test process's kernel server.
for _var, _sub in STATE_DIRS.items():
    os.environ.setdefault(_var, str(MAIN / "build" / _sub))


@pytest.fixture
def fixture_project(tmp_path: Path) -> Path:
    """A temporary project holding the fixture notebooks and manifest, not yet built."""
    return copy_project(tmp_path / "project", fixtures=True)


@pytest.fixture(scope="module")
def tables() -> dict:
    """The published series (report 2), validated; tests that change it work on ``copy_tables(tables)``."""
    from casebook import load_dataset

    return load_dataset("sts-series")


@pytest.fixture(scope="session")
def verdicts():
    """Every claim with the audit's verdict (``corrigendum.claim_verdicts()``), worked out once per worker for the
    modules that read it (the audit of both reports takes a second); never change it."""
    from casebook.manuscript import corrigendum

    return corrigendum.claim_verdicts()


def _shared(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """``make(folder)`` once per test run, whichever xdist worker asks first; the others wait on its lock (an
    event, not a guess of how long it takes). A failure is recorded and fails every test that needs it."""
    base = tmp_path_factory.getbasetemp()
    if base.name.startswith("popen-gw"):  # an xdist worker: the run's folder is shared by every worker
        base = base.parent
    folder, status = base / f"shared-{name}", base / f"shared-{name}.json"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            try:
                make(folder)
                status.write_text(json.dumps({"ok": True}))
            except BaseException as exc:  # noqa: BLE001 - every waiting worker must learn of it
                status.write_text(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
                raise
    outcome = json.loads(status.read_text())
    if not outcome["ok"]:
        pytest.fail(f"the shared {name} failed in another worker:\n{outcome['error']}")
    return folder / "project"


def _clean_build(folder: Path) -> None:
    root = copy_with_code(folder / "project")
    run_casebook(root, "build", "--force", "--jobs", "2")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """ONE clean rebuild of the whole project (code included, cache populated) per test run, shared by every worker.

    Never change it: work on ``clone_built(built_project, tmp_path / ...)``, whose next build executes only what
    the change touches.
    """
    return _shared(tmp_path_factory, "build", _clean_build)


@pytest.fixture(scope="session")
def changed_build(built_project, tmp_path_factory) -> tuple[Path, str]:
    """The shared build, cloned, with one measured size changed (:data:`CHANGED`) and rebuilt incrementally; and the
    build's output. Shared by every worker, like ``built_project``; never change it either."""

    def make(folder: Path) -> None:
        root = clone_built(built_project, folder / "project")
        what = change_size(root, *CHANGED)
        out = run_casebook(root, "build", "--jobs", "2").stdout
        (folder / "build.out").write_text(f"{what}\n{out}", encoding="utf-8")

    root = _shared(tmp_path_factory, "changed-build", make)
    return root, (root.parent / "build.out").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_fixtures(tmp_path_factory) -> tuple[Path, str]:
    """The fixture notebooks (``tests/fixtures/build.toml``) built once per test run in a temporary project, shared by
    every worker like ``built_project``, and that first build's output. Never change it: work on
    ``clone_built(root, tmp_path / ...)``, whose next build executes only what the change touches."""

    def make(folder: Path) -> None:
        root = copy_project(folder / "project", fixtures=True)
        (folder / "build.out").write_text(run_build(root, "--jobs", "2").stdout, encoding="utf-8")

    root = _shared(tmp_path_factory, "fixture-build", make)
    return root, (root.parent / "build.out").read_text(encoding="utf-8")
