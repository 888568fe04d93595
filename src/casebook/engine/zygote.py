"""A kernel factory: one process per build worker imports the heavy modules once, then forks a kernel per notebook.

A kernel started from scratch pays its boot (about 0.6 s) and the imports of pandas, Matplotlib, seaborn and
pandera (2-3 s) for every notebook. The factory pays them once: it imports ``ipykernel`` and the manifest's
``preload`` modules, then, for each request, forks. The child becomes an ordinary IPython kernel (its own session,
environment, folder and log) whose memory is a private copy of the factory's: what one notebook does to a module
(rcParams, a cache, a monkeypatch) never reaches the next, just as with a fresh kernel. No ``casebook`` module is
preloaded: the kernel's environment names the project root and the logs, and its imports of ``casebook`` must be
logged (:mod:`casebook.engine.protocol`).

The factory is single-threaded and opens no socket before it forks. It talks over its stdin/stdout, one JSON
object per line: a request ``{"argv": [...], "env": {...}, "cwd": ..., "log": ...}`` gets ``{"pid": N}``. It
exits when its stdin closes (its worker ended). :class:`Factory` is the worker's side;
:class:`ForkProvisioner` lets jupyter_client's kernel manager launch through it.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before anything imports Matplotlib


# --- the factory process ---------------------------------------------------------------------------------------


def serve(preload: list[str]) -> None:
    """The factory's main loop (this file run as a script, the modules to preload as arguments)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's: it interrupts the kernels itself
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped at once; their parent watches them by pidfd
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import ipykernel.kernelapp  # noqa: F401 - the kernel itself, the largest part of a kernel's boot

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a notebook that needs it gets the error itself
            pass
    if "casebook" in sys.modules:  # a preload imported it: its kernels' imports of it would go unlogged
        raise SystemExit("kernel factory: casebook must not be preloaded (the build logs each kernel's imports of it)")
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    replies.write(b'{"ready": true}\n')
    replies.flush()
    for line in requests:
        request = json.loads(line)
        factory = os.getpid()
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, factory)  # never returns
        replies.write(json.dumps({"pid": pid}).encode() + b"\n")
        replies.flush()


def _become_kernel(request: dict, factory: int) -> None:
    code = 1
    try:
        os.setsid()  # its own session, as jupyter_client starts kernels: a terminal's Ctrl-C does not reach it
        die_with_parent(factory)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the notebook's own subprocesses are waited for normally
        signal.signal(signal.SIGINT, signal.default_int_handler)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]  # as ipykernel_launcher does; the kernel puts the notebook's folder back
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - reported in the kernel's log, never in the factory
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def die_with_parent(parent: int) -> None:
    """Linux: SIGKILL this process when its parent ends, killed or not (a kernel with its factory, a build worker
    with the build): nothing of a build outlives it."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


# --- the worker's side -------------------------------------------------------------------------------------------


class Factory:
    """The worker's handle on its factory process: ``fork(argv, env, cwd, log)`` returns a kernel's pid."""

    def __init__(self, preload: tuple[str, ...], env: dict[str, str], cwd: Path):
        self._lock = threading.Lock()  # the next kernel may boot in a background thread of the worker
        # Run as a file, not as ``-m casebook.engine.zygote``: importing the casebook package here would hide every
        # kernel's imports of it from the module log (the cache keys each run on the modules it imported).
        run = f"from runpy import run_path; run_path({__file__!r}, run_name='__main__')"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", run, *preload], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env={**os.environ, "MPLBACKEND": INLINE_BACKEND, **env}, cwd=str(cwd), start_new_session=True,
        )
        if json.loads(self.proc.stdout.readline() or b"{}").get("ready") is not True:
            raise RuntimeError(f"the kernel factory did not start (exit code {self.proc.poll()})")

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        with self._lock:
            request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError(f"the kernel factory died (exit code {self.proc.poll()})")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # the factory's loop ends
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


class ForkedProcess:
    """The part of ``subprocess.Popen`` that jupyter_client uses, for a kernel that is not this process's child.

    Its end is observed through a pidfd (an event), not by polling a pid that could be reused.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, -1

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            os.close(self._fd)
            self._fd, self.returncode = None, -1  # the factory reaped it: its status is not ours to read
        return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def provisioner(factory: Factory, km, log: Path):
    """A jupyter_client provisioner for ``km`` that launches its kernel through ``factory``, its output to ``log``."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs):
            # cmd is the kernel spec's: [python, -m, ipykernel_launcher, -f, CONNECTION_FILE]
            argv = cmd[cmd.index("-f"):]
            self.cwd = kwargs.get("cwd") or os.getcwd()
            self.process = ForkedProcess(factory.fork(argv, kwargs["env"], str(self.cwd), str(log)))
            self.pid = self.pgid = self.process.pid  # it called setsid: its own group
            return self.connection_info

    return ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)


if __name__ == "__main__":
    serve(sys.argv[1:])
