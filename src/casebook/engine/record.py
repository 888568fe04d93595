"""Recording a finished run (main process): its normalised notebook, its cache record, or the undoing of a failure."""

from __future__ import annotations

import os
from pathlib import Path

from casebook import paths
from casebook.engine import protocol
from casebook.engine.cache import module_hashes
from casebook.engine.hashing import sha256_file
from casebook.engine.io import atomic_path
from casebook.engine.manifest import DEFAULT_SET, Run


def write_notebook(src: Path, target: Path) -> str:
    """Write an executed notebook, normalised, atomically; return its sha256. The worker that executed it has
    normally written its normalised bytes beside it already (it has nbformat loaded; this process would pay half a
    second of imports and schema compiling to read and validate it again): they are used as they are."""
    ready = src.with_name(protocol.NORMALIZED)
    if ready.is_file():
        data = ready.read_bytes()
    else:
        from casebook.engine.normalize import normalized_bytes

        data = normalized_bytes(src)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return sha256_file(target)


def _hashes(rels: list[str]) -> dict[str, str | None]:
    """sha256 of each file; None for one that does not exist."""
    return {rel: sha256_file(paths.resolve(rel)) for rel in rels}


def _present(found: dict[str, str | None]) -> dict[str, str]:
    return {rel: sha for rel, sha in found.items() if sha is not None}


def finished(run: Run, key: dict[str, str], effective: dict, workdir: Path) -> dict:
    """The record of a successful run, after writing its normalised notebook.

    ``inputs`` are the files it read (with their sha256), ``looked`` whether each file it looked for or tried to read
    existed (one appearing or going re-executes it), ``scoped`` the inputs of each artefact it wrote inside a scope
    (see :func:`protocol.scoped`)."""
    nb_sha = write_notebook(workdir / protocol.EXECUTED, paths.resolve(run.output))
    written = protocol.read_scoped(workdir / protocol.ARTEFACT_LOG)
    artefacts = _present(_hashes(sorted({rel for _, rel in written})))
    artefacts[run.output] = nb_sha
    read = protocol.read_scoped(workdir / protocol.INPUT_LOG)
    inputs = _hashes(sorted({rel for _, rel in read if not rel.startswith(protocol.LOOKED)}))
    present = _present(inputs)
    looked = {rel[len(protocol.LOOKED):] for _, rel in read if rel.startswith(protocol.LOOKED)}
    looked |= {rel for rel, sha in inputs.items() if sha is None}
    return {
        "key": key,
        "notebook": run.notebook,
        "parameter_set": run.set_name,
        "parameters": effective,
        "inputs": present,
        "looked": {rel: paths.resolve(rel).is_file() for rel in sorted(looked)},
        "scoped": {rel: [i for i in found if i in present] for rel, found in protocol.scoped(read, written).items()
                   if rel in artefacts},
        "modules": module_hashes(protocol.read_log(workdir / protocol.MODULE_LOG)),
        "artefacts": artefacts,
    }


def undo(workdir: Path) -> list[str]:
    """Put back every artefact a failed run overwrote and delete those it created; return what was touched."""
    for rel in protocol.read_log(workdir / protocol.TEMP_LOG):
        paths.resolve(rel).unlink(missing_ok=True)  # a kernel killed mid-write leaves its temporary file
    backup = workdir / protocol.BACKUP_DIR
    saved = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()} if backup.is_dir() else set()
    touched = sorted(set(protocol.read_log(workdir / protocol.ARTEFACT_LOG)) | saved)
    for rel in touched:
        target = paths.resolve(rel)
        if rel in saved:
            os.replace(backup / rel, target)
        else:
            target.unlink(missing_ok=True)
    return touched


def failure_message(run: Run, outcome: dict) -> str:
    """One line for the author: which notebook, which cell, which error (its first line)."""
    suffix = "" if run.set_name == DEFAULT_SET else f" (parameter set '{run.set_name}')"
    if outcome["ename"] in ("DeadKernelError", "BrokenProcessPool"):
        where = f" in cell {outcome['cell']}" if outcome.get("cell") else ""
        return (f"{run.notebook}{suffix}: the kernel died{where} (killed, or out of memory); "
                "nothing it wrote was kept")
    where = f"cell {outcome['cell']} raised" if outcome.get("cell") else "failed with"
    first_line = (outcome.get("evalue") or "").strip().splitlines()
    what = f"{outcome['ename']}: {first_line[0]}" if first_line else outcome["ename"]
    return f"{run.notebook}{suffix}: {where} {what}"
