"""``casebook new-report ID --kind case|series``: a new report, as one unit, that validates, builds and publishes a
placeholder article at once.

It writes only the report's own places and appends its manifest entry:

- ``data/<id>/``: the data dictionary, the empty tables, ``sources.csv`` and ``references.json`` (the other
  registers, ``claims.csv`` and ``report-structure.csv``, come with their first row);
- ``src/casebook/reports/<id_with_underscores>/``: ``REPORT``, ``rules.py``, ``values.py``, ``article.md`` and
  ``tests/`` (the report's own test);
- ``notebooks/NN-<id>.ipynb``, numbered after the last notebook, and its ``[[notebook]]`` entry at the end of
  ``notebooks/build.toml``.

Nothing is overwritten: an id already used, or any of those places already present, is an error naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

from casebook import paths
from casebook.exceptions import CasebookError
from casebook.new_report.files import KINDS, data_files, package_files
from casebook.new_report.notebook import notebook_json

ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
NUMBERED = re.compile(r"^(\d\d)-")


def next_notebook(report_id: str, notebooks: Path) -> str:
    """``notebooks/NN-<id>.ipynb``, NN one more than the highest number in use."""
    numbers = [int(m.group(1)) for p in notebooks.glob("*.ipynb") if (m := NUMBERED.match(p.name))]
    return f"notebooks/{max(numbers, default=0) + 1:02d}-{report_id}.ipynb"


def planned(report_id: str, kind: str, title: str | None = None) -> dict[str, str]:
    """Every file the report gets (project-relative path -> text), checked against what exists."""
    if not ID.fullmatch(report_id):
        raise CasebookError(f"report id {report_id!r}: lower-case letters and digits in words joined by '-' "
                            "(e.g. 'my-series'), starting with a letter")
    if kind not in KINDS:
        raise CasebookError(f"--kind {kind!r}: one of {', '.join(KINDS)}")
    from casebook.registry import registry

    if report_id in registry():
        raise CasebookError(f"report {report_id!r} exists already ({registry()[report_id].package})")
    package = report_id.replace("-", "_")
    spec, title = KINDS[kind], title or f"{report_id}: a {KINDS[kind].design} (placeholder title)"
    notebook = next_notebook(report_id, paths.ROOT / "notebooks")
    files = {f"data/{report_id}/{name}": text for name, text in data_files(report_id, title, spec).items()}
    files |= {f"src/casebook/reports/{package}/{name}": text
              for name, text in package_files(report_id, package, title, spec, notebook).items()}
    files[notebook] = notebook_json(report_id, package, title, spec)
    for place in (f"data/{report_id}", f"src/casebook/reports/{package}", notebook):
        if (paths.ROOT / place).exists():
            raise CasebookError(f"{place} exists already: a new report writes only new places")
    return files


def scaffold(report_id: str, kind: str, title: str | None = None) -> list[str]:
    """Write the new report's files and append its manifest entry; return the project-relative paths written."""
    from casebook.engine.io import write_text

    files = planned(report_id, kind, title)
    manifest = paths.ROOT / "notebooks" / "build.toml"
    if not manifest.is_file():
        raise CasebookError(f"{paths.relative(manifest)} not found: run new-report in a casebook project")
    for rel, text in files.items():
        (paths.ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
        write_text(paths.ROOT / rel, text)
    notebook = next(rel for rel in files if rel.startswith("notebooks/"))
    text = manifest.read_text(encoding="utf-8")
    write_text(manifest, text + ("" if text.endswith("\n") else "\n") + f'\n[[notebook]]\npath = "{notebook}"\n')
    return [*files, paths.relative(manifest)]


def main(report_id: str, kind: str, title: str | None = None) -> int:
    written = scaffold(report_id, kind, title)
    print(f"report {report_id} ({KINDS[kind].design}) created:")
    for rel in written:
        print(f"  {rel}")
    print("Next: casebook validate; casebook build (the placeholder article is in manuscripts/"
          f"{report_id}/); then add rows to data/{report_id}/, its claims.csv and report-structure.csv, and rewrite "
          "article.md (CONTRIBUTING, 'Adding a report').")
    return 0
