"""What a shared kernel factory compares before it serves a build worker, and the ``sys.path`` a kernel forked from
it gets: a fresh interpreter's for the kernel's own ``PYTHONPATH`` (casebook.engine.zygote, no process started)."""

from __future__ import annotations

import os
import sys

import pytest

from casebook.engine import zygote


def test_the_identity_ignores_pythonpath_and_nothing_else_that_shapes_imports():
    base = {"MPLCONFIGDIR": "/m", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
    same = zygote.identity(("pandas",), base)
    assert zygote.identity(["pandas"], {**base, "PYTHONPATH": "/copy/src", "CASEBOOK_ROOT": "/copy"}) == same
    for changed in ({"MPLCONFIGDIR": "/elsewhere"}, {"PYTHONHASHSEED": "1"}, {"PYTHONOPTIMIZE": "1"},
                    {"OMP_NUM_THREADS": "4"}):
        assert zygote.identity(("pandas",), {**base, **changed}) != same, changed
    assert zygote.identity(("pandas", "seaborn"), base) != same
    assert same["python"][0] == sys.executable and len(same["python"][1]) == 64  # the factory's own code, hashed


@pytest.fixture
def path(monkeypatch):
    monkeypatch.setattr(sys, "path", ["/srv/extra", "/lib/python3.11", "/site-packages"])
    return sys.path


def test_a_kernel_puts_its_own_pythonpath_first(path):
    zygote._python_path(["/srv/extra"], os.pathsep.join(["/copy/src", "/more"]))
    assert sys.path == ["/copy/src", "/more", "/lib/python3.11", "/site-packages"]


def test_the_same_pythonpath_leaves_the_path_alone(path):
    zygote._python_path(["/srv/extra"], "/srv/extra")
    assert sys.path == ["/srv/extra", "/lib/python3.11", "/site-packages"]


def test_no_pythonpath_drops_the_factorys_and_relative_entries_become_absolute(path):
    zygote._python_path(["/srv/extra"], "")
    assert sys.path == ["/lib/python3.11", "/site-packages"]
    zygote._python_path([], "rel")
    assert sys.path[0] == os.path.abspath("rel")
