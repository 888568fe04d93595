"""Kernels: many start at the same moment without a race, and a kernel forked from the factory writes exactly
what a fresh kernel writes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from casebook.engine import kernels, protocol
from casebook.engine.zygote import Factory

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
    """The same notebook (figures in PNG, SVG and PDF included) built with a forked and with a fresh kernel, and the
    same cache records: a forked kernel logs every casebook module it imports, as a fresh one does."""
    import shutil

    (fixture_project / "notebooks" / "build.toml").write_text('[[notebook]]\npath = "notebooks/fixture-sts.ipynb"\n')
    fresh = tmp_path / "fresh"
    shutil.copytree(fixture_project, fresh)
    run_build(fixture_project, "--kernels", "fork")
    run_build(fresh, "--kernels", "fresh")
    forked, started = _outputs(fixture_project), _outputs(fresh)
    assert any(name.startswith("figures/") for name in forked), "the fixture notebooks drew no figure"
    records = [json.loads(forked[n]) for n in forked if n.startswith("build/cache/fixture-")]
    assert records and all("casebook.publish.tables" in r["modules"] for r in records), "imports went unlogged"
    assert sorted(forked) == sorted(started)
    assert [name for name in forked if forked[name] != started[name]] == []
