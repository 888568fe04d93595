"""Build scopes and looked-for inputs, as the kernel logs them and the build reads them (no kernel runs), and the
audit of one report's claims on its own."""

from __future__ import annotations

import pytest

from casebook.engine import io, protocol, provenance
from casebook.engine.cache import stale_reason
from casebook.exceptions import CasebookError
from casebook.registry import registry


@pytest.fixture
def logs(tmp_path, monkeypatch):
    monkeypatch.setenv(protocol.INPUT_LOG_ENV, str(tmp_path / protocol.INPUT_LOG))
    monkeypatch.setenv(protocol.ARTEFACT_LOG_ENV, str(tmp_path / protocol.ARTEFACT_LOG))
    return tmp_path


def test_scoped_artefacts_list_their_scope_and_the_unscoped_inputs(logs):
    from casebook import paths

    io.record_input(paths.ROOT / "shared.csv")
    with io.scope("a"):
        io.record_input(paths.ROOT / "a.csv")
        io.record_artefact(paths.ROOT / "out-a.txt")
    with io.scope("b"):
        assert io.look(paths.ROOT / "absent-b.csv") is False
        io.record_artefact(paths.ROOT / "out-b.txt")
    io.record_artefact(paths.ROOT / "all.txt")
    read = protocol.read_scoped(logs / protocol.INPUT_LOG)
    written = protocol.read_scoped(logs / protocol.ARTEFACT_LOG)
    assert ("b", "?absent-b.csv") in read
    assert protocol.scoped(read, written) == {"out-a.txt": ["a.csv", "shared.csv"], "out-b.txt": ["shared.csv"]}
    assert protocol.read_log(logs / protocol.ARTEFACT_LOG) == ["all.txt", "out-a.txt", "out-b.txt"]


def test_an_artefact_written_outside_a_scope_too_depends_on_everything():
    inputs = [("a", "a.csv"), ("b", "b.csv")]
    assert protocol.scoped(inputs, [("a", "x.txt"), ("", "x.txt")]) == {}
    assert protocol.scoped(inputs, [("a", "x.txt"), ("b", "x.txt")]) == {"x.txt": ["a.csv", "b.csv"]}


def test_scopes_do_not_nest():
    with io.scope("a"), pytest.raises(CasebookError, match="do not nest"), io.scope("b"):
        pass
    with pytest.raises(CasebookError, match="non-empty"), io.scope(""):
        pass


def test_provenance_entries_take_a_scoped_artefacts_inputs():
    record = {"notebook": "n.ipynb", "parameter_set": "default", "parameters": {}, "inputs": {"a": "1", "b": "2"},
              "artefacts": {"x": "9", "y": "8"}, "scoped": {"x": ["a"]}}
    out = provenance.entries(record)
    assert out["x"]["inputs"] == {"a": "1"} and out["y"]["inputs"] == {"a": "1", "b": "2"}


def test_a_looked_for_file_that_appears_or_goes_makes_the_record_stale(tmp_path):
    present = tmp_path / "here.csv"
    present.write_text("x\n", encoding="utf-8")
    record = {"key": {}, "inputs": {}, "modules": {}, "artefacts": {},
              "looked": {str(tmp_path / "later.csv"): False, str(present): True}}
    assert stale_reason({}, record) is None
    (tmp_path / "later.csv").write_text("y\n", encoding="utf-8")
    assert stale_reason({}, record) == f"input {tmp_path / 'later.csv'} appeared"
    record["looked"][str(tmp_path / "later.csv")] = True
    present.unlink()
    assert stale_reason({}, record) == f"input {present} went"
    del record["looked"]
    assert stale_reason({}, record) == "cache record from an older build"


@pytest.mark.parametrize("report_id", list(registry()))
def test_one_reports_audit_alone_gives_its_verdicts_among_every_reports(report_id, verdicts):
    """A report's manuscripts are built from the audit of its claims alone (``build.report_manuscripts``): the
    same verdicts as the audit of every report's claims gives it, so no report's claims change another's."""
    from casebook.manuscript import corrigendum

    among = verdicts[verdicts["report"] == report_id].reset_index(drop=True)
    alone = corrigendum.claim_verdicts(report_id=report_id)
    assert alone.equals(among) or (alone.empty and among.empty)  # a report with no claims: no rows either way


@pytest.mark.parametrize("step", ["create", "rename"])
def test_an_interrupt_around_a_write_leaves_nothing_the_build_does_not_know_of(logs, monkeypatch, step):
    """Ctrl-C reaches a kernel between any two bytecodes: right after its temporary file is created, or right after
    the artefact takes its name. Either way the file is already in the run's logs, so the build undoes it."""
    monkeypatch.setenv(protocol.TEMP_LOG_ENV, str(logs / protocol.TEMP_LOG))
    real = {"create": io.os.open, "rename": io.os.replace}[step]

    def then_interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(io.os, "open" if step == "create" else "replace", then_interrupted)
    target = logs / "out" / "table.csv"
    with pytest.raises(KeyboardInterrupt):
        io.write_text(target, "x\n")
    monkeypatch.undo()
    on_disk = {p.relative_to(logs).as_posix() for p in (logs / "out").iterdir()}
    logged = {protocol.read_log(logs / protocol.TEMP_LOG)[0] if step == "create" else "",
              *protocol.read_log(logs / protocol.ARTEFACT_LOG)}
    assert on_disk and all(any(rel.endswith(f) for rel in logged) for f in on_disk), (on_disk, logged)
