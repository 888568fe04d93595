"""A kernel factory: one process imports the heavy modules once, then forks a kernel per notebook.

A kernel started from scratch pays its boot (about 0.6 s) and the imports of pandas, Matplotlib, seaborn and
pandera (2-3 s) for every notebook. The factory pays them once: it imports ``ipykernel`` and the manifest's
``preload`` modules, then, for each request, forks. The child becomes an ordinary IPython kernel (its own session,
environment, folder and log) whose memory is a private copy of the factory's: what one notebook does to a module
(rcParams, a cache, a monkeypatch) never reaches the next, just as with a fresh kernel. No ``casebook`` module is
preloaded: the kernel's environment names the project root and the logs, and its imports of ``casebook`` must be
logged (:mod:`casebook.engine.protocol`).

This file is the factory process (run as a script; :mod:`casebook.engine.forked` is the build's side). It is
single-threaded and forks before a kernel opens any socket. It speaks one JSON object per line: a request
``{"argv": [...], "env": {...}, "cwd": ..., "log": ...}`` gets ``{"pid": N}``. Two ways to reach it:

- over its stdin/stdout, the factory of one build worker (the default): it exits when its stdin closes (its worker
  ended), and its kernels die with it;
- ``--listen PATH``: a factory shared by every build whose workers connect to the UNIX socket at ``PATH`` (the
  test suite's builds: one factory per test process instead of one per build worker). A connection first sends
  ``{"hello": IDENTITY}`` (:func:`identity`: the interpreter and this file, the preload, the environment that
  shapes imports) and is refused unless its interpreter and environment are the factory's and its preload is among
  the factory's. (So a worker may get a kernel with more modules already imported than its own factory's would
  have: like a preloaded module's in any forked kernel, their import-time warnings never reach a notebook's output.)
  Each kernel dies with the worker that asked for it (the factory opens the worker's pidfd when it connects); a
  worker that misbehaves (killed mid-request, a garbled line, a failed fork) is dropped, never the factory, which
  exits when its own stdin closes. It appends each connection's outcome (``accepted``/``refused`` and the identity
  asked for) and each kernel it forks to ``PATH.log``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import select
import signal
import socket
import struct
import sys
import threading

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before anything imports Matplotlib
# The environment a factory's imports can depend on (besides the interpreter and the preload list). PYTHONPATH is
# not among it: a kernel puts its own request's path in front (:func:`_python_path`); the factory imports nothing
# that a project's ``src/`` holds.
IDENTITY_ENV = ("MPLCONFIGDIR", "MPLBACKEND", "SOURCE_DATE_EPOCH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "HOME",
                "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")  # and every PYTHON* but PYTHONPATH


def identity(preload, env) -> dict:
    """What a factory started with ``env`` and ``preload`` imported, as a shared factory compares it: the
    interpreter with this file's own code, the preload, and the environment its imports can depend on."""
    names = sorted({*IDENTITY_ENV, *(k for k in env if k.startswith("PYTHON") and k != "PYTHONPATH")})
    with open(__file__, "rb") as fh:
        code = hashlib.sha256(fh.read()).hexdigest()
    return {"python": [sys.executable, code], "preload": sorted(preload), "env": {k: env.get(k) for k in names}}


# --- the factory process ---------------------------------------------------------------------------------------


def _prepare(preload: list[str]) -> None:
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


def serve(argv: list[str]) -> None:
    """The factory's main loop (this file run as a script): ``[--listen PATH] MODULE...``."""
    listen = None
    if argv[:1] == ["--listen"]:
        listen, argv = argv[1], argv[2:]
    _prepare(argv)
    if listen is None:
        _serve_pipe()
    else:
        _serve_socket(listen, identity(argv, os.environ))


def _ready() -> None:
    sys.stdout.buffer.write(b'{"ready": true}\n')
    sys.stdout.buffer.flush()


def _serve_pipe() -> None:
    _ready()
    factory = os.getpid()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, factory)
        sys.stdout.buffer.write(json.dumps({"pid": pid}).encode() + b"\n")
        sys.stdout.buffer.flush()


def _child(request: dict, factory: int, owner: int | None = None, close: tuple = ()) -> None:
    """The forked child: it becomes the kernel and never returns into the factory's loop, whatever happens."""
    try:
        for obj in close:  # the factory's other sockets and pidfds are not the kernel's
            obj.close() if hasattr(obj, "close") else os.close(obj)
        _become_kernel(request, factory, owner)
    finally:
        os._exit(1)


def _peer_pidfd(conn: socket.socket) -> int:
    pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]
    return os.pidfd_open(pid)


