"""Faults during a build: a kernel killed mid-run, Ctrl-C (SIGINT) during a parallel build, an output folder that
cannot be written. Each is reported clearly, leaves no partial artefact, temporary file or stale manifest entry,
and the next build recovers without --force. (A notebook that raises: tests/test_build.py.)"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import clone_built, run_build, shared_kernels

pytestmark = pytest.mark.slow


def _manifest(root: Path, *names: str) -> Path:
    path = root / "faults.toml"
    path.write_text("".join(f'[[notebook]]\npath = "notebooks/{n}.ipynb"\n\n' for n in names), encoding="utf-8")
    return path


def _leftovers(root: Path) -> list[str]:
    """Temporary files of atomic writes, and the build's scratch folder, anywhere in the project."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.tmp")]
    if (root / "build" / "tmp").exists():
        found.append("build/tmp")
    return found


def _assert_provenance_matches_disk(root: Path) -> dict:
    """Every artefact provenance.json lists exists with its recorded sha256 (no stale entry)."""
    prov = json.loads((root / "provenance.json").read_text(encoding="utf-8"))["artefacts"]
    for rel, entry in prov.items():
        assert (root / rel).is_file(), f"provenance.json lists {rel}, which does not exist"
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == entry["sha256"], f"stale entry for {rel}"
    return prov


def test_kernel_killed_mid_run(fixture_project: Path):
    root = fixture_project  # never built: the failing build below must not write provenance.json at all
    proc = run_build(root, "--manifest", str(_manifest(root, "fixture-jdm", "fixture-dies")), check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "notebooks/fixture-dies.ipynb: the kernel died in cell 6 (killed, or out of memory)" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list((root / "tables").glob("fixture-dies*")), "the dead kernel's table was kept"
    assert _leftovers(root) == []
    assert not (root / "provenance.json").exists(), "a failed build wrote provenance.json"
    # fixed (here: dropped from the manifest), the next build recovers without --force; fixture-jdm, which ran
    # to its end beside the dying notebook, is up to date
    again = run_build(root, "--manifest", str(_manifest(root, "fixture-jdm", "fixture-sts")))
    assert "executing 1 notebook run(s)" in again.stdout, again.stdout
    assert "notebooks/fixture-sts.ipynb" in _assert_provenance_matches_disk(root)


def _kernels_alive(root: Path) -> list[int]:
    """Kernels (and kernel factories) of a build of ``root`` still running: a kernel process (a fresh one's command
    names ipykernel, a forked one's its factory's script) working in the project or with a kernel log under it in its
    environment. A forked kernel's /proc environ is its factory's (it set its own after the fork), so its folder is
    what shows it."""
    mark = f"CASEBOOK_ARTEFACT_LOG={root}".encode()
    alive = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or not any(k in (proc / "cmdline").read_bytes() for k in (b"ipykernel", b"zygote")):
                continue
            if Path(os.readlink(proc / "cwd")).is_relative_to(root) or mark in (proc / "environ").read_bytes():
                alive.append(int(proc.name))
        except OSError:
            pass  # ended meanwhile, or not ours to read
    return alive


@contextlib.contextmanager
def busy_cores():
    """Cores kept busy by other processes while the block runs: the machine under load, as CI can be. One burner in
    the suite (the other worker's tests are load enough), only while the build it loads runs (it takes a core from
    the rest of the suite); CASEBOOK_BURNERS=N for more (the 10-of-10 proof used 2)."""
    count = int(os.environ.get("CASEBOOK_BURNERS", "1"))
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for proc in burners:
            proc.kill()
            proc.wait()


# The build as a terminal starts it, with Ctrl-C's default action. A process started in the background by a
# non-interactive shell (`make test &` in a script, nohup) inherits SIGINT *ignored*, and so would the build: the test
# then waited its whole timeout for a build that never saw the signal. exec keeps an ignored signal ignored and a
# default one default, so the build is exec'd from a Python that has set SIGINT back to its default.
_AS_FROM_A_TERMINAL = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                       "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"]


