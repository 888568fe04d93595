"""``casebook new-report``: what it plans to write, and what it refuses (in-process, in a temporary root)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from casebook import paths
from casebook.exceptions import CasebookError
from casebook.new_report import next_notebook, planned
from casebook.new_report.files import KINDS
from casebook.registry import registry


@pytest.fixture
def root(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    for name in ("00-index", "01-a", "04-b"):
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text("{}")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    return tmp_path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_report_gets_only_its_own_places(root, kind):
    files = planned("my-report", kind)
    places = ("data/my-report/", "src/casebook/reports/my_report/", "notebooks/05-my-report.ipynb")
    assert all(f.startswith(places) for f in files), sorted(files)
    for needed in ("data/my-report/data-dictionary.csv", "data/my-report/sources.csv", "data/my-report/references.json",
                   "src/casebook/reports/my_report/__init__.py", "src/casebook/reports/my_report/values.py",
                   "src/casebook/reports/my_report/article.md", "src/casebook/reports/my_report/tests/__init__.py",
                   "src/casebook/reports/my_report/tests/test_my_report.py"):
        assert needed in files, needed
    nb = json.loads(files["notebooks/05-my-report.ipynb"])
    assert [c["id"] for c in nb["cells"][:4]] == ["title", "parameters-doc", "parameters", "check-parameters"]
    assert nb["cells"][2]["metadata"]["tags"] == ["parameters"]


def test_the_notebook_is_numbered_after_the_last(root):
    assert next_notebook("x", root / "notebooks") == "notebooks/05-x.ipynb"


@pytest.mark.parametrize("bad", ["My-Report", "1st", "my_report", "my--report", "my-report-"])
def test_a_bad_id_is_refused(root, bad):
    with pytest.raises(CasebookError, match="lower-case letters and digits"):
        planned(bad, "case")


def test_an_existing_report_or_place_is_never_overwritten(root):
    taken = next(iter(registry()))
    with pytest.raises(CasebookError, match=f"report '{taken}' exists already"):
        planned(taken, "series")
    (root / "data" / "fresh").mkdir(parents=True)
    with pytest.raises(CasebookError, match="data/fresh exists already"):
        planned("fresh", "case")


def test_an_unknown_kind_is_refused(root):
    with pytest.raises(CasebookError, match="one of case, series"):
        planned("my-report", "cohort")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_csv_file_it_writes_has_as_many_fields_as_its_header(root, kind):
    for path, text in planned("my-report", kind).items():
        if path.endswith(".csv"):
            header, *rows = list(csv.reader(io.StringIO(text)))
            assert all(len(r) == len(header) for r in rows), (path, [r for r in rows if len(r) != len(header)])
