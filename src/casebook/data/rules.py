"""Logical rules across rows and tables that a column schema cannot express.

Each report's rules live with the report (``casebook.reports.<id>.rules.check``) and return Problems naming
file, line and column. They run only once every table has passed its schema, so they may rely on types.
"""

from __future__ import annotations


def line(index) -> int:
    """The file line of a row: line 1 is the header."""
    return int(index) + 2


def check(dataset: str, tables: dict, files: dict[str, str]) -> list:
    """The problems the report's own rules find in its (schema-valid) tables; none if it has no rules."""
    from casebook.registry import get

    report = get(dataset)
    if not report.has_module("rules"):
        return []
    return report.module("rules").check(tables, files)
