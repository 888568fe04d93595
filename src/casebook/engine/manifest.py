"""The build manifest (``notebooks/build.toml``): which notebooks run, in which order, with which parameter sets.

Each ``[[notebook]]`` entry gives ``path``, optionally ``after`` (notebooks whose artefacts it reads; ``["*"]``
means every other notebook of the manifest), ``watch`` (notebooks it does not wait for, but whose coming or going
re-executes it: one that reads every report's data, not their artefacts) and ``[notebook.sets.NAME]`` parameter
sets. The ``default`` set is
implicit: it injects nothing and executes back into ``notebooks/`` (the committed regression reference); other
sets execute into ``build/runs/<stem>/<set>/``. An optional ``[build]`` table sets ``kernels`` (``"fork"``, the
default: each worker's kernel factory imports ``preload`` once and forks a kernel per notebook; ``"fresh"``: every
kernel starts from scratch, as ``jupyter`` would start it), ``preload`` (the modules the factory imports) and
``groups`` (``"module:function"``: a function returning named groups of notebooks, ``{name: [path, ...]}``; an
``after`` or ``watch`` entry ``"@name"`` stands for every notebook of that group). The engine knows no report: the project names
the function (``casebook.registry:notebook_groups`` gives ``@reports``, the notebooks of the report registry).
"""

from __future__ import annotations

import importlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.exceptions import BuildError

DEFAULT_SET = "default"
EVERY_OTHER = "*"


@dataclass(frozen=True)
class Run:
    """One notebook executed with one named parameter set."""

    notebook: str  # project-relative path of the source notebook
    set_name: str
    overrides: dict = field(default_factory=dict, hash=False)
    after: tuple[str, ...] = ()  # notebooks whose artefacts this one reads (e.g. an index of all figures)
    watch: tuple[str, ...] = ()  # notebooks whose presence in the manifest is part of its key (no waiting on them)

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


@dataclass(frozen=True)
class Manifest:
    runs: tuple[Run, ...]
    preload: tuple[str, ...] = ()
    path: str = "notebooks/build.toml"
    kernels: str = "fork"

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def notebooks(self) -> set[str]:
        return {run.notebook for run in self.runs}

    def waves(self, runs: list[Run] | None = None) -> list[list[Run]]:
        """Runs grouped so that each comes after the notebooks it names in ``after``; a cycle is a BuildError."""
        left = list(self.runs if runs is None else runs)
        known = {r.notebook for r in left}  # a notebook left out (--only) is not waited for
        waves, done = [], set()
        while left:
            ready = [r for r in left if all(a in done or a not in known for a in r.after)]
            if not ready:
                raise BuildError(f"{self.path}: 'after' forms a cycle among: "
                                 f"{', '.join(sorted({r.notebook for r in left}))}")
            waves.append(ready)
            done |= {r.notebook for r in ready}
            left = [r for r in left if r not in ready]
        return waves


class Schedule:
    """Which runs may start now: each as soon as every run of the notebooks it comes ``after`` is done (a notebook
    left out, with ``--only``, is not waited for). The build marks runs done; :meth:`ready` hands each run once."""

    def __init__(self, runs: list[Run]):
        self.runs, self.waiting, self.done = list(runs), list(runs), set()

    def ready(self) -> list[Run]:
        unfinished = {r.notebook for r in self.runs if r not in self.done}
        ready = [r for r in self.waiting if not unfinished.intersection(r.after)]
        self.waiting = [r for r in self.waiting if r not in ready]
        return ready


def _fail(where: str, message: str):
    raise BuildError(f"{where}: {message}")


def _entry_runs(where: str, i: int, entry: dict) -> tuple[str, list[Run], list]:
    nb = entry.get("path")
    if not isinstance(nb, str) or not nb.endswith(".ipynb"):
        _fail(where, f"notebook entry {i} needs path = \"notebooks/NAME.ipynb\"")
    extra = set(entry) - {"path", "sets", "after", "watch"}
    if extra:
        _fail(where, f"{nb}: unknown key(s) {', '.join(sorted(extra))}")
    sets = dict(entry.get("sets", {}))
    if sets.get(DEFAULT_SET):
        _fail(where, f"{nb}: the 'default' set uses the notebook's own defaults; give overrides another name")
    lists = {}
    for name in ("after", "watch"):
        lists[name] = entry.get(name, [])
        if not isinstance(lists[name], list) or not all(isinstance(a, str) for a in lists[name]):
            _fail(where, f"{nb}: '{name}' must be a list of notebook paths (or [\"*\"])")
    runs = [Run(nb, DEFAULT_SET)] + [Run(nb, name, dict(values)) for name, values in sets.items()]
    return nb, runs, lists


