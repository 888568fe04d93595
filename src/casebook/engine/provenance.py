"""The provenance manifest: which notebook, parameters and inputs produced each artefact, with what software.

Deterministic by construction: sorted keys, project-relative paths, no timestamps.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from casebook import paths
from casebook.engine.hashing import sha256_file
from casebook.engine.io import write_text
from casebook.exceptions import CasebookError

# pypandoc-binary (pandoc) and typst shape the manuscripts
PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbclient", "numpy", "pypandoc-binary", "typst")


def versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Versions of the software that shapes the artefacts.

    Python is given as major.minor: the lock pins every package, not the Python
    patch release, and two machines with the same lock must write the same manifest.
    """
    out = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def entries(record: dict) -> dict[str, dict]:
    """One manifest entry per artefact of a build record (see casebook.engine.build): its inputs are those of its
    scope (``record["scoped"]``) when it was written in one, else every input of the run."""
    scoped = record.get("scoped", {})

    def inputs(path: str) -> dict[str, str]:
        return {rel: record["inputs"][rel] for rel in scoped[path]} if path in scoped else record["inputs"]

    return {
        path: {
            "sha256": sha,
            "notebook": record["notebook"],
            "parameter_set": record["parameter_set"],
            "parameters": record["parameters"],
            "inputs": inputs(path),
        }
        for path, sha in record["artefacts"].items()
    }


def render(artefacts: dict[str, dict]) -> str:
    lock = sha256_file(paths.LOCK)
    doc = {"artefacts": artefacts, "environment": {**versions(), "requirements.lock": lock}}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_document(path: Path | None = None) -> dict:
    """The whole manifest ({"artefacts": ..., "environment": ...}); empty if there is none."""
    path = path or paths.PROVENANCE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CasebookError(f"{paths.relative(path)} is not valid JSON: {exc}") from exc


def read(path: Path | None = None) -> dict[str, dict]:
    """The artefacts listed in an existing manifest (empty if there is none)."""
    return read_document(path).get("artefacts", {})


def write(artefacts: dict[str, dict], path: Path | None = None) -> bool:
    """Write the manifest atomically if its content changed; return whether it did."""
    path = path or paths.PROVENANCE
    text = render(artefacts)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_text(path, text)
    return True


def diff(committed: dict[str, dict], rebuilt: dict[str, dict]) -> list[str]:
    """Human-readable differences between two manifests' artefacts, naming the inputs that changed too."""
    out = []
    for path in sorted(set(committed) | set(rebuilt)):
        old, new = committed.get(path), rebuilt.get(path)
        if old is None:
            out.append(f"{path}: new artefact, not in the committed manifest")
        elif new is None:
            out.append(f"{path}: in the committed manifest but not rebuilt")
        elif old["sha256"] != new["sha256"]:
            inputs = sorted(k for k in set(old["inputs"]) | set(new["inputs"]) if old["inputs"].get(k) != new["inputs"].get(k))
            why = f" (changed input: {', '.join(inputs)})" if inputs else ""
            out.append(f"{path}: sha256 {old['sha256'][:12]} committed, {new['sha256'][:12]} rebuilt{why}")
    return out
