"""Every error casebook raises derives from CasebookError."""

from __future__ import annotations

from dataclasses import dataclass


class CasebookError(Exception):
    """Root of the package's own errors."""

    def _render_traceback_(self) -> list[str]:
        # IPython (and so a notebook, papermill and the build's kernels) shows this instead of a traceback: the
        # message says what is wrong in the author's terms; the package's frames would only bury it.
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of one input file.

    ``row`` is the line number in the file (the header is line 1), or None when
    the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataValidationError(CasebookError):
    """Input data broke the schema; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n{lines}")


class ParameterError(CasebookError):
    """A notebook parameter is unknown, misspelt or of the wrong type."""


class BuildError(CasebookError):
    """The build manifest or the build itself went wrong."""


class NotebookExecutionError(BuildError):
    """A notebook raised while it was executed by the build."""
