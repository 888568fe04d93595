"""Fixtures shared by every test, and the nbval sandbox.

nbval executes the committed notebooks, which write their figures and tables. So that ``make test`` never
touches the working tree, each nbval kernel starts with ``CASEBOOK_ROOT`` pointing at a throw-away copy of
the project (same data, same committed artefacts); this process's own ``casebook.paths`` is not affected.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import copy_project, copy_with_code, run_casebook

collect_ignore_glob = ["fixtures/*", "bad-inputs/*"]  # input notebooks of the build tests, not nbval references


@pytest.fixture
def fixture_project(tmp_path: Path) -> Path:
    """A temporary project holding the fixture notebooks and manifest, not yet built."""
    return copy_project(tmp_path / "project", fixtures=True)


_sandbox: Path | None = None


def _nbval_sandbox() -> Path:
    global _sandbox
    if _sandbox is None:
        _sandbox = copy_project(Path(tempfile.mkdtemp(prefix="casebook-nbval-")) / "project")
        atexit.register(shutil.rmtree, _sandbox.parent, True)
    return _sandbox


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    # nbval starts a notebook's kernel while setting up its first cell; the kernel inherits os.environ.
    if type(item).__name__ != "NbCellItem" or "CASEBOOK_ROOT" in os.environ:
        yield
        return
    os.environ["CASEBOOK_ROOT"] = str(_nbval_sandbox())
    try:
        yield
    finally:
        del os.environ["CASEBOOK_ROOT"]


@pytest.fixture(scope="module")
def tables() -> dict:
    """The published series (report 2), validated; tests that change it work on ``copy_tables(tables)``."""
    from casebook import load_dataset

    return load_dataset("sts-series")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """ONE clean rebuild of the whole project (code included, cache populated) shared by the tests that need one.

    Tests that change it work on ``clone_built(built_project, tmp_path / ...)``: their next build then executes
    only what their change touches. (With pytest-xdist each worker that needs it builds it once.)
    """
    root = copy_with_code(tmp_path_factory.mktemp("built") / "project")
    run_casebook(root, "build", "--force", "--jobs", "2")
    return root
