"""Kernels: many start at the same moment without a race; a kernel forked from a factory (the build worker's own or
one shared by many builds) writes exactly what a fresh kernel writes; a shared factory serves only the workers whose
own factory would have imported the same, and its kernels end with the worker that asked for them."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casebook.engine import kernels, protocol
from casebook.engine.forked import Factory, KernelServer

import helpers
from helpers import run_build

pytestmark = pytest.mark.slow


@pytest.fixture
def state_dirs(tmp_path, monkeypatch) -> Path:
    """Tool state of the kernels in a temporary folder, not in the project's build/."""
    for var, sub in protocol.STATE_DIRS.items():
        monkeypatch.setenv(var, str(tmp_path / "state" / sub))
    return tmp_path / "scratch"


@pytest.mark.parametrize("mode", ["fork", "fresh"])
def test_many_kernels_start_at_once(state_dirs: Path, mode: str):
    """Eight kernels started together all answer: no port is chosen (IPC sockets), so none can be taken twice."""
    factory = Factory(("pandas",), {}, Path.cwd()) if mode == "fork" else None
    slots = [kernels.KernelSlot(state_dirs, factory, count=i * 10) for i in range(8)]
    errors: list[BaseException] = []
    go = threading.Barrier(len(slots))

    def start(slot):
        go.wait()  # all at the same moment
        try:
            slot.start()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(slot,)) for slot in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        for slot in slots:
            km = slot.ready[0]
            assert km.transport == "ipc"
            client = km.blocking_client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)  # a kernel_info reply: the kernel answers
            finally:
                client.stop_channels()
    finally:
        for slot in slots:
            if slot.ready is not None:
                kernels.stop_kernel(*slot.ready)
        if factory is not None:
            factory.close()


