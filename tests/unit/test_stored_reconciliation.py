"""The reconciliation kept on disk (casebook.audit.stored): a hit only when all the search reads is unchanged."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from casebook.audit import stored


class _Ev:
    """What the key reads of an Evidence: the report, its claims, tables, readings, keys, cells and omissions."""

    def __init__(self, tables: dict, claims: pd.DataFrame):
        self.report, self.claims, self.tables = "r", claims, tables
        self.ids = list(claims["claim_id"])
        self.kinds, self.keys, self.cells, self.omissions = {"k": ("a", "why")}, {"t": ["id"]}, {}, {}

    def kind(self, cid: str) -> str:
        return "k"


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
    ev.kinds = {"k": ("a", "why"), "other": ("b", "why")}  # a kind no claim of the report has: another report's
    assert stored.evidence_key(ev, "sts_series", 8) == base
    ev.kinds = {"k": ("a", "why")}
    assert stored.evidence_key(ev, "sts_series", 7) != base  # the search's limit
    assert stored.evidence_key(ev, "sts_series", 8) == base


def test_code_counts_by_its_syntax_and_other_reports_code_not_at_all(tmp_path, monkeypatch):
    package = tmp_path / "casebook"
    for rel in ("audit/x.py", "reports/own/a.py", "reports/other/b.py", "reports/__init__.py"):
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr(stored, "PACKAGE", package)
    monkeypatch.setattr(stored, "folder", lambda: tmp_path / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
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


def test_each_modules_syntax_is_parsed_once_then_read_by_its_bytes(tmp_path, monkeypatch):
    package = tmp_path / "casebook"
    (package / "audit").mkdir(parents=True)
    (package / "audit/x.py").write_text("VALUE = 1\n", encoding="utf-8")
    (package / "audit/y.py").write_text("VALUE = 2\n", encoding="utf-8")
    monkeypatch.setattr(stored, "PACKAGE", package)
    monkeypatch.setattr(stored, "folder", lambda: tmp_path / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
    parsed = []
    real = stored._syntax_digest
    monkeypatch.setattr(stored, "_syntax_digest", lambda text: parsed.append(text) or real(text))
    base = stored.code_digest("own")
    assert len(parsed) == 2
    assert stored.code_digest("own") == base and len(parsed) == 2  # kept: nothing parsed again
    (package / "audit/y.py").write_text("VALUE = 3\n", encoding="utf-8")
    changed = stored.code_digest("own")
    assert changed != base and parsed[2:] == ["VALUE = 3\n"]  # only the edited module
    (tmp_path / "reconcile" / "syntax.json").write_text("[not a dict", encoding="utf-8")
    assert stored.code_digest("own") == changed and len(parsed) == 5  # a damaged file: parsed again, same digest


def test_kept_searches_once_per_key_and_again_after_damage(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "folder", lambda: tmp_path / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
    calls = []

    def kept(key, value):
        return stored.kept("r", key, lambda: calls.append(value) or value, lambda v: [v], lambda e: e[0])

    assert kept("k1", 1) == 1
    assert kept("k1", 2) == 1 and calls == [1]  # a hit: not searched again
    assert kept("k2", 3) == 3 and calls == [1, 3]  # another key: searched
    (tmp_path / "reconcile" / "r.json").write_bytes(b"not JSON")
    assert kept("k2", 4) == 4  # an unreadable entry is searched again, and replaced
    (tmp_path / "reconcile" / "r.json").write_text('{"key": "k2", "value": 7}', encoding="utf-8")
    assert kept("k2", 5) == 5  # an entry of the wrong shape too
    assert kept("k2", 6) == 5
    assert [p.name for p in (tmp_path / "reconcile").iterdir()] == ["r.json"]  # no temporary file left
    monkeypatch.setenv("CASEBOOK_NO_CACHE", "1")
    assert kept("k2", 8) == 8


def test_a_folder_that_cannot_be_written_keeps_nothing_and_the_result_stands(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(stored, "folder", lambda: blocker / "reconcile")
    monkeypatch.delenv("CASEBOOK_NO_CACHE", raising=False)
    assert stored.kept("r", "k", lambda: 7, int, int) == 7


def test_a_reconciliation_comes_back_as_it_was_kept():
    from casebook.audit.hypotheses import Hypothesis
    from casebook.audit.reconcile import Reconciliation, Step, decode, encode

    omitted = Hypothesis("omission", "omission:lesion", ("lesion", "P1", (("week 12", 90), ("week 4", "lost"))), "a row")
    misprint = Hypothesis("misprint", "cell:m:L4/12.size_mm#0", ("cell:m:L4/12.size_mm", 0, "10", "16"), "10 for 16")
    rec = Reconciliation("r", ("c1", "c2"), ("c3",), [Step(omitted, ("c1",), (), (misprint,), frozenset({omitted})),
                                                        Step(misprint, ("c2",), ("c9",), (), frozenset({omitted, misprint}))],
                         {"c1": [omitted, misprint]})
    again = decode(json.loads(json.dumps(encode(rec))))
    assert again == rec and again.steps[0].hypothesis.value[2][0] == ("week 12", 90)
