"""Hostile values: no eval/exec/pickle on input, TOML (never unsafe YAML) for the manifest, a hostile parameter
string stays a plain string, JupyterLab listens on loopback only, committed files name no machine or person."""

from __future__ import annotations

import ast
import getpass
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import MAIN, run_build

PACKAGE = MAIN / "src" / "casebook"
HOSTILE = '"); import os; os.system("touch pwned")  #'
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
UNSAFE_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "cloudpickle", "joblib"}


def _trees():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(MAIN).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_package_never_evals_execs_or_unpickles():
    found = []
    for name, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                called = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
                if called in UNSAFE_CALLS and (isinstance(fn, ast.Name) or getattr(fn.value, "id", "") == "builtins"):
                    found.append(f"{name}:{node.lineno}: {called}()")
                if (
                    called in ("load", "loads", "read_pickle")
                    and isinstance(fn, ast.Attribute)
                    and isinstance(fn.value, ast.Name)
                    and fn.value.id in ("pickle", "pd", "pandas", "marshal")
                    and (fn.value.id != "pd" or called == "read_pickle")
                ):
                    found.append(f"{name}:{node.lineno}: {fn.value.id}.{called}()")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{name}:{node.lineno}: import {m}" for m in modules if m.split(".")[0] in UNSAFE_MODULES]
    assert not found, "unsafe on input:\n" + "\n".join(found)


def test_yaml_only_ever_safe_and_manifest_is_toml():
    for name, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "yaml":
                assert node.attr in ("safe_load", "safe_load_all", "safe_dump", "YAMLError"), (
                    f"{name}:{node.lineno}: yaml.{node.attr}"
                )
    build = ast.parse((PACKAGE / "engine" / "manifest.py").read_text(encoding="utf-8"))
    calls = {
        (n.func.value.id, n.func.attr)
        for n in ast.walk(build)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
    }
    assert ("tomllib", "loads") in calls
    assert not list((MAIN / "notebooks").glob("*.y*ml"))


def _pwned(*folders: Path) -> list[Path]:
    return [p for f in folders for p in f.rglob("pwned")]


@pytest.mark.slow
def test_hostile_parameter_reaches_the_notebook_as_a_plain_string(fixture_project: Path, tmp_path: Path):
    root = fixture_project
    manifest = root / "hostile.toml"
    manifest.write_text(
        f"[[notebook]]\npath = \"notebooks/fixture-echo.ipynb\"\n[notebook.sets.hostile]\nmessage = '''{HOSTILE}'''\n",
        encoding="utf-8",
    )
    run_build(root, "--manifest", str(manifest), "--only", "fixture-echo--hostile")
    assert (root / "build" / "echo" / "message.txt").read_text(encoding="utf-8") == HOSTILE
    executed = json.loads((root / "build" / "runs" / "fixture-echo" / "hostile" / "fixture-echo.ipynb").read_text())
    outputs = "".join(
        "".join(o.get("text", "")) for c in executed["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
    )
    assert f"str {len(HOSTILE)}" in outputs
    # the same through papermill's own command line
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    (root / "build" / "echo" / "message.txt").unlink()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "--no-progress-bar",
            "-k",
            "python3",
            str(root / "notebooks" / "fixture-echo.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-p",
            "message",
            HOSTILE,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (root / "build" / "echo" / "message.txt").read_text(encoding="utf-8") == HOSTILE
    assert not _pwned(root, tmp_path, root / "notebooks"), "the hostile value was executed"


def test_jupyterlab_listens_on_loopback_only():
    makefile = (MAIN / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "no lab target"
    command = recipe.group(1)
    assert "jupyter lab" in command and "--ip=127.0.0.1" in command
    assert not re.search(r"0\.0\.0\.0|--ip=(?!127\.0\.0\.1)|ServerApp\.ip|NotebookApp\.ip|--ip[ =]\*", command)
    assert "token=''" not in command and 'token=""' not in command and "--no-token" not in command


def _identifying_strings() -> list[str]:
    out = [str(MAIN), "/root/", "/home/", "/tmp/", "/work/", "/Users/", "C:\\\\"]
    try:
        user = getpass.getuser()
        out += [f"/{user}/", f"{user}@"]
    except (KeyError, OSError):
        pass
    host = socket.gethostname()
    if len(host) >= 4 and host != "localhost":
        out.append(host)
    return out


def test_committed_notebooks_and_provenance_name_no_path_user_or_host():
    files = sorted((MAIN / "notebooks").glob("*.ipynb")) + [MAIN / "provenance.json"]
    files += sorted((MAIN / "tests" / "fixtures" / "notebooks").glob("*.ipynb"))
    found = []
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(MAIN)}: {s!r}" for s in _identifying_strings() if s in text]
    assert not found, "identifying strings in committed files:\n" + "\n".join(found)
