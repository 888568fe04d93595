"""Content hashes for the build's cache and provenance (never modification times)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole casebook package, not just the engine


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str | None:
    """The file's sha256, or None if it does not exist (or a file stands where a folder of its path should be)."""
    try:
        return sha256_bytes(Path(path).read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def sha256_json(value) -> str:
    """Hash of a JSON-serialisable value, independent of dict order."""
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def source_hash(nb: dict) -> str:
    """Hash of a notebook's cell types and sources only: outputs and metadata do not count."""
    cells = [[c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]] for c in nb["cells"]]
    return sha256_json(cells)


def package_hashes() -> dict[str, str]:
    """sha256 of every source file of the casebook package (caches are not code)."""
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith((".pyc", ".tmp")):
            out[path.relative_to(PACKAGE_DIR).as_posix()] = sha256_bytes(path.read_bytes())
    return out


def module_file(name: str) -> Path:
    """The source file of a ``casebook`` module, from its dotted name (a package is its ``__init__.py``)."""
    parts = name.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
