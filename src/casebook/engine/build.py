"""The headless build: execute every notebook of the manifest with papermill, incrementally and in parallel.

* The manifest (``notebooks/build.toml``) lists notebooks and their named parameter sets. The ``default`` set
  injects nothing and executes back into ``notebooks/`` (the committed regression reference); other sets
  execute into ``build/runs/<stem>/<set>/`` with their figures and tables there too.
* Each run executes in a worker process whose environment (inherited by the kernel) names per-run log files:
  :mod:`casebook.engine.io` appends every artefact written and every data file read. Those logs feed the cache
  (``build/cache/``) and the provenance manifest (``provenance.json``).
* A run is skipped when its key (source cells, parameters, package code, lock) is unchanged and every input
  and artefact it recorded still has its recorded sha256.
* A failing run restores every artefact it overwrote (from the hard-link backups :mod:`casebook.engine.io` keeps
  when ``CASEBOOK_BACKUP_DIR`` is set), deletes the ones it created, and keeps its executed notebook in
  ``build/failed/``.

This module never knows what a report contains.
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine import provenance
from casebook.engine.hashing import package_hashes, sha256_file, sha256_json, source_hash
from casebook.engine.io import ARTEFACT_LOG_ENV, BACKUP_DIR_ENV, INPUT_LOG_ENV, TEMP_LOG_ENV, atomic_path
from casebook.exceptions import BuildError, NotebookExecutionError, ParameterError

# jsonschema (under nbformat, hence papermill) imports the optional rfc3987_syntax, which compiles a Lark
# grammar at import: 1.3 s in every process that reads a notebook, for an "iri" format no notebook schema
# uses. Marking it absent makes jsonschema skip that one checker (measured: import papermill 2.0 s -> 0.7 s).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

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


def _read_notebook(rel: str) -> dict:
    """The notebook as plain JSON (nbformat and papermill are not needed to hash it or read its parameters)."""
    path = paths.resolve(rel)
    if not path.is_file():
        raise BuildError(f"{rel}: notebook listed in the build manifest does not exist")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildError(f"{rel}: not a readable notebook: {exc}") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BuildError(f"{rel}: not a notebook (no list of cells)")
    return nb


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _parameters_cells(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", [])]


_ANNOTATIONS: dict[tuple[str, str], str] = {}  # (notebook, parameter) -> annotation, filled by the parser


def declared_parameters(rel: str) -> dict:
    """The parameters the notebook's single ``parameters`` cell declares, with their default values.

    The cell is parsed (never executed): ``name: type = literal`` or ``name = literal``; a default that is
    not a plain literal is kept as its source text (the notebook tests report it).
    """
    nb = _read_notebook(rel)
    tagged = _parameters_cells(nb)
    if len(tagged) != 1:
        raise BuildError(f"{rel}: needs exactly one cell tagged 'parameters', found {len(tagged)}")
    try:
        tree = ast.parse(_source(nb["cells"][tagged[0]]))
    except SyntaxError as exc:
        raise BuildError(f"{rel}: the parameters cell is not valid Python (line {exc.lineno}): {exc.msg}") from exc
    out = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            targets, value = [node.target], node.value
            if isinstance(node.annotation, ast.Name):
                _ANNOTATIONS[(rel, node.target.id)] = node.annotation.id
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            targets, value = node.targets, node.value
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError):
            default = ast.unparse(value)
        for target in targets:
            out[target.id] = default
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
    if injected:
        # The same check the notebook's check-parameters cell makes, done here so that a wrongly typed
        # value in the manifest fails before any kernel starts.
        from casebook.engine.parameters import check_parameters

        annotations = {n: _ANNOTATIONS[(run.notebook, n)] for n in declared if (run.notebook, n) in _ANNOTATIONS}
        effective = {**declared, **injected}
        try:
            if annotations:
                check_parameters({"__annotations__": annotations, **{n: effective[n] for n in annotations}})
        except ParameterError as exc:
            raise ParameterError(f"{run.label}: {exc}") from None
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
    except (OSError, ValueError):  # missing, unreadable or corrupt: execute again
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
    env[TEMP_LOG_ENV] = str(workdir / "temporary.log")
    env[BACKUP_DIR_ENV] = str(workdir / "backup")
    return env


# A worker keeps one kernel started ahead of need, so a run does not wait for the kernel to boot (about
# 0.6 s) and the previous kernel is killed rather than asked to shut down (0.2-0.5 s). Each kernel gets its
# own folder under build/tmp/ for its logs, fixed when it starts; the run it serves reports that folder.
_ready: tuple | None = None  # (kernel manager, workdir) of this worker's waiting kernel
_count = 0


def _worker_init(scratch: str) -> None:
    """Pool initializer: the main process handles Ctrl-C (and stops workers and kernels itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import papermill  # noqa: F401 - imported once per worker, before the first run needs it

    # When the pool shuts down, the waiting kernel goes with its worker (multiprocessing runs finalizers at exit).
    multiprocessing.util.Finalize(None, _stop_ready, exitpriority=10)
    _prestart(Path(scratch))


def _stop_ready() -> None:
    global _ready
    if _ready is not None:
        _stop(_ready[0])
        _ready = None


def _prestart(scratch: Path) -> None:
    global _ready, _count
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    _count += 1
    workdir = scratch / f"kernel-{os.getpid()}-{_count}"
    workdir.mkdir(parents=True)
    env = kernel_env(workdir)
    for var in STATE_DIRS:
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    # The kernel inherits this process's stderr: keep its chatter in its log, not on the terminal.
    log = os.open(workdir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    os.close(log)
    km = AsyncKernelManager(kernel_name=KERNEL_NAME)
    run_sync(km.start_kernel)(env={**os.environ, **env}, cwd=str(paths.NOTEBOOKS))
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        (workdir / "kernel.pid").write_text(f"{pid}\n", encoding="ascii")
    _ready = (km, workdir)


def _stop(km) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)  # every output is collected; nothing is left to flush
    except Exception:  # noqa: BLE001 - already dead
        pass


def execute(notebook: str, parameters: dict | None, scratch: str) -> dict:
    """Execute one notebook with papermill in this worker's waiting kernel (runs in a worker process).

    Returns ``{"ok": True, "workdir": ...}`` or a description of the failure; never raises for a notebook
    error. ``workdir`` holds the executed notebook and the logs of what the kernel read and wrote.
    """
    global _ready
    start = time.monotonic()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if _ready is None:
        _prestart(Path(scratch))
    km, workdir = _ready
    _ready = None
    (workdir / "notebook").write_text(notebook + "\n", encoding="utf-8")
    output = workdir / "executed.ipynb"
    outcome = {"ok": True, "workdir": str(workdir)}
    started: list[int] = []  # index of each cell as it starts: where a dying kernel was

    def on_cell_start(cell=None, cell_index=None, **_):
        started.append(cell_index)

    try:
        papermill.execute_notebook(
            str(paths.resolve(notebook)),
            str(output),
            parameters=parameters or None,  # None: the default set injects no cell
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            request_save_on_cell_execute=False,
            cwd=str(paths.resolve(notebook).parent),
            km=km,
            on_cell_start=on_cell_start,
        )
    except PapermillExecutionError as exc:
        # Papermill counts the injected cell (right after the parameters cell); the author needs the
        # cell number of the source notebook.
        cell = exc.cell_index + 1
        if parameters and exc.cell_index > _parameters_index(notebook) + 1:
            cell -= 1
        outcome = {"ok": False, "workdir": str(workdir), "cell": cell, "ename": exc.ename, "evalue": exc.evalue}
    except Exception as exc:  # kernel died, no such kernel, unreadable notebook, ...
        cell = None
        if started:
            cell = started[-1] + 1
            if parameters and started[-1] > _parameters_index(notebook) + 1:
                cell -= 1
        outcome = {"ok": False, "workdir": str(workdir), "cell": cell, "ename": type(exc).__name__,
                   "evalue": str(exc)}
    finally:
        _stop(km)
        try:
            _prestart(Path(scratch))  # boots while the main process records this run
        except Exception:  # noqa: BLE001 - the next run starts its own
            _ready = None
    outcome["seconds"] = time.monotonic() - start
    return outcome


def _parameters_index(rel: str) -> int:
    return _parameters_cells(_read_notebook(rel))[0]


# --- bookkeeping (main process) ------------------------------------------------------------------------------


def _read_log(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return sorted({line for line in path.read_text(encoding="utf-8").splitlines() if line})


def _write_notebook(src: Path, target: Path) -> str:
    """Normalise an executed notebook and write it atomically; return its sha256."""
    import nbformat

    from casebook.engine.normalize import dumps, normalize

    data = dumps(normalize(nbformat.read(src, as_version=4))).encode("utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return sha256_file(target)


def _undo(workdir: Path) -> list[str]:
    """Put back every artefact a failed run overwrote and delete those it created; return what was touched."""
    for rel in _read_log(workdir / "temporary.log"):
        paths.resolve(rel).unlink(missing_ok=True)  # a kernel killed mid-write leaves its temporary file
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
    suffix = "" if run.set_name == DEFAULT_SET else f" (parameter set '{run.set_name}')"
    if result["ename"] in ("DeadKernelError", "BrokenProcessPool"):
        where = f" in cell {result['cell']}" if result.get("cell") else ""
        return (f"{run.notebook}{suffix}: the kernel died{where} (killed, or out of memory); "
                "nothing it wrote was kept")
    where = f"cell {result['cell']} raised" if result.get("cell") else "failed with"
    first_line = (result.get("evalue") or "").strip().splitlines()
    what = f"{result['ename']}: {first_line[0]}" if first_line else result["ename"]
    return f"{run.notebook}{suffix}: {where} {what}"


def _pool(jobs: int, scratch: Path) -> ProcessPoolExecutor:
    # forkserver: workers start clean (no copied threads or state) but fast, from one server that has
    # already imported the build and papermill.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["casebook.engine.build", "papermill"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(str(scratch),))


def _scratch() -> Path:
    scratch = paths.BUILD / "tmp"
    try:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot write the build's scratch folder {paths.relative(scratch)}: {exc.strerror}") from exc
    for leftover in scratch.iterdir():  # rmtree could not remove it
        raise BuildError(f"cannot clear {paths.relative(leftover)}")
    return scratch


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
    workers: list[ProcessPoolExecutor] = []  # one pool for every wave, started when something must execute
    try:
        _plan_and_execute(runs, params, force, jobs, echo, result, records, messages, plans, workers)
    except KeyboardInterrupt:
        # Runs that finished are recorded; the manifest must describe exactly what is on disk now.
        _update_provenance(listed, plans, records, BuildResult(executed=result.executed))
        raise
    finally:
        for pool in workers:
            pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(paths.BUILD / "tmp", ignore_errors=True)
    if not result.executed and not result.failed:
        echo(f"nothing to execute: all {len(runs)} notebook run(s) are up to date")
    _update_provenance(listed, plans, records, result)
    if result.failed:
        raise NotebookExecutionError("\n".join(messages))
    return result


def _plan_and_execute(runs, params, force, jobs, echo, result, records, messages, plans, workers) -> None:
    for wave in _waves(runs):
        todo = []
        for run in wave:
            if any(r.notebook in run.after for r in runs if r.label in result.failed):
                result.failed.append(run.label)
                messages.append(f"{run.label}: not executed, a notebook it reads from failed")
                continue
            injected, effective = params[run]
            key = run_key(run, injected)
            if run.after:
                # What a downstream notebook (the index) reads of its upstream ones, beyond the data files that
                # casebook.data.load logs: which artefacts exist and the notebooks' own text, not the artefacts' bytes,
                # so a changed data value re-executes only the notebooks that read it.
                key["upstream artefacts"] = sha256_json([
                    (sorted(records.get(r, {}).get("artefacts", {})), records.get(r, {}).get("key", {}).get("source cells"))
                    for r in runs if r.notebook in run.after
                ])
            plans.append((run, injected, effective, key))
            reason = "--force" if force else stale_reason(run, key, _load_record(run))
            if reason:
                todo.append((run, injected, effective, key))
                echo(f"  will execute {run.label}: {reason}")
            else:
                records[run] = _load_record(run)
                result.skipped.append(run.label)
        if todo:
            if not workers:
                # Sized for the largest wave still to come; workers start (and boot a kernel) right away.
                n = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
                workers.append(_pool(n, _scratch()))
            n = max(1, min(workers[0]._max_workers, len(todo)))
            echo(f"executing {len(todo)} notebook run(s) with {n} job(s)")
            messages += _execute_all(todo, workers[0], records, result, echo)


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


def _execute_all(todo, pool: ProcessPoolExecutor, records: dict, result: BuildResult, echo) -> list[str]:
    scratch = paths.BUILD / "tmp"
    messages = []
    pending: dict[Future, tuple] = {}
    try:
        for run, injected, effective, key in todo:
            future = pool.submit(execute, run.notebook, injected, str(scratch))
            pending[future] = (run, effective, key)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                run, effective, key = pending.pop(future)
                count = f"[{len(todo) - len(pending)}/{len(todo)}]"
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - the worker process itself died
                    outcome = {"ok": False, "workdir": None, "cell": None, "ename": type(exc).__name__,
                               "evalue": str(exc), "seconds": 0.0}
                workdir = Path(outcome["workdir"]) if outcome.get("workdir") else None
                kept = paths.BUILD / "failed" / f"{run.slug}.ipynb"
                if outcome["ok"]:
                    kept.unlink(missing_ok=True)  # an earlier failure of this run is no longer current
                    records[run] = _finish(run, key, effective, workdir)
                    result.executed.append(run.label)
                    echo(f"  {count} done   {run.label} in {outcome['seconds']:.1f} s")
                else:
                    if workdir is not None:
                        _undo(workdir)
                        if (workdir / "executed.ipynb").is_file():
                            _write_notebook(workdir / "executed.ipynb", kept)
                    message = _failure_message(run, outcome)
                    if kept.is_file():
                        message += f"\n  executed notebook kept in {paths.relative(kept)}"
                    messages.append(message)
                    result.failed.append(run.label)
                    echo(f"  {count} FAILED {run.label} after {outcome['seconds']:.1f} s")
                if workdir is not None:
                    shutil.rmtree(workdir, ignore_errors=True)
    except BaseException:
        # Interrupted: stop every kernel and worker now, then undo whatever the unfinished runs wrote.
        _kill_workers(pool, scratch)
        for workdir in sorted(scratch.glob("kernel-*")):
            _undo(workdir)
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    return messages


def _kill_workers(pool: ProcessPoolExecutor, scratch: Path) -> None:
    """SIGKILL every kernel the workers started (they run in their own sessions), then the workers."""
    for pidfile in scratch.glob("kernel-*/kernel.pid"):
        try:
            os.kill(int(pidfile.read_text(encoding="ascii")), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
            proc.join(5)
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


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
