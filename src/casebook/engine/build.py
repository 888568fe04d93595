"""The headless build: execute every notebook of the manifest with papermill, incrementally and in parallel.

:func:`build` plans each run (its parameters are checked and its cache key computed before any kernel starts),
skips those whose record still holds (:mod:`casebook.engine.cache`), executes each of the others as soon as the
notebooks it comes ``after`` have finished, on an :class:`~casebook.engine.executor.Executor`, records each outcome
(:mod:`casebook.engine.record`) and rewrites ``provenance.json``. A failing run's writes are undone; its executed
notebook is kept in ``build/failed/``. This module never knows what a report contains.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine import protocol, provenance, record
from casebook.engine.cache import Cache, stale_reason
from casebook.engine.executor import Executor, KernelPoolExecutor
from casebook.engine.hashing import sha256_json
from casebook.engine.manifest import DEFAULT_SET, Manifest, Run, Schedule, read_manifest
from casebook.engine.parameters import declared_parameters, injected_parameters, parameters_cells
from casebook.engine.protocol import FIXED_ENV, NO_KERNELS_ENV
from casebook.exceptions import BuildError, NotebookExecutionError

__all__ = ["BuildResult", "Plan", "build", "read_manifest", "main_summary"]


@dataclass
class BuildResult:
    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # artefacts and notebooks whose bytes changed


@dataclass
class Plan:
    """A run made ready before anything executes: its parameters and its cache key."""

    run: Run
    injected: dict
    effective: dict
    key: dict[str, str]
    parameters_index: int


def read_notebook(rel: str) -> dict:
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


def plan(run: Run, cache: Cache) -> Plan:
    """Check a run's parameters (a ParameterError before any kernel starts) and compute its cache key."""
    nb = read_notebook(run.notebook)
    declared = declared_parameters(run.notebook, nb)
    injected = injected_parameters(run.label, declared, run.overrides)
    if run.set_name != DEFAULT_SET:
        # Other sets must never overwrite the committed artefacts.
        outdir = f"build/runs/{run.stem}/{run.set_name}"
        for name, sub in (("figures_dir", "figures"), ("tables_dir", "tables")):
            if name in declared.defaults and name not in injected:
                injected[name] = f"{outdir}/{sub}"
    return Plan(run, injected, {**declared.defaults, **injected}, cache.key(run, nb, injected),
                parameters_cells(nb)[0])


