"""Executors: how the build runs a notebook. The build only submits runs and collects outcomes.

:class:`Executor` is the interface; :class:`KernelPoolExecutor` runs notebooks with papermill in worker
processes, each holding a warm kernel (:mod:`casebook.engine.kernels`). An outcome is a dict: ``ok``,
``workdir`` (the kernel's folder, with ``executed.ipynb`` and the logs), ``seconds``, and on failure ``cell``,
``ename`` and ``evalue``.
"""

from __future__ import annotations

import abc
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

GRACE_S = 2.0  # how long an interrupted kernel has to end before it is killed (Ctrl-C)


class Executor(abc.ABC):
    """Runs notebooks; ``results`` yields (token, outcome) as each finishes."""

    @abc.abstractmethod
    def submit(self, token, notebook: str, parameters: dict, parameters_index: int, last: bool = False) -> None:
        """Run a notebook; ``last``: probably no run will follow it on its worker (nothing need be made ready)."""

    @abc.abstractmethod
    def results(self) -> Iterator[tuple[object, dict]]: ...

    @abc.abstractmethod
    def kill(self) -> None:
        """Stop every running notebook at once (interrupted build)."""

    @abc.abstractmethod
    def close(self) -> None: ...


class KernelPoolExecutor(Executor):
    """A pool of ``jobs`` worker processes, each with a kernel started ahead of need."""

    def __init__(self, jobs: int, scratch: Path, preload: tuple[str, ...] = (), kernels: str = "fork"):
        # forkserver: workers start clean (no copied threads or state) but fast, from one server that has
        # already imported the worker code and papermill.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["casebook.engine.kernels", "papermill"])
        from casebook.engine.kernels import worker_init

        self.jobs, self.scratch = jobs, scratch
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=worker_init,
                                         initargs=(str(scratch), tuple(preload), kernels))
        self._pending: dict[Future, object] = {}
        self._killed = False

    def submit(self, token, notebook: str, parameters: dict, parameters_index: int, last: bool = False) -> None:
        from casebook.engine.kernels import execute

        self._pending[self._pool.submit(execute, notebook, parameters, parameters_index, not last)] = token

    def results(self) -> Iterator[tuple[object, dict]]:
        while self._pending:
            done, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            for future in done:
                token = self._pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - the worker process itself died
                    outcome = {"ok": False, "workdir": None, "cell": None, "ename": type(exc).__name__,
                               "evalue": str(exc), "seconds": 0.0}
                yield token, outcome

    def kill(self, grace: float = GRACE_S) -> None:
        """Interrupt every kernel, kill those still running after ``grace`` seconds, then kill the workers.

        Kernels run in their own sessions (a terminal's Ctrl-C reaches only the build); their worker stops them.
        When this returns, no kernel of this build runs: none can write an artefact after the build undoes them.
        """
        from casebook.engine.kernels import kernel_pids, stop_kernels

        # Interrupted, a kernel's cell stops; its worker then ends it, which ends the wait at once.
        stop_kernels(kernel_pids(self.scratch, running=False), 0)  # waiting kernels have nothing to stop
        stop_kernels(kernel_pids(self.scratch, running=True), grace)
        for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
            try:
                proc.kill()
                proc.join()
            except (OSError, ValueError, AttributeError):
                pass
        stop_kernels(kernel_pids(self.scratch, factories=True), 0)  # their forked kernels die with them
        stop_kernels(kernel_pids(self.scratch), 0)  # one its worker booted meanwhile
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._killed = True

    def close(self) -> None:
        self._pool.shutdown(wait=not self._killed, cancel_futures=True)
