"""nbval without a second execution: a pytest plugin that compares each committed notebook's stored outputs, cell by
cell and with nbval's own comparison and sanitizing, against the same notebook executed by a build elsewhere.

The build executes every notebook once per test run (the shared build, ``tests/conftest.py``); provenance.json
then compares the executed notebooks byte for byte. nbval's one role is the reviewer's view of a difference: which
cell of which notebook now shows what. It starts no kernel.

    python -m pytest -p nbval_replay --nbval-replay-from BUILT_ROOT --nbval-sanitize-with tests/nbval-sanitize.cfg \\
        --rootdir REFERENCE_ROOT REFERENCE_ROOT/notebooks/NAME.ipynb ...

(``tests/`` on PYTHONPATH; :func:`helpers.run_nbval` runs it.) A notebook is compared with the file of the same
project-relative path under BUILT_ROOT.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import casebook.engine  # noqa: F401 - before nbformat: its stub spares jsonschema a grammar compile (1.5 s)

# isort: split
import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams, find_comment_markers, find_metadata_tags


def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--nbval-replay-from", metavar="ROOT", default=None,
        help="compare each notebook with the one of the same path under ROOT, executed there (no kernel is started)",
    )


def pytest_collect_file(file_path, parent):
    option = parent.config.option
    if file_path.suffix == ".ipynb" and option.nbval_replay_from and not option.nbval:
        return ReplayFile.from_parent(parent, path=file_path)
    return None


class ReplayFile(IPyNbFile):
    """One committed notebook; its cells' "test" outputs come from the executed copy."""

    def setup(self):
        rel = self.path.resolve().relative_to(Path(self.config.rootpath).resolve())
        executed = Path(self.config.option.nbval_replay_from) / rel
        if not executed.is_file():
            raise FileNotFoundError(f"{rel}: no executed notebook at {executed}")
        self.executed = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
        self.setup_sanitize_files()

    def teardown(self):
        pass  # no kernel to stop

    def collect(self):
        self.nb = nbformat.read(str(self.path), as_version=4)
        for cell_num, cell in enumerate(c for c in self.nb.cells if c.cell_type == "code"):
            options = defaultdict(bool, find_metadata_tags(cell.metadata))
            options.update(dict(find_comment_markers(cell.source)))
            options.setdefault("check", self.compare_outputs)
            yield ReplayCell.from_parent(self, name=f"Cell {cell_num}", cell_num=cell_num, cell=cell, options=options)


class ReplayCell(IPyNbCell):
    def runtest(self):
        if self.options["skip"]:
            pytest.skip()
        executed = self.parent.executed
        if self.cell_num >= len(executed) or executed[self.cell_num].source != self.cell.source:
            self.raise_cell_error("The executed notebook's cell is not this cell: the notebooks' sources differ")
        outputs = executed[self.cell_num].outputs
        errors = [o for o in outputs if o.get("output_type") == "error"]
        if errors:
            self.raise_cell_error("Cell execution caused an exception", "\n".join(errors[0].get("traceback", [])))
        if self.cell.execution_count is None and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        checked = self.options["check"] and self.cell.execution_count is not None
        if checked and not self.compare_outputs(coalesce_streams(list(outputs)), coalesce_streams(self.cell.outputs)):
            self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))