def _outputs(root: Path) -> dict[str, bytes]:
    """Every artefact, executed notebook and cache record (what each run read, imported and wrote)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for d in ("figures", "tables", "notebooks", "build/cache")
            for p in sorted((root / d).glob("*")) if p.is_file()} | {"provenance.json": (root / "provenance.json").read_bytes()}


def test_forked_kernels_write_what_fresh_kernels_write(fixture_project: Path, tmp_path: Path):
    """The same notebook (figures in PNG, SVG and PDF included) built with kernels forked from the test process's
    shared factory, from the build worker's own factory, and started fresh: the same bytes and the same cache
    records (a forked kernel logs every casebook module it imports, as a fresh one does)."""
    import shutil

    (fixture_project / "notebooks" / "build.toml").write_text('[[notebook]]\npath = "notebooks/fixture-sts.ipynb"\n')
    own, fresh = tmp_path / "own", tmp_path / "fresh"
    shutil.copytree(fixture_project, own)
    shutil.copytree(fixture_project, fresh)
    before = helpers.shared_kernels() and len(helpers._server.served())
    run_build(fixture_project, "--kernels", "fork")
    assert [line.split()[0] for line in helpers._server.served()[before:]][:2] == ["accepted", "forked"], (
        "the shared factory was not used")
    run_build(own, "--kernels", "fork", shared=False)
    run_build(fresh, "--kernels", "fresh")
    forked, started = _outputs(fixture_project), _outputs(fresh)
    assert any(name.startswith("figures/") for name in forked), "the fixture notebooks drew no figure"
    records = [json.loads(forked[n]) for n in forked if n.startswith("build/cache/fixture-")]
    assert records and all("casebook.publish.tables" in r["modules"] for r in records), "imports went unlogged"
    for other in (started, _outputs(own)):
        assert sorted(forked) == sorted(other)
        assert [name for name in forked if forked[name] != other[name]] == []


def test_a_shared_factory_serves_only_workers_that_would_have_imported_the_same(state_dirs: Path):
    env = protocol.base_env(Path.cwd(), state_dirs)
    server = KernelServer(("pandas",), env, Path.cwd())
    try:
        asked = [(("pandas",), env), ((), env), (("seaborn",), env), (("pandas",), {**env, "MPLCONFIGDIR": "/elsewhere"})]
        got = [Factory.shared(server.path, preload, e) for preload, e in asked]
        assert [f is not None for f in got] == [True, True, False, False]  # a subset of its preload is served
        assert [line.split()[0] for line in server.served()] == ["accepted", "accepted", "refused", "refused"]
        for f in got:
            if f is not None:
                f.close()
    finally:
        server.close()
    assert server.proc.returncode == 0, "closing its stdin did not end the shared factory's loop"


_WORKER = """
import sys, time
from pathlib import Path
from casebook.engine import kernels
from casebook.engine.forked import Factory
from casebook.engine.protocol import base_env
factory = Factory.shared(sys.argv[1], (), base_env(Path.cwd(), Path(sys.argv[2])))
slot = kernels.KernelSlot(Path(sys.argv[2]), factory)
slot.start()
print((slot.ready[1] / kernels.PIDFILE).read_text().strip(), flush=True)
time.sleep(3600)
"""


def test_a_kernel_of_the_shared_factory_ends_with_its_worker(state_dirs: Path):
    """A build worker killed outright (SIGKILL: no finalizer runs) takes its kernel with it, as a worker's own
    factory does: the shared factory outlives builds, their kernels do not."""
    server = KernelServer((), protocol.base_env(Path.cwd(), state_dirs), Path.cwd())
    worker = subprocess.Popen([sys.executable, "-c", _WORKER, server.path, str(state_dirs)], stdout=subprocess.PIPE,
                              text=True)
    kernel = None
    try:
        # events (the worker's line, the kernel's pidfd), each bounded only against a hang
        assert select.select([worker.stdout], [], [], 300)[0], "the worker never reported its kernel"
        kernel = os.pidfd_open(int(worker.stdout.readline()))
        assert [line.split()[0] for line in server.served()] == ["accepted", "forked"]
        assert not select.select([kernel], [], [], 0)[0], "the kernel ended before its worker"
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert select.select([kernel], [], [], 120)[0], "the kernel outlived its worker"
    finally:
        if kernel is not None:
            os.close(kernel)
        worker.kill()
        server.close()


def test_a_worker_killed_mid_request_costs_the_shared_factory_nothing(state_dirs: Path):
    """A worker that dies with a request unread (the factory's read then fails) or sends a garbled line is dropped;
    the factory goes on serving the next worker."""
    import socket

    env = protocol.base_env(Path.cwd(), state_dirs)
    server = KernelServer((), env, Path.cwd())
    try:
        rude = Factory.shared(server.path, (), env)
        rude._out.write(b"not json\n")
        rude._out.flush()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as gone:
            gone.connect(server.path)
            gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            gone.sendall(b'{"hello": {}}\n{"argv": []}\n' * 100)  # closed below with all of it unread: a reset
        rude.close()
        assert Factory.shared(server.path, (), env) is not None, "the factory no longer serves"
        assert server.proc.poll() is None
    finally:
        server.close()


def test_no_kernel_is_booted_after_the_last_run(fixture_project: Path):
    """A worker boots its next kernel while the build records a run, except after the last run it will get: two
    runs one after the other (the second comes ``after`` the first) on one worker fork exactly two kernels."""
    env = protocol.base_env(fixture_project, fixture_project / "build")
    server = KernelServer((), env, fixture_project)
    try:
        build = subprocess.run([sys.executable, "-m", "casebook", "build", "--jobs", "1"], cwd=fixture_project,
                               env={**os.environ, "CASEBOOK_ROOT": str(fixture_project),
                                    protocol.KERNEL_SERVER_ENV: server.path}, capture_output=True, text=True,
                               timeout=600)  # a bound against a hang only
        assert build.returncode == 0, build.stdout + build.stderr
        assert "executed 2," in build.stdout, build.stdout
        assert [line.split()[0] for line in server.served()] == ["accepted", "forked", "forked"], server.served()
    finally:
        server.close()
