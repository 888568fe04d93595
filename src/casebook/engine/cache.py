"""The build's cache: what a run depends on, and whether its last record still holds.

A run's key is known before it executes: its notebook's source cells, its parameters, the engine's own code and
the lock. What it read and wrote is known only after it ran, from the logs of :mod:`casebook.engine.protocol`:
the data files, the ``casebook`` modules it imported, and the artefacts. A run is skipped when its key is
unchanged, every one of those still has the sha256 its record gives, and every optional file it looked for
(``looked``, see :func:`casebook.engine.io.look`) still exists, or still does not. Editing the audit's code therefore
re-executes the notebooks that import the audit, and no other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from casebook import paths
from casebook.engine.hashing import PACKAGE_DIR, module_file, sha256_file, sha256_json, source_hash
from casebook.engine.io import atomic_path
from casebook.engine.manifest import Run

ENGINE_DIR = Path(__file__).resolve().parent


def engine_hash() -> str:
    """The engine's own code: how notebooks are executed, normalised and recorded."""
    files = sorted(p for p in ENGINE_DIR.glob("*.py"))
    return sha256_json({p.name: sha256_file(p) for p in files})


@dataclass
class Cache:
    folder: Path

    def path(self, run: Run) -> Path:
        return self.folder / f"{run.slug}.json"

    def key(self, run: Run, nb: dict, injected: dict) -> dict[str, str]:
        """Hashes of everything a run depends on that is known before it executes (the key, in parts)."""
        return {
            "source cells": source_hash(nb),
            "parameters": sha256_json({"set": run.set_name, "parameters": injected, "output": run.output}),
            "engine code": engine_hash(),
            "requirements.lock": sha256_file(paths.LOCK) or "",
        }

    def load(self, run: Run) -> dict | None:
        try:
            record = json.loads(self.path(run).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable or corrupt: execute again
            return None
        return record if isinstance(record, dict) else None

    def save(self, run: Run, record: dict) -> None:
        target = self.path(run)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def stale_reason(key: dict[str, str], record: dict | None) -> str | None:
    """Why the run must execute again, or None if its cached record still holds."""
    if record is None:
        return "never built here"
    prior = record.get("key")
    if not isinstance(prior, dict) or not all(k in record for k in ("inputs", "looked", "modules", "artefacts")):
        return "cache record from an older build"
    changed = [part for part, value in key.items() if prior.get(part) != value]
    if changed:
        return f"{', '.join(changed)} changed"
    return _changed_file(record)


def _changed_file(record: dict) -> str | None:
    """The first input, optional input, module or artefact of a record that is no longer as it was."""
    for rel, sha in record["inputs"].items():
        if sha256_file(paths.resolve(rel)) != sha:
            return f"input {rel} changed"
    for rel, existed in record["looked"].items():
        if paths.resolve(rel).is_file() != existed:
            return f"input {rel} {'went' if existed else 'appeared'}"
    for name, sha in record["modules"].items():
        if sha256_file(module_file(name)) != sha:
            return f"module {name} changed"
    for rel, sha in record["artefacts"].items():
        if sha256_file(paths.resolve(rel)) != sha:
            return f"artefact {rel} changed or missing"
    return None


def module_hashes(names: list[str]) -> dict[str, str | None]:
    """sha256 of each imported ``casebook`` module's file (None if it is not a file of the package)."""
    return {name: sha256_file(module_file(name)) for name in names if name.split(".")[0] == PACKAGE_DIR.name}
