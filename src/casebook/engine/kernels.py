"""Worker side of the build: one kernel started ahead of need and handed a notebook by papermill.

Each worker process of the pool holds a :class:`KernelSlot`: a kernel booted while the worker waits, so a run does
not pay for the boot. With ``kernels = "fork"`` (the default) the kernels come from the worker's kernel factory
(:mod:`casebook.engine.zygote`), which imported ipykernel and the manifest's ``preload`` once, or from a factory
shared by many builds when ``CASEBOOK_KERNEL_SERVER`` names one that imported the same (the test suite's); with
``"fresh"`` each kernel is a new ``python -m ipykernel_launcher`` process. Kernels talk over IPC sockets in a folder of their
own, never over TCP: no port is chosen, so kernels that start at the same moment cannot race for one.

A finished kernel is killed rather than asked to shut down (every output is collected). Each kernel gets its own
folder under ``build/tmp/`` for its logs (:mod:`casebook.engine.protocol`) and its pid, which the build uses to
interrupt and stop it on Ctrl-C.
"""

from __future__ import annotations

import multiprocessing.util
import os
import select
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine.forked import Factory, provisioner
from casebook.engine.protocol import EXECUTED, KERNEL_SERVER_ENV, NORMALIZED, STATE_DIRS, base_env, kernel_env
from casebook.engine.zygote import die_with_parent

KERNEL_NAME = "python3"
PIDFILE = "kernel.pid"
RUNNING = "running"  # in a kernel's folder once it is handed a notebook


@dataclass
class KernelSlot:
    """This worker's waiting kernel: its manager, its folder and its socket folder."""

    scratch: Path
    factory: Factory | None = None  # None: fresh kernels
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
        # IPC socket paths must stay under about 100 bytes: a short folder of their own, not the project's.
        sockets = Path(tempfile.mkdtemp(prefix="casebook-k"))
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(sockets / "k"))
        km.kernel_id = str(uuid.uuid4())
        log = workdir / "kernel.log"
        launch: dict = {}
        if self.factory is not None:
            km.provisioner = provisioner(self.factory, km, log)
        else:
            # The kernel's chatter goes to its log, not to the terminal (Popen arguments, passed through).
            launch["stdout"] = launch["stderr"] = open(log, "ab")  # noqa: SIM115 - closed below, once it started
        try:
            run_sync(km.start_kernel)(env={**os.environ, **env}, cwd=str(paths.NOTEBOOKS), **launch)
        except BaseException:
            shutil.rmtree(sockets, ignore_errors=True)
            raise
        finally:
            if launch:
                launch["stderr"].close()
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            (workdir / PIDFILE).write_text(f"{pid}\n", encoding="ascii")
        self.ready = (km, workdir, sockets)

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
            stop_kernel(*self.ready)
            self.ready = None
        if self.factory is not None:
            self.factory.close()


def stop_kernel(km, workdir: Path | None = None, sockets: Path | None = None) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)  # every output is collected; nothing is left to flush
    except Exception:  # noqa: BLE001 - already dead
        pass
    if sockets is not None:
        shutil.rmtree(sockets, ignore_errors=True)


def kernel_pids(scratch: Path, running: bool | None = None, factories: bool = False) -> list[int]:
    """The pids of the kernels started under ``scratch`` (dead ones included): all, or those that were (not) handed
    a notebook; or, with ``factories``, the pids of the workers' kernel factories."""
    pids = []
    for pidfile in scratch.glob("factory-*.pid" if factories else f"kernel-*/{PIDFILE}"):
        if running is not None and (pidfile.parent / RUNNING).exists() != running:
            continue
        try:
            pids.append(int(pidfile.read_text(encoding="ascii")))
        except (OSError, ValueError):
            pass
    return pids


def stop_kernels(pids: list[int], grace: float) -> None:
    """Interrupt these kernels (SIGINT: the running cell stops), give them ``grace`` seconds to end, then kill them.

    Waits on each kernel's end (a pidfd), not on a guess of how long it takes; returns when every one has ended.
    """
    fds = {}
    for pid in pids:
        try:
            fds[pid] = os.pidfd_open(pid)
            if grace > 0:
                os.killpg(pid, signal.SIGINT)  # each kernel (and factory) leads its own process group
        except OSError:
            pass
    deadline = time.monotonic() + grace
    for pid, fd in fds.items():
        if not _ended(fd, max(0.0, deadline - time.monotonic())):
            try:
                os.killpg(pid, signal.SIGKILL)  # with whatever the notebook started
            except OSError:
                pass
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)  # it may have left its group
            except OSError:
                pass
            _ended(fd, None)
        os.close(fd)


def _ended(fd: int, timeout: float | None) -> bool:
    return bool(select.select([fd], [], [], timeout)[0])


_slot: KernelSlot | None = None  # the one slot of this worker process, set by worker_init


def worker_init(scratch: str, preload: tuple[str, ...], mode: str = "fork") -> None:
    """Pool initializer: the main process handles Ctrl-C; the worker starts its factory and boots its first kernel."""
    global _slot
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(os.getppid())  # the pool's fork server, which ends with the build
    import papermill  # noqa: F401 - imported once per worker, before the first run needs it

    factory = None
    if mode == "fork":
        env, shared = base_env(paths.ROOT, paths.BUILD), os.environ.get(KERNEL_SERVER_ENV)
        factory = shared and Factory.shared(shared, tuple(preload), env) or Factory(tuple(preload), env, paths.NOTEBOOKS)
        if factory.pid is not None:  # its own: stopped with the build (a shared one's kernels end with this worker)
            (Path(scratch) / f"factory-{os.getpid()}.pid").write_text(f"{factory.pid}\n", encoding="ascii")
    _slot = KernelSlot(Path(scratch), factory)
    # When the pool shuts down, the waiting kernel (and the factory) go with their worker (finalizers run at exit).
    multiprocessing.util.Finalize(None, _slot.stop, exitpriority=10)
    _slot.start()


def execute(notebook: str, parameters: dict | None, parameters_index: int, ahead: bool = True) -> dict:
    """Execute one notebook with papermill in this worker's waiting kernel (runs in a worker process), then boot the
    next one unless ``ahead`` is false (likely no run left for it: a kernel booted for nothing costs a quarter
    second; if one comes after all, it boots its kernel then).

    Returns ``{"ok": True, "workdir": ...}`` or a description of the failure; never raises for a notebook
    error. ``workdir`` holds the executed notebook and the logs of what the kernel read, imported and wrote.
    """
    start = time.monotonic()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    km, workdir, sockets = _slot.take()
    (workdir / RUNNING).touch()
    output = workdir / EXECUTED
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
        stop_kernel(km, workdir, sockets)
        if ahead:
            _slot.start_soon()  # boots while the main process records this run
    _normalize(output)
    outcome["seconds"] = time.monotonic() - start
    return outcome


def _normalize(output: Path) -> None:
    """The executed notebook's normalised bytes beside it (``protocol.NORMALIZED``), for the main process to write as
    they are: this worker has nbformat loaded and its schema compiled (papermill wrote the notebook with them)."""
    from casebook.engine.normalize import normalized_bytes

    try:  # no need to write it atomically: a worker that dies here returns no outcome, so nothing reads it
        (output.parent / NORMALIZED).write_bytes(normalized_bytes(output))
    except Exception:  # noqa: BLE001 - no notebook, an unreadable one, a full disk: the main process normalises
        pass          # (and reports) it itself; the run's outcome must reach the build whatever happens here
