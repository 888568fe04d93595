"""The reconciliation kept on disk (casebook.audit.stored): a hit only when all the search reads is unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from casebook.audit import stored


class _Ev:
    """What the key reads of an Evidence: the report, its claims, tables, readings, keys, cells and omissions."""

    def __init__(self, tables: dict, claims: pd.DataFrame):
        self.report, self.claims, self.tables = "r", claims, tables
        self.kinds, self.keys, self.cells, self.omissions = {"k": ("a", "why")}, {"t": ["id"]}, {}, {}


@pytest.fixture
def ev() -> _Ev:
    return _Ev({"t": pd.DataFrame({"id": ["A", "B"], "size_mm": [10.0, 16.0]})},
               pd.DataFrame({"claim_id": ["c1"], "printed": ["80%"]}))


def test_the_key_moves_with_every_input(ev):
    base = stored.evidence_key(ev, "sts_series", 8)
    assert stored.evidence_key(ev, "sts_series", 8) == base
    ev.tables["t"].loc[1, "size_mm"] = 10.0  # one cell
    assert stored.evidence_key(ev, "sts_series", 8) != base
    ev.tables["t"].loc[1, "size_mm"] = 16.0
    ev.claims.loc[0, "printed"] = "81%"  # one printed claim
    assert stored.evidence_key(ev, "sts_series", 8) != base
    ev.claims.loc[0, "printed"] = "80%"
    ev.kinds = {"k": ("b", "why")}  # another declared reading
    assert stored.evidence_key(ev, "sts_series", 8) != base
    ev.kinds = {"k": ("a", "why")}
    assert stored.evidence_key(ev, "sts_series", 7) != base  # the search's limit
    assert stored.evidence_key(ev, "sts_series", 8) == base


def test_code_counts_by_its_syntax_and_other_reports_code_not_at_all(tmp_path, monkeypatch):
    package = tmp_path / "casebook"
    for rel in ("audit/x.py", "reports/own/a.py", "reports/other/b.py", "reports/__init__.py"):
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr(stored, "PACKAGE", package)
    base = stored.code_digest("own")
    (package / "reports/other/b.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert stored.code_digest("own") == base  # another report's code
    (package / "audit/x.py").write_text("VALUE = 1  # a comment\n\n", encoding="utf-8")
    assert stored.code_digest("own") == base  # a comment changes no result
    (package / "audit/x.py").write_text("VALUE = 3\n", encoding="utf-8")
    assert stored.code_digest("own") != base
    (package / "audit/x.py").write_text("VALUE = 1\n", encoding="utf-8")
    (package / "reports/own/a.py").write_text("VALUE = 3\n", encoding="utf-8")
    assert stored.code_digest("own") != base  # the report's own code


def test_kept_searches_once_per_key_and_again_after_damage(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "folder", lambda: tmp_path / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
    calls = []

    def make(value):
        return lambda: calls.append(value) or value

    assert stored.kept("r", "k1", make(1)) == 1
    assert stored.kept("r", "k1", make(2)) == 1 and calls == [1]  # a hit: not searched again
    assert stored.kept("r", "k2", make(3)) == 3 and calls == [1, 3]  # another key: searched
    (tmp_path / "reconcile" / "r.pickle").write_bytes(b"not a pickle")
    assert stored.kept("r", "k2", make(4)) == 4  # an unreadable entry is searched again, and replaced
    assert stored.kept("r", "k2", make(5)) == 4
    assert [p.name for p in (tmp_path / "reconcile").iterdir()] == ["r.pickle"]  # no temporary file left
    monkeypatch.setenv("CASEBOOK_NO_CACHE", "1")
    assert stored.kept("r", "k2", make(6)) == 6


def test_a_folder_that_cannot_be_written_keeps_nothing_and_the_result_stands(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(stored, "folder", lambda: blocker / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
    assert stored.kept("r", "k", lambda: 7) == 7
