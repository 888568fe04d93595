"""The headless build: execute every notebook of the manifest with papermill, incrementally and in parallel.

* The manifest (``notebooks/build.toml``) lists notebooks and their named parameter sets. The ``default`` set
  injects nothing and executes back into ``notebooks/`` (the committed regression reference); other sets
  execute into ``build/runs/<stem>/<set>/`` with their figures and tables there too.
* Each run executes in a worker process whose environment (inherited by the kernel) names per-run log files:
  :mod:`casebook.io` appends every artefact written and every data file read. Those logs feed the cache
  (``build/cache/``) and the provenance manifest (``provenance.json``).
* A run is skipped when its key (source cells, parameters, package code, lock) is unchanged and every input
  and artefact it recorded still has its recorded sha256.
* A failing run restores every artefact it overwrote (from the hard-link backups :mod:`casebook.io` keeps
  when ``CASEBOOK_BACKUP_DIR`` is set), deletes the ones it created, and keeps its executed notebook in
  ``build/failed/``.

This module never knows what a report contains.
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import os
import shutil
import sys
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths, provenance
from casebook.exceptions import BuildError, NotebookExecutionError, ParameterError
from casebook.hashing import package_hashes, sha256_file, sha256_json, source_hash
from casebook.io import ARTEFACT_LOG_ENV, BACKUP_DIR_ENV, INPUT_LOG_ENV, atomic_path

DEFAULT_SET = "default"
KERNEL_NAME = "python3"
# Fixed for every kernel so two builds (and two machines) write the same bytes.
FIXED_ENV = {"SOURCE_DATE_EPOCH": "0", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
# Tool state stays inside build/ unless the caller (the Makefile) already chose a place.
STATE_DIRS = {
    "MPLCONFIGDIR": ".config/matplotlib",
    "IPYTHONDIR": ".config/ipython",
    "JUPYTER_CONFIG_DIR": ".config/jupyter",
    "JUPYTER_DATA_DIR": ".local/jupyter",
    "JUPYTER_RUNTIME_DIR": ".local/jupyter/runtime",
}


@dataclass(frozen=True)
class Run:
    """One notebook executed with one named parameter set."""

    notebook: str  # project-relative path of the source notebook
    set_name: str
    overrides: dict = field(default_factory=dict, hash=False)
    after: tuple[str, ...] = ()  # notebooks whose artefacts this one reads (e.g. an index of all figures)

    @property
    def stem(self) -> str:
        return Path(self.notebook).stem

    @property
    def label(self) -> str:
        return f"{self.notebook} [{self.set_name}]"

    @property
    def slug(self) -> str:
        return self.stem if self.set_name == DEFAULT_SET else f"{self.stem}--{self.set_name}"

    @property
    def output(self) -> str:
        """Where the executed notebook goes (project-relative)."""
        if self.set_name == DEFAULT_SET:
            return self.notebook
        return f"build/runs/{self.stem}/{self.set_name}/{self.stem}.ipynb"


@dataclass
class BuildResult:
    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


# --- manifest and parameters ---------------------------------------------------------------------------


def read_manifest(path: str | os.PathLike | None = None) -> list[Run]:
    """The runs the manifest asks for, in manifest order; a malformed manifest is a BuildError."""
    path = Path(path) if path is not None else paths.BUILD_MANIFEST
    if not path.is_file():
        raise BuildError(f"build manifest {paths.relative(path)} not found")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{paths.relative(path)}: not valid TOML: {exc}") from exc
    unknown = set(doc) - {"notebook"}
    if unknown:
        raise BuildError(f"{paths.relative(path)}: unknown key(s) {', '.join(sorted(unknown))}; expected [[notebook]] tables")
    runs = []
    for i, entry in enumerate(doc.get("notebook", []), start=1):
        nb = entry.get("path")
        if not isinstance(nb, str) or not nb.endswith(".ipynb"):
            raise BuildError(f"{paths.relative(path)}: notebook entry {i} needs path = \"notebooks/NAME.ipynb\"")
        extra = set(entry) - {"path", "sets", "after"}
        if extra:
            raise BuildError(f"{paths.relative(path)}: {nb}: unknown key(s) {', '.join(sorted(extra))}")
        sets = dict(entry.get("sets", {}))
        if sets.get(DEFAULT_SET):
            raise BuildError(f"{paths.relative(path)}: {nb}: the 'default' set uses the notebook's own defaults; give overrides another name")
        after = tuple(entry.get("after", ()))
        runs.append(Run(nb, DEFAULT_SET, after=after))
        runs += [Run(nb, name, dict(values), after) for name, values in sets.items() if name != DEFAULT_SET]
    known = {r.notebook for r in runs}
    for r in runs:
        missing = [a for a in r.after if a not in known or a == r.notebook]
        if missing:
            raise BuildError(f"{paths.relative(path)}: {r.notebook}: 'after' names {', '.join(missing)}, not another notebook of the manifest")
    labels = [r.label for r in runs]
    if len(set(labels)) != len(labels):
        raise BuildError(f"{paths.relative(path)}: a notebook is listed twice")
    return runs


def _read_notebook(rel: str):
    import nbformat

    path = paths.resolve(rel)
    if not path.is_file():
        raise BuildError(f"{rel}: notebook listed in the build manifest does not exist")
    return nbformat.read(path, as_version=4)


def declared_parameters(rel: str) -> dict:
    """The parameters the notebook's single ``parameters`` cell declares, with their default values."""
    from papermill import inspect_notebook

    nb = _read_notebook(rel)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise BuildError(f"{rel}: needs exactly one cell tagged 'parameters', found {len(tagged)}")
    out = {}
    for name, info in inspect_notebook(str(paths.resolve(rel))).items():
        try:
            out[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            out[name] = info["default"]  # not a plain literal; the notebook tests report it
    return out


def parameters_for(run: Run) -> tuple[dict, dict]:
    """(injected, effective) parameters of a run; unknown names raise ParameterError before anything executes."""
    declared = declared_parameters(run.notebook)
    unknown = sorted(set(run.overrides) - set(declared))
    if unknown:
        raise ParameterError(
            f"{run.label}: unknown parameter(s) {', '.join(unknown)}; "
            f"{run.notebook} accepts: {', '.join(sorted(declared))}"
        )
    injected = dict(run.overrides)
    if run.set_name != DEFAULT_SET:
        # Other sets must never overwrite the committed artefacts.
        outdir = f"build/runs/{run.stem}/{run.set_name}"
        for name, sub in (("figures_dir", "figures"), ("tables_dir", "tables")):
            if name in declared and name not in injected:
                injected[name] = f"{outdir}/{sub}"
    return injected, {**declared, **injected}


# --- cache -------------------------------------------------------------------------------------------


def _cache_path(run: Run) -> Path:
    return paths.BUILD / "cache" / f"{run.slug}.json"


def run_key(run: Run, injected: dict) -> dict[str, str]:
    """Hashes of everything a run depends on that is known before it executes (the cache key, in parts)."""
    nb = _read_notebook(run.notebook)
    return {
        "source cells": source_hash(nb),
        "parameters": sha256_json({"set": run.set_name, "parameters": injected, "output": run.output}),
        "package code": sha256_json(package_hashes()),
        "requirements.lock": sha256_file(paths.LOCK) or "",
    }


def _load_record(run: Run) -> dict | None:
    try:
        return json.loads(_cache_path(run).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def stale_reason(run: Run, key: dict[str, str], record: dict | None) -> str | None:
    """Why the run must execute again, or None if its cached record still holds."""
    if record is None:
        return "never built here"
    prior = record.get("key")
    if not isinstance(prior, dict):
        return "cache record from an older build"
    changed = [part for part, value in key.items() if prior.get(part) != value]
    if changed:
        return f"{', '.join(changed)} changed"
    for rel, sha in record["inputs"].items():
        if sha256_file(paths.resolve(rel)) != sha:
            return f"input {rel} changed"
    for rel, sha in record["artefacts"].items():
        if sha256_file(paths.resolve(rel)) != sha:
            return f"artefact {rel} changed or missing"
    return None


# --- execution (worker side) -------------------------------------------------------------------------------


def kernel_env(workdir: Path) -> dict[str, str]:
    """Environment of one run's kernel: determinism, tool state under build/, and the per-run logs."""
    env = dict(FIXED_ENV)
    for var, sub in STATE_DIRS.items():
        env[var] = os.environ.get(var) or str(paths.BUILD / sub)
    env["CASEBOOK_ROOT"] = str(paths.ROOT)
    env[ARTEFACT_LOG_ENV] = str(workdir / "artefacts.log")
    env[INPUT_LOG_ENV] = str(workdir / "inputs.log")
    env[BACKUP_DIR_ENV] = str(workdir / "backup")
    return env


def execute(notebook: str, output: str, parameters: dict | None, env: dict[str, str]) -> dict:
    """Execute one notebook with papermill (runs in a worker process; the kernel inherits ``env``).

    Returns ``{"ok": True}`` or a description of the failure; never raises for a notebook error.
    """
    start = time.monotonic()
    os.environ.update(env)
    # The kernel inherits this process's stderr: keep its chatter in the run's log, not on the terminal.
    log = os.open(Path(env[ARTEFACT_LOG_ENV]).with_name("kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    os.close(log)
    import papermill
    from papermill.exceptions import PapermillExecutionError

    for var in STATE_DIRS:
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(paths.resolve(notebook)),
            output,
            parameters=parameters or None,  # None: the default set injects no cell
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            request_save_on_cell_execute=False,
            cwd=str(paths.resolve(notebook).parent),
        )
    except PapermillExecutionError as exc:
        # Papermill counts the injected cell (right after the parameters cell); the author needs the
        # cell number of the source notebook.
        cell = exc.cell_index + 1
        if parameters and exc.cell_index > _parameters_index(notebook) + 1:
            cell -= 1
        return {"ok": False, "cell": cell, "ename": exc.ename, "evalue": exc.evalue, "seconds": time.monotonic() - start}
    except Exception as exc:  # kernel died, no such kernel, unreadable notebook, ...
        return {"ok": False, "cell": None, "ename": type(exc).__name__, "evalue": str(exc), "seconds": time.monotonic() - start}
    return {"ok": True, "seconds": time.monotonic() - start}


def _parameters_index(rel: str) -> int:
    nb = _read_notebook(rel)
    return next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))


# --- bookkeeping (main process) ------------------------------------------------------------------------------


def _read_log(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return sorted({line for line in path.read_text(encoding="utf-8").splitlines() if line})


def _write_notebook(src: Path, target: Path) -> str:
    """Normalise an executed notebook and write it atomically; return its sha256."""
    import nbformat

    from casebook.normalize import dumps, normalize

    data = dumps(normalize(nbformat.read(src, as_version=4))).encode("utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return sha256_file(target)


def _undo(workdir: Path) -> list[str]:
    """Put back every artefact a failed run overwrote and delete those it created; return what was touched."""
    backup = workdir / "backup"
    saved = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()} if backup.is_dir() else set()
    touched = sorted(set(_read_log(workdir / "artefacts.log")) | saved)
    for rel in touched:
        target = paths.resolve(rel)
        if rel in saved:
            os.replace(backup / rel, target)
        else:
            target.unlink(missing_ok=True)
    return touched


def _finish(run: Run, key: dict[str, str], effective: dict, workdir: Path) -> dict:
    """Record a successful run: write its notebook, hash its inputs and artefacts, save the cache record."""
    nb_sha = _write_notebook(workdir / "executed.ipynb", paths.resolve(run.output))
    artefacts = {rel: sha256_file(paths.resolve(rel)) for rel in _read_log(workdir / "artefacts.log")}
    artefacts = {rel: sha for rel, sha in artefacts.items() if sha is not None}
    artefacts[run.output] = nb_sha
    inputs = {rel: sha256_file(paths.resolve(rel)) for rel in _read_log(workdir / "inputs.log")}
    record = {
        "key": key,
        "notebook": run.notebook,
        "parameter_set": run.set_name,
        "parameters": effective,
        "inputs": {rel: sha for rel, sha in inputs.items() if sha is not None},
        "artefacts": artefacts,
    }
    cache = _cache_path(run)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(cache) as tmp:
        tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if run.set_name != DEFAULT_SET:
        provenance.write(provenance.entries(record), paths.resolve(run.output).parent / "provenance.json")
    return record


def _failure_message(run: Run, result: dict) -> str:
    where = f"cell {result['cell']} raised" if result.get("cell") else "failed with"
    first_line = (result.get("evalue") or "").strip().splitlines()
    what = f"{result['ename']}: {first_line[0]}" if first_line else result["ename"]
    suffix = "" if run.set_name == DEFAULT_SET else f" (parameter set '{run.set_name}')"
    return f"{run.notebook}{suffix}: {where} {what}"


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers start clean (no copied threads or state) but fast, from one preloaded server.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["casebook.build"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)


def build(
    manifest: str | os.PathLike | None = None,
    jobs: int | None = None,
    force: bool = False,
    only: list[str] | None = None,
    echo: Callable[[str], None] = print,
) -> BuildResult:
    """Execute what changed; raise NotebookExecutionError (after finishing the other runs) if any run failed."""
    for var, value in FIXED_ENV.items():
        os.environ[var] = value  # this process hashes and writes too
    runs = read_manifest(manifest)
    listed = {run.notebook for run in runs}
    if only:
        runs = [r for r in runs if r.stem in only or r.notebook in only or r.slug in only]
        if not runs:
            raise BuildError(f"--only {' '.join(only)}: no such notebook in the manifest")
    params = {run: parameters_for(run) for run in runs}  # every run is checked before any executes
    result = BuildResult()
    records: dict[Run, dict] = {}
    messages: list[str] = []
    plans = []
    for wave in _waves(runs):
        todo = []
        for run in wave:
            if any(r.notebook in run.after for r in runs if r.label in result.failed):
                result.failed.append(run.label)
                messages.append(f"{run.label}: not executed, a notebook it reads from failed")
                continue
            injected, effective = params[run]
            key = run_key(run, injected)
            if run.after:  # upstream artefacts are inputs that casebook.load does not see
                key["upstream artefacts"] = sha256_json([records.get(r, {}).get("artefacts") for r in runs if r.notebook in run.after])
            plans.append((run, injected, effective, key))
            reason = "--force" if force else stale_reason(run, key, _load_record(run))
            if reason:
                todo.append((run, injected, effective, key))
                echo(f"  will execute {run.label}: {reason}")
            else:
                records[run] = _load_record(run)
                result.skipped.append(run.label)
        if todo:
            n = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
            echo(f"executing {len(todo)} notebook run(s) with {n} job(s)")
            messages += _execute_all(todo, n, records, result, echo)
    if not result.executed and not result.failed:
        echo(f"nothing to execute: all {len(runs)} notebook run(s) are up to date")
    _update_provenance(listed, plans, records, result)
    if result.failed:
        raise NotebookExecutionError("\n".join(messages))
    return result


def _waves(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped so that each comes after the notebooks it names in ``after``; a cycle is a BuildError."""
    waves, done, left = [], set(), list(runs)
    while left:
        ready = [r for r in left if all(a in done or a not in {x.notebook for x in runs} for a in r.after)]
        if not ready:
            raise BuildError(f"'after' forms a cycle among: {', '.join(sorted({r.notebook for r in left}))}")
        waves.append(ready)
        done |= {r.notebook for r in ready}
        left = [r for r in left if r not in ready]
    return waves


def _execute_all(todo, jobs: int, records: dict, result: BuildResult, echo) -> list[str]:
    scratch = paths.BUILD / "tmp"
    messages = []
    pending: dict[Future, tuple] = {}
    pool = _pool(jobs)
    try:
        for run, injected, effective, key in todo:
            workdir = scratch / run.slug
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            future = pool.submit(execute, run.notebook, str(workdir / "executed.ipynb"), injected, kernel_env(workdir))
            pending[future] = (run, effective, key, workdir)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                run, effective, key, workdir = pending.pop(future)
                count = f"[{len(todo) - len(pending)}/{len(todo)}]"
                outcome = future.result()
                seconds = outcome["seconds"]
                if outcome["ok"]:
                    records[run] = _finish(run, key, effective, workdir)
                    result.executed.append(run.label)
                    echo(f"  {count} done   {run.label} in {seconds:.1f} s")
                else:
                    _undo(workdir)
                    kept = paths.BUILD / "failed" / f"{run.slug}.ipynb"
                    if (workdir / "executed.ipynb").is_file():
                        _write_notebook(workdir / "executed.ipynb", kept)
                    message = _failure_message(run, outcome)
                    messages.append(f"{message}\n  executed notebook kept in {paths.relative(kept)}")
                    result.failed.append(run.label)
                    echo(f"  {count} FAILED {run.label} after {seconds:.1f} s")
                shutil.rmtree(workdir, ignore_errors=True)
    except BaseException:
        # Interrupted: the runs still in flight must not leave half-updated artefacts behind.
        pool.shutdown(wait=True, cancel_futures=True)
        for run, _effective, _key, workdir in pending.values():
            _undo(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    pool.shutdown()
    return messages


def _update_provenance(listed: set[str], plans, records: dict, result: BuildResult) -> None:
    """Rewrite provenance.json for the default runs; entries of runs that did not record keep their old lines."""
    if result.failed:
        return  # the committed manifest describes a complete, successful build only
    defaults = [run for run, *_ in plans if run.set_name == DEFAULT_SET]
    fresh = {run.notebook for run in defaults if run in records}
    artefacts = {
        path: entry
        for path, entry in provenance.read().items()
        if entry.get("notebook") in listed - fresh
    }
    for run in defaults:
        if run in records:
            artefacts.update(provenance.entries(records[run]))
    provenance.write(artefacts)


def main_summary(result: BuildResult) -> str:
    """One line saying what the build did."""
    if not result.executed:
        return f"build: nothing executed; {len(result.skipped)} notebook run(s) already up to date"
    return f"build: executed {len(result.executed)}, skipped {len(result.skipped)} (up to date)"


if __name__ == "__main__":  # pragma: no cover - the CLI is casebook.cli
    sys.exit("use: python -m casebook build")