class Build:
    """One invocation of the build: the manifest, the cache, the records made so far and the outcome."""

    def __init__(self, manifest: Manifest, jobs: int | None, force: bool, echo: Callable[[str], None],
                 executor: Callable[[int, Path, tuple[str, ...], str], Executor] = KernelPoolExecutor,
                 kernels: str | None = None):
        self.manifest, self.jobs, self.force, self.echo = manifest, jobs, force, echo
        self.kernels = kernels or manifest.kernels
        self.cache = Cache(paths.BUILD / "cache")
        self.make_executor = executor
        self.executor: Executor | None = None
        self.records: dict[Run, dict] = {}
        self.plans: list[Plan] = []
        self.messages: list[str] = []
        self.result = BuildResult()
        # What provenance.json says each artefact is now: what a run changed is measured against it.
        self.before = {path: e.get("sha256") for path, e in provenance.read().items()}

    def execute(self, runs: list[Run]) -> BuildResult:
        plans = {run: plan(run, self.cache) for run in runs}  # every run is checked before any executes
        self.manifest.waves(runs)  # a cycle among them is an error before anything runs
        try:
            self._execute(runs, plans)
        except KeyboardInterrupt:
            # Runs that finished are recorded; the manifest must describe exactly what is on disk now.
            self._update_provenance(BuildResult(executed=self.result.executed))
            raise
        finally:
            if self.executor is not None:
                self.executor.close()
            shutil.rmtree(paths.BUILD / "tmp", ignore_errors=True)
        self._update_provenance(self.result)
        if self.result.failed:
            raise NotebookExecutionError("\n".join(self.messages))
        return self.result

    def _execute(self, runs: list[Run], plans: dict[Run, Plan]) -> None:
        """Submit each run as soon as the notebooks it comes ``after`` have finished (the manuscripts need not wait
        for the audit), and record each as it finishes."""
        schedule = Schedule(runs)
        todo, submitted, recorded = self._release(schedule, plans, runs), 0, 0
        while todo:
            self._submit(todo, len(runs), schedule)
            submitted += len(todo)
            todo, recorded = self._collect(schedule, plans, runs, submitted, recorded)

    def _release(self, schedule: Schedule, plans: dict[Run, Plan], runs: list[Run]) -> list[Plan]:
        """The runs that may start and must execute; those up to date are done at once, which may free their readers."""
        while ready := schedule.ready():
            todo = []
            for run in ready:
                p = self._plan(plans[run], runs)
                if p is None:
                    schedule.done.add(run)  # skipped (up to date) or not executable
                else:
                    todo.append(p)
            if todo:
                return todo
        return []

    def _collect(self, schedule: Schedule, plans: dict[Run, Plan], runs: list[Run], submitted: int,
                 recorded: int) -> tuple[list[Plan], int]:
        """Record outcomes as they come, until one frees runs to submit (returned at once) or none is left."""
        try:
            for p, outcome in self.executor.results():
                recorded += 1
                self._record(p, outcome, f"[{recorded}/{submitted}]")
                schedule.done.add(p.run)
                todo = self._release(schedule, plans, runs)
                if todo:
                    return todo, recorded  # submitted now, while the others still run
            return [], recorded
        except BaseException:
            # Interrupted: stop every kernel and worker now, then undo whatever the unfinished runs wrote.
            self.executor.kill()
            for workdir in sorted((paths.BUILD / "tmp").glob("kernel-*")):
                record.undo(workdir)
                shutil.rmtree(workdir, ignore_errors=True)
            raise

    def _plan(self, p: Plan, runs: list[Run]) -> Plan | None:
        run = p.run
        if any(r.notebook in run.after for r in runs if r.label in self.result.failed):
            self.result.failed.append(run.label)
            self.messages.append(f"{run.label}: not executed, a notebook it reads from failed")
            return None
        if run.after:
            # What a downstream notebook (the index) reads of its upstream ones, beyond the data files it logs:
            # which artefacts exist and the notebooks' own text, not the artefacts' bytes, so a changed data
            # value re-executes only the notebooks that read it.
            p.key["upstream artefacts"] = sha256_json([
                (sorted(self.records.get(r, {}).get("artefacts", {})),
                 self.records.get(r, {}).get("key", {}).get("source cells"))
                for r in runs if r.notebook in run.after
            ])
        if run.watch:  # which notebooks it watches: a new one (a new report's) re-executes it
            p.key["watched notebooks"] = sha256_json(sorted(run.watch))
        self.plans.append(p)
        reason = "--force" if self.force else stale_reason(p.key, self.cache.load(run))
        if reason:
            self.echo(f"  will execute {run.label}: {reason}")
            return p
        self.records[run] = self.cache.load(run)
        self.result.skipped.append(run.label)
        return None

    def _submit(self, todo: list[Plan], n_runs: int, schedule: Schedule) -> None:
        if self.executor is None:
            if os.environ.get(NO_KERNELS_ENV):
                raise BuildError(f"{NO_KERNELS_ENV} is set (make check): this would execute {todo[0].run.label}")
            # Sized for the runs there are; workers start (and boot a kernel) right away.
            jobs = max(1, min(self.jobs or os.cpu_count() or 1, n_runs))
            self.executor = self.make_executor(jobs, _scratch(), self.manifest.preload, self.kernels)
        self.echo(f"executing {len(todo)} notebook run(s) with {max(1, min(self.executor.jobs, len(todo)))} job(s)")
        # Nothing waits to be released after these: the last runs submitted, one per worker, are likely each worker's
        # last and need no kernel booted after them (a heuristic: a worker that takes another boots one then).
        final = len(todo) - self.executor.jobs if not schedule.waiting else len(todo)
        for i, p in enumerate(todo):
            self.executor.submit(p, p.run.notebook, p.injected, p.parameters_index, last=i >= final)

    def _record(self, p: Plan, outcome: dict, count: str) -> None:
        run = p.run
        workdir = Path(outcome["workdir"]) if outcome.get("workdir") else None
        kept = paths.BUILD / "failed" / f"{run.slug}.ipynb"
        if outcome["ok"]:
            kept.unlink(missing_ok=True)  # an earlier failure of this run is no longer current
            self.records[run] = record.finished(run, p.key, p.effective, workdir)
            self.cache.save(run, self.records[run])
            if run.set_name != DEFAULT_SET:
                own = paths.resolve(run.output).parent / "provenance.json"
                provenance.write(provenance.entries(self.records[run]), own)
            if run.set_name == DEFAULT_SET:
                after = self.records[run]["artefacts"]
                old = {f for f, e in provenance.read().items() if e.get("notebook") == run.notebook}
                self.result.changed += sorted(f for f in set(after) | old if self.before.get(f) != after.get(f))
            self.result.executed.append(run.label)
            self.echo(f"  {count} done   {run.label} in {outcome['seconds']:.1f} s")
            return
        if workdir is not None:
            record.undo(workdir)
            if (workdir / protocol.EXECUTED).is_file():
                record.write_notebook(workdir / protocol.EXECUTED, kept)
        message = record.failure_message(run, outcome)
        if kept.is_file():
            message += f"\n  executed notebook kept in {paths.relative(kept)}"
        self.messages.append(message)
        self.result.failed.append(run.label)
        self.echo(f"  {count} FAILED {run.label} after {outcome['seconds']:.1f} s")
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    def _update_provenance(self, result: BuildResult) -> None:
        """Rewrite provenance.json for the default runs; runs that did not record keep their old entries."""
        if result.failed:
            return  # the committed manifest describes a complete, successful build only
        defaults = [p.run for p in self.plans if p.run.set_name == DEFAULT_SET]
        fresh = {run.notebook for run in defaults if run in self.records}
        listed = self.manifest.notebooks
        artefacts = {path: e for path, e in provenance.read().items() if e.get("notebook") in listed - fresh}
        for run in defaults:
            if run in self.records:
                artefacts.update(provenance.entries(self.records[run]))
        if provenance.write(artefacts) and result.changed:
            result.changed.append(paths.relative(paths.PROVENANCE))


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


