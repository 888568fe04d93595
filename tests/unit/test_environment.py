"""The pinned environment: pyproject.toml, requirements.lock and environment.yml agree; make is self-documenting."""

from __future__ import annotations

import re
import subprocess
import tomllib

from casebook import paths


def _name(req: str) -> str:
    return re.split(r"[=<>!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-")


def _lock_entries() -> dict[str, list[str]]:
    """Each locked requirement (name==version) with its lines (the pin, then its --hash lines)."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in paths.LOCK.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = line.split(" ")[0]
            entries[current] = []
        else:
            entries[current].append(line.strip().rstrip("\\").strip())
    return entries


def _lock() -> dict[str, str]:
    pins = {}
    for req in _lock_entries():
        assert "==" in req, f"requirements.lock: '{req}' is not an exact pin"
        name, version = req.split("==")
        pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def test_every_locked_package_has_a_hash():
    entries = _lock_entries()
    assert len(entries) > 50
    missing = [req for req, lines in entries.items() if not any(x.startswith("--hash=sha256:") for x in lines)]
    assert not missing, f"requirements.lock entries without a sha256 hash: {missing}"


def test_uv_is_pinned_once_and_the_venv_checks_hashes():
    makefile = (paths.ROOT / "Makefile").read_text()
    assert len(re.findall(r"^UV_VERSION := \d+\.\d+\.\d+$", makefile, re.M)) == 1
    assert makefile.count("--require-hashes") >= 2  # uv and the pip fallback


def _direct() -> dict[str, str]:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
    out = {}
    for req in reqs:
        assert "==" in req, f"pyproject.toml: direct dependency '{req}' must be pinned exactly"
        out[_name(req)] = req.split("==")[1]
    return out


def test_every_direct_dependency_is_locked_at_the_same_version():
    lock = _lock()
    mismatches = {n: (v, lock.get(n)) for n, v in _direct().items() if lock.get(n) != v}
    assert not mismatches, f"pyproject.toml vs requirements.lock (pyproject, lock): {mismatches}"


def test_environment_yml_installs_the_lock_with_python_311():
    text = (paths.ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.M)
    assert "-r requirements.lock" in text and "--require-hashes" in text
    # Any package pinned directly in environment.yml must match the lock too.
    lock = _lock()
    for name, version in re.findall(r"^\s*-\s*([A-Za-z0-9_.-]+)==([^\s]+)\s*$", text, re.M):
        assert lock.get(name.lower()) == version, f"environment.yml pins {name}=={version}, lock has {lock.get(name.lower())}"


def test_make_help_is_the_default_and_lists_every_target():
    makefile = (paths.ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z_-]*):", makefile, re.M))
    out = subprocess.run(["make", "-s", "--no-print-directory"], cwd=paths.ROOT, capture_output=True, text=True).stdout
    listed = set(re.findall(r"make (\S+)", out))
    assert targets <= listed, f"targets without a '## ' description: {targets - listed}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (paths.ROOT / ".ci" / "run").read_text()
    assert "make test" in (paths.ROOT / "README.md").read_text()
