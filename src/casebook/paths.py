"""Absolute paths of the project, anchored at its root, never at the working directory.

``CASEBOOK_ROOT`` points the package at another copy of the project (the tests
use it to rebuild in a temporary copy); otherwise the root is found from this
file's location in the src layout.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("CASEBOOK_ROOT")
    root = Path(env).resolve() if env else Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        from casebook.exceptions import CasebookError

        raise CasebookError(
            f"cannot find the project root at {root} (no pyproject.toml); "
            "install casebook in editable mode (pip install -e .) or set CASEBOOK_ROOT"
        )
    return root


ROOT = _find_root()
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
TABLES = ROOT / "tables"
BUILD = ROOT / "build"
DICTIONARY = DATA / "data-dictionary.csv"  # the columns of the registers every report keeps (casebook.data.register)
BUILD_MANIFEST = NOTEBOOKS / "build.toml"
PROVENANCE = ROOT / "provenance.json"
LOCK = ROOT / "requirements.lock"


def resolve(path: str | os.PathLike) -> Path:
    """A path given relative to the project root (as notebook parameters are) made absolute."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def relative(path: str | os.PathLike) -> str:
    """The project-relative POSIX form of a path, for anything written to disk or shown."""
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()
