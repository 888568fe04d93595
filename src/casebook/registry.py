"""The reports the workbook rebuilds, and the contract each one keeps: found by looking, never listed by hand.

A report is a subpackage of ``casebook.reports`` whose ``__init__`` defines ``REPORT``, a :class:`Report`.
:func:`registry` is the only place the command line, validation, the index, the static site, the audit and the
manuscripts learn which reports exist. It sits below every layer that asks it (data, publish, audit, manuscript):
it imports the report subpackages by name when first asked, so no import runs back up.

The hooks a report may provide are modules of its subpackage, found by name; what each must define is the
:data:`HOOKS` contract (a :class:`typing.Protocol` per module). The registry checks the contract when it loads,
by reading the modules' source (nothing heavy is imported before a kernel starts): a hook module that lacks a
function, or takes too few arguments, is an error naming the report, the module and the function.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from casebook.exceptions import CasebookError
from casebook.hooks import HOOKS, TEMPLATE, Hook

__all__ = ["HOOKS", "Hook", "Report", "get", "registry"]
REPORTS_PACKAGE = "casebook.reports"


@dataclass(frozen=True)
class Report:
    id: str  # short id used in file names: data/<id>/, figures/<id>-*, tables/<id>-*
    package: str  # the report's subpackage, e.g. "casebook.reports.sts_series"
    title: str  # what the report is, in a line (index, site)
    tables: tuple[str, ...]  # its CSV tables under data/<id>/, in load order
    notebook: str  # project-relative path of the notebook that rebuilds it
    summary: str = ""  # one line on what its notebook shows
    kind_table: str | None = None  # key/value table whose 'dataset_kind' row says transcribed or primary
    may_be_empty: tuple[str, ...] = ()  # tables that may have a header and no rows (nothing of the kind happened)

    @property
    def data_dir(self) -> Path:
        from casebook import paths

        return paths.DATA / self.id

    @property
    def dictionary(self) -> Path:
        """The data dictionary of this report's tables (``data/<id>/data-dictionary.csv``)."""
        return self.data_dir / "data-dictionary.csv"

    @property
    def source_dir(self) -> Path:
        """The folder of the report's subpackage (its modules, ``article.md``, ``tests/``)."""
        spec = importlib.util.find_spec(self.package)
        return Path(next(iter(spec.submodule_search_locations)))

    def module(self, name: str):
        """One of the report's modules (``rules``, ``care``, ``claims``, ...), imported on first use."""
        return importlib.import_module(f"{self.package}.{name}")

    def has_module(self, name: str) -> bool:
        return importlib.util.find_spec(f"{self.package}.{name}") is not None


def _defined(tree: ast.Module) -> dict[str, ast.FunctionDef | None]:
    """The names a module defines at its top level: functions with their node, other names (imports, assignments)
    with None (their signature is not read)."""
    names: dict[str, ast.FunctionDef | None] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = node
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update({(a.asname or a.name).split(".")[0]: None for a in node.names})
        elif isinstance(node, ast.Assign):
            names.update({t.id: None for t in node.targets if isinstance(t, ast.Name)})
    return names


def _accepts(node: ast.FunctionDef, n: int) -> bool:
    """Whether a function can be called with ``n`` positional arguments."""
    args = node.args
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    return required <= n and (positional >= n or args.vararg is not None)


def contract_problems(folder: Path) -> list[str]:
    """What the hook modules in a report's folder lack of the contract (:data:`HOOKS`), one sentence each."""
    problems = []
    for hook in HOOKS:
        path = folder / f"{hook.module}.py"
        if not path.is_file():
            if hook.required_with and (folder / hook.required_with).is_file():
                problems.append(f"{hook.module}.py is missing: a report with {hook.required_with} must have it")
            continue
        defined = _defined(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for name, arity in hook.functions:
            if name not in defined:
                problems.append(f"{hook.module}.py defines no {name}() ({hook.doc})")
            elif defined[name] is not None and not _accepts(defined[name], arity):
                problems.append(f"{hook.module}.py: {name}() must take {arity} positional argument(s) ({hook.doc})")
    return problems


def _load(name: str) -> Report:
    module = importlib.import_module(f"{REPORTS_PACKAGE}.{name}")
    report = getattr(module, "REPORT", None)
    if not isinstance(report, Report):
        raise CasebookError(f"{REPORTS_PACKAGE}.{name} defines no REPORT (a casebook.registry.Report)")
    problems = contract_problems(report.source_dir)
    if problems:
        raise CasebookError(f"report {report.id!r} ({report.package}) breaks the report contract "
                            f"(casebook.hooks): " + "; ".join(problems))
    return report


@functools.cache
def registry() -> dict[str, Report]:
    """Every report, by id, in the order of their subpackage names; each checked against the contract."""
    package = importlib.import_module(REPORTS_PACKAGE)
    found: dict[str, Report] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        report = _load(info.name)
        if report.id in found:
            other = found[report.id].package
            raise CasebookError(f"two reports have the id {report.id!r}: {other} and {report.package}")
        found[report.id] = report
    return found


def get(report_id: str) -> Report:
    """The report with this id, or an error listing the known ids. The subpackage its id names by convention
    (``sts-series``: ``casebook.reports.sts_series``) is tried first and alone: a notebook of one report imports no
    other report's package, so editing another report does not re-execute it."""
    alone = _by_convention(report_id)
    if alone is not None:
        return alone
    reports = registry()
    if report_id not in reports:
        raise CasebookError(f"unknown report '{report_id}'; known: {', '.join(reports)}")
    return reports[report_id]


@functools.cache
def _by_convention(report_id: str) -> Report | None:
    name = report_id.replace("-", "_")
    if not name.isidentifier() or importlib.util.find_spec(f"{REPORTS_PACKAGE}.{name}") is None:
        return None
    report = _load(name)
    return report if report.id == report_id else None


def ids() -> tuple[str, ...]:
    """The ids of every registered report, in registry order."""
    return tuple(registry())


def notebook_groups() -> dict[str, list[str]]:
    """The build manifest's groups (``[build] groups`` in ``notebooks/build.toml``): ``@reports``, every registered
    report's notebook, so a notebook that reads every report's artefacts waits for each without a hand-kept list."""
    return {"reports": [report.notebook for report in registry().values()]}


def article_template(report: Report) -> Path | None:
    """The report's article template (``article.md`` beside its modules), if it has one."""
    path = report.source_dir / TEMPLATE
    return path if path.is_file() else None
