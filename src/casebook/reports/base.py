"""What every report declares about itself, and the hooks the rest of the workbook calls.

A report's subpackage holds, by convention, the modules these hooks import on first use:

- ``rules.check(tables, files) -> list[Problem]``: logical rules across its tables (after the schemas passed);
- ``care.items(tables) -> dict[item, (status, evidence)]``: the CARE items judged from its structured data;
- ``claims``: its claim-recompute functions, registered with :func:`casebook.audit.core.recompute` on import;
- ``summary.summaries(tables) -> list[Prose]``: the prose it generates from its data, as cited text
  (:class:`casebook.manuscript.prose.Prose`): every sentence names the data it rests on, every number is bound.

Nothing here imports pandas: the registry is read by the command line before any kernel starts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path


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

    def module(self, name: str):
        """One of the report's modules (``rules``, ``care``, ``claims``, ...), imported on first use."""
        return importlib.import_module(f"{self.package}.{name}")

    def has_module(self, name: str) -> bool:
        return importlib.util.find_spec(f"{self.package}.{name}") is not None
