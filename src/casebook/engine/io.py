"""Atomic, deterministic writing of artefacts.

Every artefact goes through :func:`atomic_path`: written to a temporary file in
the same folder, then renamed, so an interrupted build never leaves half a
file. What is logged for the build, and where, is :mod:`casebook.engine.protocol`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from casebook.engine.protocol import ARTEFACT_LOG_ENV, BACKUP_DIR_ENV, INPUT_LOG_ENV, LOOKED, TEMP_LOG_ENV, append
from casebook.exceptions import CasebookError
from casebook.paths import relative


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds."""
    target = Path(path)
    blocking = next((p for p in (target.parent, *target.parent.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise CasebookError(f"cannot write {relative(target)}: {relative(blocking)} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = _temporary(target)
    except OSError as exc:
        raise CasebookError(f"cannot write {relative(target)}: {exc.strerror}") from exc
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        _backup(target)
        # Logged before it appears: a kernel interrupted (or killed) between the two still has it in its log, so
        # the build undoes it; logged but never written, undoing it deletes nothing (or restores its backup).
        record_artefact(target)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def _temporary(target: Path) -> Path:
    """A new empty file beside ``target`` (``.NAME.RANDOM.tmp``), its name logged before it exists: an interrupt
    between the two cannot leave a temporary file the build does not know of."""
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        _log(TEMP_LOG_ENV, tmp)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return tmp
        except FileExistsError:
            continue


def _backup(target: Path) -> None:
    """Keep the first previous version of ``target`` in the build's backup folder, if one is set."""
    folder = os.environ.get(BACKUP_DIR_ENV)
    if not folder or not target.exists():
        return
    saved = Path(folder) / relative(target).lstrip("/")
    if saved.exists():
        return  # written twice in one run: the first backup is the version to restore
    saved.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(target, saved)  # os.replace swaps the name, so the linked inode stays the old bytes
    except OSError:
        shutil.copy2(target, saved)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    # newline="\n": the same bytes on every platform
    return write_bytes(path, text.encode("utf-8"))


_SCOPE: contextvars.ContextVar[str] = contextvars.ContextVar("casebook_scope", default="")


@contextlib.contextmanager
def scope(name: str) -> Iterator[None]:
    """Inside this block, the artefacts written depend only on the inputs read inside it (and outside every scope):
    their provenance lists those, not everything the notebook read. For a notebook that writes several independent
    units (one per item of a list, say) in turn; the name is only a label, and scopes do not nest."""
    if not name or "\t" in name or "\n" in name:
        raise CasebookError(f"a scope's name must be a non-empty line without tabs: {name!r}")
    if _SCOPE.get():
        raise CasebookError(f"scope {name!r} opened inside scope {_SCOPE.get()!r}: scopes do not nest")
    token = _SCOPE.set(name)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _log(env: str, path: Path, prefix: str = "") -> None:
    append(env, prefix + relative(path), _SCOPE.get())


def record_artefact(path: Path) -> None:
    """Tell the build (if one is running) that this artefact was written."""
    _log(ARTEFACT_LOG_ENV, path)


def record_input(path: Path) -> None:
    """Tell the build (if one is running) that this input file was read, so a change to it triggers a rebuild.
    (A path that does not exist is recorded as absent: creating it re-executes the run.)"""
    _log(INPUT_LOG_ENV, path)


def look(path: str | os.PathLike) -> bool:
    """Whether an optional input exists. The look is recorded either way (:data:`protocol.LOOKED`), so the build
    re-executes the run when the file appears or goes; it is no input of the provenance until the file is read.
    Code that reads a file only if it is there asks this, not ``Path.is_file``."""
    _log(INPUT_LOG_ENV, Path(path), LOOKED)
    return Path(path).is_file()
