"""The build's side of the kernel factory (:mod:`casebook.engine.zygote`): ask it for a kernel, watch that kernel.

:class:`Factory` is a build worker's handle on a factory: its own (started with the worker, ended with it), or a
shared one (:meth:`Factory.shared`: a factory that a :class:`KernelServer` runs for many builds, reached through
the socket that ``CASEBOOK_KERNEL_SERVER`` names). :class:`ForkedProcess` watches a kernel that is not the worker's
child; :func:`provisioner` lets jupyter_client's kernel manager launch through a factory.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from casebook.engine import zygote
from casebook.engine.zygote import INLINE_BACKEND

# Run as a file, not as ``-m casebook.engine.zygote``: importing the casebook package in the factory would hide every
# kernel's imports of it from the module log (the cache keys each run on the modules it imported).
_RUN_FACTORY = f"from runpy import run_path; run_path({zygote.__file__!r}, run_name='__main__')"


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """A factory process (``args``: the factory's arguments), once it is ready."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUN_FACTORY, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        env={**os.environ, "MPLBACKEND": INLINE_BACKEND, **env}, cwd=str(cwd), start_new_session=True,
    )
    if json.loads(proc.stdout.readline() or b"{}").get("ready") is not True:
        raise RuntimeError(f"the kernel factory did not start (exit code {proc.poll()})")
    return proc


def _end(proc: subprocess.Popen) -> None:
    """End a factory process: its stdin closed, its loop ends (killed if it has not within 5 s)."""
    try:
        proc.stdin.close()
        proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()


class Factory:
    """A worker's handle on a kernel factory: ``fork(argv, env, cwd, log)`` returns a kernel's pid."""

    def __init__(self, preload: tuple[str, ...], env: dict[str, str], cwd: Path):
        self._lock = threading.Lock()  # the next kernel may boot in a background thread of the worker
        self.proc: subprocess.Popen | None = _start(list(preload), env, cwd)
        self._sock: socket.socket | None = None
        self._out, self._in = self.proc.stdin, self.proc.stdout

    @classmethod
    def shared(cls, path: str, preload: tuple[str, ...], env: dict[str, str]) -> Factory | None:
        """The shared factory listening at ``path``, or None if there is none, or if it runs another interpreter or
        factory code or another environment, or did not preload all of ``preload`` (:func:`zygote.identity`)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            stream = sock.makefile("rwb")
            wanted = zygote.identity(preload, {**os.environ, "MPLBACKEND": INLINE_BACKEND, **env})
            stream.write(json.dumps({"hello": wanted}).encode() + b"\n")
            stream.flush()
            accepted = json.loads(stream.readline() or b"{}").get("ok") is True
        except (OSError, ValueError):
            accepted = False
        if not accepted:
            sock.close()
            return None
        self = cls.__new__(cls)
        self._lock, self.proc, self._sock, self._out, self._in = threading.Lock(), None, sock, stream, stream
        return self

    @property
    def pid(self) -> int | None:
        """The factory's pid if it is this worker's own (a shared one is never this build's to stop)."""
        return self.proc.pid if self.proc is not None else None

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str) -> int:
        with self._lock:
            request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
            self._out.write(json.dumps(request).encode() + b"\n")
            self._out.flush()
            reply = self._in.readline()
        if not reply:
            raise RuntimeError(f"the kernel factory died (exit code {self.proc.poll() if self.proc else None})")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        if self._sock is not None:
            self._out.close()  # the stream holds the socket too
            self._sock.close()  # the shared factory forgets this worker (its kernels end with the worker's process)
            return
        _end(self.proc)


class KernelServer:
    """A kernel factory shared by every build started while it runs, with ``CASEBOOK_KERNEL_SERVER`` set to
    :attr:`path` in its environment (:data:`casebook.engine.protocol.KERNEL_SERVER_ENV`): their workers fork their
    kernels from it instead of each starting a factory and importing ``preload`` again. A build whose workers run
    another interpreter or environment, or need a module it did not preload (:func:`zygote.identity`), starts its
    own factories. It ends with :meth:`close` or with the process that started it."""

    def __init__(self, preload: tuple[str, ...], env: dict[str, str], cwd: Path):
        self._folder = tempfile.mkdtemp(prefix="casebook-ks")  # a UNIX socket's path must stay under 108 bytes
        self.path = os.path.join(self._folder, "s")
        self.proc = _start(["--listen", self.path, *preload], env, cwd)

    def served(self) -> list[str]:
        """What it did so far, a line each: a connection ``accepted`` or ``refused`` (then the identity its worker
        asked for), a kernel ``forked`` (then its pid)."""
        try:
            return Path(f"{self.path}.log").read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def close(self) -> None:
        _end(self.proc)
        shutil.rmtree(self._folder, ignore_errors=True)


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