def _serve_socket(path: str, served: dict) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    _ready()
    clients: dict[socket.socket, list] = {}  # connection -> [unread bytes, its worker's pidfd, identity checked]
    while True:
        readable, _, _ = select.select([sys.stdin, listener, *clients], [], [])
        if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
            break  # whoever started the factory ended: so does it, and its kernels with it
        if listener in readable:
            conn, _ = listener.accept()
            try:
                clients[conn] = [b"", _peer_pidfd(conn), False]
            except OSError:  # the worker is gone already
                conn.close()
        for conn in [c for c in readable if c in clients]:
            try:
                _serve_client(conn, clients, served, listener)
            except (OSError, ValueError):  # a worker killed mid-request, a garbled line, a failed fork: that
                _drop(conn, clients)      # worker is dropped (its kernels end with it), never the factory
    for leftover in (path, f"{path}.log"):
        if os.path.exists(leftover):
            os.unlink(leftover)


def _drop(conn: socket.socket, clients: dict) -> None:
    os.close(clients.pop(conn)[1])
    conn.close()


def _serve_client(conn: socket.socket, clients: dict, served: dict, listener: socket.socket) -> None:
    state = clients[conn]
    data = conn.recv(65536)
    if not data:
        _drop(conn, clients)
        return
    state[0] += data
    while b"\n" in state[0]:
        line, state[0] = state[0].split(b"\n", 1)
        request = json.loads(line)
        if not state[2]:
            hello = request.get("hello", {})
            # Served: the same interpreter, factory code and environment, and a preload the factory's covers (its
            # kernels may then have more modules imported than the worker's own factory would have imported).
            state[2] = ok = (hello.get("python"), hello.get("env")) == (served["python"], served["env"]) and set(
                hello.get("preload", ())) <= set(served["preload"])
            _log(listener, f"{'accepted' if ok else 'refused'} {json.dumps(hello, sort_keys=True)}")
            conn.sendall(json.dumps({"ok": ok, "served": served}).encode() + b"\n")
            continue
        factory = os.getpid()
        pid = os.fork()
        if pid == 0:
            others = [x for c, (_, fd, _) in clients.items() if c is not conn for x in (c, fd)]
            _child(request, factory, owner=state[1], close=(listener, conn, *others))
        _log(listener, f"forked {pid}")
        conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _log(listener: socket.socket, line: str) -> None:
    """What a shared factory did (``PATH.log``), written before it replies: for the tests."""
    with open(f"{listener.getsockname()}.log", "a", encoding="utf-8") as log:
        log.write(line + "\n")


def _become_kernel(request: dict, factory: int, owner: int | None = None) -> None:
    code = 1
    try:
        os.setsid()  # its own session, as jupyter_client starts kernels: a terminal's Ctrl-C does not reach it
        die_with_parent(factory)
        if owner is not None:
            _die_with(owner)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the notebook's own subprocesses are waited for normally
        signal.signal(signal.SIGINT, signal.default_int_handler)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        served_path = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]  # as ipykernel_launcher does; the kernel puts the notebook's folder back
        _python_path(served_path, os.environ.get("PYTHONPATH", ""))
        # what a fresh kernel's sys.argv is (``python -m ipykernel_launcher -f FILE``), not the factory's
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["argv"]]
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


def _python_path(served: list[str], wanted: str) -> None:
    """``sys.path`` as a fresh interpreter started with ``PYTHONPATH=wanted`` would have it (the factory's entries
    were ``served``, absolute): the request's entries first, in their order (a project copy's own ``src/`` before the
    installed one)."""
    front = list(dict.fromkeys(os.path.abspath(p) for p in wanted.split(os.pathsep) if p))
    if front == served:
        return
    rest = [p for p in sys.path if os.path.abspath(p) not in set(served)]
    front = list(dict.fromkeys(os.path.abspath(p) for p in wanted.split(os.pathsep) if p))
    sys.path[:] = front + [p for p in rest if p not in front]


def die_with_parent(parent: int) -> None:
    """Linux: SIGKILL this process when its parent ends, killed or not (a kernel with its factory, a build worker
    with the build): nothing of a build outlives it."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


def _die_with(owner: int) -> None:
    """A shared factory's kernel ends with the build worker that asked for it (``owner``: its pidfd), as a kernel of
    a worker's own factory does; at once if that worker has already ended."""
    if select.select([owner], [], [], 0)[0]:
        os._exit(1)

    def watch():
        select.select([owner], [], [])
        os.killpg(os.getpid(), signal.SIGKILL)  # with whatever the notebook started

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    serve(sys.argv[1:])