def build(manifest: str | os.PathLike | None = None, jobs: int | None = None, force: bool = False,
          only: list[str] | None = None, echo: Callable[[str], None] = print, kernels: str | None = None) -> BuildResult:
    """Execute what changed; raise NotebookExecutionError (after finishing the other runs) if any run failed."""
    for var, value in FIXED_ENV.items():
        os.environ[var] = value  # this process hashes and writes too
    m = read_manifest(manifest)
    runs = list(m.runs)
    if only:
        runs = [r for r in runs if r.stem in only or r.notebook in only or r.slug in only]
        if not runs:
            raise BuildError(f"--only {' '.join(only)}: no such notebook in the manifest")
    result = Build(m, jobs, force, echo, kernels=kernels).execute(runs)
    if not result.executed and not result.failed:
        echo(f"nothing to execute: all {len(runs)} notebook run(s) are up to date")
    return result


def main_summary(result: BuildResult) -> str:
    """What the build did, what changed on disk, and what to do with it."""
    if not result.executed:
        return f"build: nothing executed; {len(result.skipped)} notebook run(s) already up to date"
    lines = [f"build: executed {len(result.executed)}, skipped {len(result.skipped)} (up to date)"]
    if not result.changed:
        return lines[0] + "; no file changed"
    shown = sorted(set(result.changed))
    lines.append(f"changed {len(shown)} file(s):")
    lines += [f"  {f}" for f in shown[:12]] + ([f"  ... and {len(shown) - 12} more"] if len(shown) > 12 else [])
    lines.append("next: review them (git diff --stat; the notebooks in JupyterLab), then commit them together. "
                 "Edited the data of a published report? See README, 'I changed the data'.")
    return "\n".join(lines)