KERNEL_MODES = ("fork", "fresh")


def _build_table(where: str, doc: dict) -> tuple[tuple[str, ...], str]:
    """``[build]``: the modules to preload and how kernels start."""
    table = doc.get("build", {})
    unknown = set(table) - {"preload", "kernels", "groups"}
    if unknown:
        _fail(where, f"[build]: unknown key(s) {', '.join(sorted(unknown))}")
    preload = table.get("preload", [])
    if not isinstance(preload, list) or not all(
            isinstance(m, str) and all(part.isidentifier() for part in m.split(".")) for m in preload):
        _fail(where, "[build] preload must be a list of module names")
    kernels = table.get("kernels", KERNEL_MODES[0])
    if kernels not in KERNEL_MODES:
        _fail(where, f"[build] kernels must be one of {', '.join(repr(m) for m in KERNEL_MODES)}, not {kernels!r}")
    return tuple(preload), kernels


def _groups(where: str, doc: dict) -> dict[str, list[str]]:
    """``[build] groups``: the named groups of notebooks an ``after`` entry ``"@name"`` stands for."""
    spec = doc.get("build", {}).get("groups")
    if spec is None:
        return {}
    module, sep, name = spec.partition(":") if isinstance(spec, str) else ("", "", "")
    if not sep or not module or not name:
        _fail(where, f"[build] groups must be \"module:function\", not {spec!r}")
    try:
        found = getattr(importlib.import_module(module), name)()
    except (ImportError, AttributeError) as exc:
        raise BuildError(f"{where}: [build] groups = {spec!r} cannot be loaded: {exc}") from exc
    return {str(k): [str(nb) for nb in v] for k, v in found.items()}


def _expand(where: str, nb: str, after: list[str], listed: list[str], groups: dict[str, list[str]],
            name: str = "after") -> list[str]:
    """``after`` (or ``watch``) with ``"*"`` and ``"@group"`` entries replaced by the notebooks they stand for."""
    if after == [EVERY_OTHER]:
        return [other for other in listed if other != nb]
    out = []
    for a in after:
        if a.startswith("@"):
            if a[1:] not in groups:
                _fail(where, f"{nb}: '{name}' names the group {a}, which [build] groups does not define")
            out += [g for g in groups[a[1:]] if g != nb and g not in out]
        elif a not in out:
            out.append(a)
    return out


def read_manifest(path: str | os.PathLike | None = None) -> Manifest:
    """The manifest's runs in manifest order; a malformed manifest is a BuildError naming the file."""
    path = Path(path) if path is not None else paths.BUILD_MANIFEST
    where = paths.relative(path)
    if not path.is_file():
        raise BuildError(f"build manifest {where} not found")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{where}: not valid TOML: {exc}") from exc
    unknown = set(doc) - {"notebook", "build"}
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(sorted(unknown))}; expected [[notebook]] tables")
    entries = [_entry_runs(where, i, e) for i, e in enumerate(doc.get("notebook", []), start=1)]
    listed = [nb for nb, _, _ in entries]
    groups = _groups(where, doc)
    runs = []
    for nb, nb_runs, lists in entries:
        expanded = {}
        for name, given in lists.items():
            expanded[name] = _expand(where, nb, given, listed, groups, name)
            missing = [a for a in expanded[name] if a not in listed or a == nb]
            if missing:
                _fail(where, f"{nb}: '{name}' names {', '.join(missing)}, not another notebook of the manifest")
        runs += [Run(r.notebook, r.set_name, r.overrides, tuple(expanded["after"]), tuple(expanded["watch"]))
                 for r in nb_runs]
    labels = [r.label for r in runs]
    if len(set(labels)) != len(labels):
        _fail(where, "a notebook is listed twice")
    preload, kernels = _build_table(where, doc)
    manifest = Manifest(tuple(runs), preload, where, kernels)
    manifest.waves()  # a cycle fails here, before anything executes
    return manifest
