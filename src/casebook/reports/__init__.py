"""The reports the workbook rebuilds: one subpackage each, found by looking, never listed by hand.

A report is a subpackage of ``casebook.reports`` whose ``__init__`` defines ``REPORT``, a
:class:`~casebook.reports.base.Report`. :func:`registry` is the only place the command line, validation, the
index, the static site and the audit learn which reports exist; adding a report is adding its data folder,
its subpackage, its notebook and its entry in ``notebooks/build.toml`` (see CONTRIBUTING.md).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from casebook.exceptions import CasebookError
from casebook.reports.base import Report

__all__ = ["Report", "get", "registry"]


@functools.cache
def registry() -> dict[str, Report]:
    """Every report, by id, in the order of their subpackage names."""
    found: dict[str, Report] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        report = getattr(module, "REPORT", None)
        if not isinstance(report, Report):
            raise CasebookError(f"casebook.reports.{info.name} defines no REPORT (a casebook.reports.Report)")
        if report.id in found:
            other = found[report.id].package
            raise CasebookError(f"two reports have the id {report.id!r}: {other} and {report.package}")
        found[report.id] = report
    return found


def get(report_id: str) -> Report:
    """The report with this id, or an error listing the known ids."""
    reports = registry()
    if report_id not in reports:
        raise CasebookError(f"unknown report '{report_id}'; known: {', '.join(reports)}")
    return reports[report_id]
