"""A report's reconciliation, kept on disk by the content it depends on (``build/cache/reconcile/<report>.json``).

The search takes seconds of CPU, and the claims-audit notebook runs again whenever any report changes, although the
reconciled report's evidence mostly has not (a new report, another report's data, a figure's code). The key is all
the search reads: the report's register rows and declared readings, its tables and their key columns, the cells and
omitted rows its code declares, the search's own limit, the syntax of every module of the casebook package outside
the other reports' subpackages (comments do not count: they change no result), and the versions of Python, pandas
and numpy. An entry whose key differs, or that cannot be read, is searched again and replaced; nothing is kept when
``CASEBOOK_NO_CACHE`` is set. A clean build (a fresh copy of the project) has no entry, so it always searches.
Each module's syntax digest is kept beside them (``syntax.json``, by the sha256 of the module's bytes).
Entries are JSON, never pickles: a file under ``build/`` is input like any other, and reading it runs no code.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy
import pandas as pd

from casebook import paths

PACKAGE = Path(__file__).resolve().parents[1]  # the casebook package
FORMAT = 1  # bump when the kept object's shape changes
T = TypeVar("T")


def folder() -> Path:
    return paths.BUILD / "cache" / "reconcile"


def _syntax_digest(text: str) -> str:
    """The syntax of one module (its AST, so a comment or a blank line changes nothing)."""
    try:
        return hashlib.sha256(ast.dump(ast.parse(text)).encode("utf-8")).hexdigest()
    except SyntaxError:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_digest(own_package: str) -> str:
    """The casebook package's modules, except the subpackages of the reports other than ``own_package``.

    Parsing every module takes about a second, in each notebook that asks; each module's syntax digest is kept in
    ``build/cache/reconcile/syntax.json`` by the sha256 of its bytes (a pure function of them), so only an edited
    module is parsed again."""
    off = bool(os.environ.get("CASEBOOK_NO_CACHE"))
    known = {} if off else _read_json(folder() / "syntax.json")
    seen: dict[str, str] = {}
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "__pycache__" in rel.parts:
            continue
        data = path.read_bytes()
        raw = hashlib.sha256(data).hexdigest()
        digest = known.get(raw)
        seen[raw] = digest if isinstance(digest, str) else _syntax_digest(data.decode("utf-8"))
        if not (rel.parts[0] == "reports" and len(rel.parts) > 2 and rel.parts[1] != own_package):
            h.update(f"{rel.as_posix()}\0{seen[raw]}\0".encode())
    if seen != known and not off:
        _write(folder() / "syntax.json", json.dumps(seen, sort_keys=True).encode("utf-8"))  # today's modules only
    return h.hexdigest()


def _read_json(path: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        value = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(value, dict):
            return value
    return {}


def _frame(df: pd.DataFrame) -> bytes:
    return (repr(list(df.dtypes.astype(str))) + df.to_csv(lineterminator="\n")).encode("utf-8")


def evidence_key(ev, own_package: str, *extra) -> str:
    """The key of a report's evidence (:class:`casebook.audit.evidence.Evidence`) and the search's arguments."""
    h = hashlib.sha256()
    used = {ev.kind(cid) for cid in ev.ids}  # another report's declared readings are not this search's input
    parts = [f"format {FORMAT}", platform.python_version(), pd.__version__, numpy.__version__, ev.report,
             repr(sorted((k, v) for k, v in ev.kinds.items() if k in used)), repr(sorted(ev.keys.items())), repr(sorted(ev.cells.items())),
             repr(sorted(ev.omissions)), repr(extra), code_digest(own_package)]
    for part in parts:
        h.update(part.encode("utf-8") + b"\0")
    h.update(_frame(ev.claims))
    for name in sorted(ev.tables):
        h.update(name.encode("utf-8") + b"\0" + _frame(ev.tables[name]))
    return h.hexdigest()


def kept(report: str, key: str, make: Callable[[], T], encode: Callable[[T], object],
         decode: Callable[[object], T]) -> T:
    """``make()``, or what it returned when last called with the same ``key`` for ``report`` (kept as
    ``encode(value)``, plain JSON, and given back as ``decode(kept)``)."""
    if os.environ.get("CASEBOOK_NO_CACHE"):
        return make()
    path = folder() / f"{report}.json"
    entry = _read_json(path)
    if entry.get("key") == key:
        with contextlib.suppress(ValueError, KeyError, TypeError, IndexError):  # a damaged value: searched again
            return decode(entry["value"])
    value = make()
    _write(path, json.dumps({"key": key, "value": encode(value)}, sort_keys=True).encode("utf-8"))
    return value


def _write(path: Path, data: bytes) -> None:
    """Atomically, or not at all (a folder that cannot be written keeps nothing: the result stands)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
