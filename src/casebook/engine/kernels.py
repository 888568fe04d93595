"""Worker side of the build: one kernel started ahead of need, warmed, and handed a notebook by papermill.

Each worker process of the pool holds a :class:`KernelSlot`: a kernel booted (and its preload imported) while the
worker waits, so a run does not pay for the boot (about 0.6 s) or the imports of pandas, Matplotlib, seaborn and
pandera (about 1.5 s). A finished kernel is killed rather than asked to shut down (every output is collected).
Each kernel gets its own folder under ``build/tmp/`` for its logs (:mod:`casebook.engine.protocol`), fixed when it
starts; the run it serves reports that folder.
"""

from __future__ import annotations

import multiprocessing.util
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine.protocol import STATE_DIRS, kernel_env

KERNEL_NAME = "python3"


@dataclass
class KernelSlot:
    """This worker's waiting kernel: its manager and its folder."""

    scratch: Path
    preload: tuple[str, ...] = ()
    count: int = 0
    ready: tuple | None = field(default=None, repr=False)
    _booting: threading.Thread | None = field(default=None, repr=False)

    def start_soon(self) -> None:
        """Boot the next kernel in the background, so that the run's outcome goes back to the build at once."""
        def boot():
            try:
                self.start()
            except Exception:  # noqa: BLE001 - the next run starts its own
                self.ready = None

        self._booting = threading.Thread(target=boot, daemon=True)
        self._booting.start()

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.count += 1
        workdir = self.scratch / f"kernel-{os.getpid()}-{self.count}"
        workdir.mkdir(parents=True)
        env = kernel_env(paths.ROOT, paths.BUILD, workdir)
        for var in STATE_DIRS:
            Path(env[var]).mkdir(parents=True, exist_ok=True)
        # The kernel inherits this process's stderr: keep its chatter in its log, not on the terminal.
        log = os.open(workdir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 2)
        os.close(log)
        km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(km.start_kernel)(env={**os.environ, **env}, cwd=str(paths.NOTEBOOKS))
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            (workdir / "kernel.pid").write_text(f"{pid}\n", encoding="ascii")
        if self.preload:
            _warm(km, self.preload)
        self.ready = (km, workdir)

    def take(self) -> tuple:
        if self._booting is not None:
            self._booting.join()
            self._booting = None
        if self.ready is None:
            self.start()
        taken, self.ready = self.ready, None
        return taken

    def stop(self) -> None:
        if self._booting is not None:
            self._booting.join()
        if self.ready is not None:
            stop_kernel(self.ready[0])
            self.ready = None


def _warm(km, modules: tuple[str, ...]) -> None:
    """Import ``modules`` in the kernel before it is handed a notebook; a failed import is left to the notebook."""
    code = "\n".join(f"try:\n    import {m}\nexcept Exception:\n    pass" for m in modules)
    client = km.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive(code, store_history=False, timeout=120, output_hook=lambda _msg: None)
    finally:
        client.stop_channels()


def stop_kernel(km) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)  # every output is collected; nothing is left to flush
    except Exception:  # noqa: BLE001 - already dead
        pass


_slot: KernelSlot | None = None  # the one slot of this worker process, set by worker_init


def worker_init(scratch: str, preload: tuple[str, ...]) -> None:
    """Pool initializer: the main process handles Ctrl-C; the worker boots its first kernel at once."""
    global _slot
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import papermill  # noqa: F401 - imported once per worker, before the first run needs it

    _slot = KernelSlot(Path(scratch), tuple(preload))
    # When the pool shuts down, the waiting kernel goes with its worker (multiprocessing runs finalizers at exit).
    multiprocessing.util.Finalize(None, _slot.stop, exitpriority=10)
    _slot.start()


def execute(notebook: str, parameters: dict | None, parameters_index: int) -> dict:
    """Execute one notebook with papermill in this worker's waiting kernel (runs in a worker process).

    Returns ``{"ok": True, "workdir": ...}`` or a description of the failure; never raises for a notebook
    error. ``workdir`` holds the executed notebook and the logs of what the kernel read, imported and wrote.
    """
    start = time.monotonic()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    km, workdir = _slot.take()
    output = workdir / "executed.ipynb"
    outcome = {"ok": True, "workdir": str(workdir)}
    started: list[int] = []  # index of each cell as it starts: where a dying kernel was

    def source_cell(index: int) -> int:
        # Papermill counts the injected cell (right after the parameters cell); the author needs the
        # cell number of the source notebook.
        return index + 1 - (1 if parameters and index > parameters_index + 1 else 0)

    try:
        papermill.execute_notebook(
            str(paths.resolve(notebook)), str(output), parameters=parameters or None, kernel_name=KERNEL_NAME,
            progress_bar=False, request_save_on_cell_execute=False, cwd=str(paths.resolve(notebook).parent),
            km=km, on_cell_start=lambda cell=None, cell_index=None, **_: started.append(cell_index),
        )
    except PapermillExecutionError as exc:
        outcome = {"ok": False, "workdir": str(workdir), "cell": source_cell(exc.cell_index), "ename": exc.ename,
                   "evalue": exc.evalue}
    except Exception as exc:  # kernel died, no such kernel, unreadable notebook, ...
        outcome = {"ok": False, "workdir": str(workdir), "cell": source_cell(started[-1]) if started else None,
                   "ename": type(exc).__name__, "evalue": str(exc)}
    finally:
        stop_kernel(km)
        _slot.start_soon()  # boots while the main process records this run
    outcome["seconds"] = time.monotonic() - start
    return outcome