@pytest.mark.parametrize("factory", ["own", "shared"])
def test_sigint_during_parallel_build(fixture_project: Path, factory: str):
    """Ctrl-C while a notebook sleeps for an hour: only the interrupt can end the build, which then exits at once
    with no partial artefact and no kernel left behind, whether its kernels come from its workers' own factories or
    from the test process's shared one (the communicate timeout guards against a hang; it is not a speed target)."""
    root = fixture_project
    run_build(root, "--manifest", str(_manifest(root, "fixture-jdm")))
    before = (root / "provenance.json").read_bytes()
    manifest = _manifest(root, "fixture-jdm", "fixture-slow", "fixture-sts")
    env = {**os.environ, "CASEBOOK_ROOT": str(root), **(shared_kernels() if factory == "shared" else {})}
    with busy_cores():
        proc = subprocess.Popen(
            [*_AS_FROM_A_TERMINAL, "-m", "casebook", "build", "--manifest", str(manifest), "--jobs", "2", "--force"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            while not (root / "tables" / "fixture-slow.csv").exists():  # the slow notebook wrote, then sleeps
                assert proc.poll() is None, "the build ended before the slow notebook started"
                time.sleep(0.1)
            assert _kernels_alive(root), "the check below would not see the kernels it looks for"
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=600)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, out + err
    assert "casebook: interrupted" in err and "Traceback" not in err, err
    assert _kernels_alive(root) == [], "a kernel of the interrupted build is still running"
    assert not list((root / "tables").glob("fixture-slow*")), "the interrupted run's table was kept"
    assert _leftovers(root) == []
    prov = _assert_provenance_matches_disk(root)  # runs that finished are recorded, the others are not
    assert "tables/fixture-slow.csv" not in prov
    if "fixture-jdm.ipynb [default] in" not in out:
        assert (root / "provenance.json").read_bytes() == before
    # the next build (without the slow notebook) recovers without --force
    again = run_build(root, "--manifest", str(_manifest(root, "fixture-jdm", "fixture-sts")))
    assert "build: executed" in again.stdout, again.stdout
    assert {"tables/fixture-sts-lesion-sizes.csv", "tables/fixture-jdm-muscle-scores.csv"} <= set(
        _assert_provenance_matches_disk(root)
    )
    assert (
        run_build(root, "--manifest", str(_manifest(root, "fixture-jdm", "fixture-sts"))).stdout.count("nothing to execute") == 1
    )


def test_output_folder_that_cannot_be_written(built_fixtures, tmp_path: Path):
    root = clone_built(built_fixtures[0], tmp_path / "project")  # both fixture notebooks built
    before = (root / "provenance.json").read_bytes()
    shutil.rmtree(root / "tables")
    (root / "tables").write_text("not a folder\n")  # chmod does not stop root; a file in the way stops anyone
    proc = run_build(root, "--manifest", str(_manifest(root, "fixture-sts", "fixture-jdm")), check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cannot write tables/fixture-sts-lesion-sizes.csv: tables is a file, not a folder" in proc.stderr, proc.stderr
    assert "cannot write tables/fixture-jdm-muscle-scores.csv: tables is a file, not a folder" in proc.stderr
    assert not list((root / "figures").glob("fixture-sts*.tmp"))
    assert _leftovers(root) == []
    assert (root / "provenance.json").read_bytes() == before
    (root / "tables").unlink()
    again = run_build(root, "--manifest", str(_manifest(root, "fixture-sts", "fixture-jdm")))
    assert "executing 2 notebook run(s)" in again.stdout, again.stdout
    _assert_provenance_matches_disk(root)


def test_build_folder_that_cannot_be_written(fixture_project: Path):
    root = fixture_project
    shutil.rmtree(root / "build", ignore_errors=True)  # the validation record the copy came with
    (root / "build").write_text("not a folder\n")
    proc = run_build(root, "--manifest", str(_manifest(root, "fixture-jdm")), check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "casebook: error: cannot write the build's scratch folder build/tmp" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
