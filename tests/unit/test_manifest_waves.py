"""The order the build runs notebooks in, for the whole manifest and for a part of it (--only)."""

import pytest

from casebook.engine.manifest import Manifest, Run
from casebook.exceptions import BuildError

A, B, C = "notebooks/a.ipynb", "notebooks/b.ipynb", "notebooks/c.ipynb"


def test_after_orders_the_waves():
    m = Manifest((Run(C, "default", after=(A, B)), Run(A, "default"), Run(B, "default", after=(A,))))
    assert [[r.notebook for r in wave] for wave in m.waves()] == [[A], [B], [C]]


def test_a_part_of_the_manifest_does_not_wait_for_what_it_leaves_out():
    m = Manifest((Run(A, "default"), Run(C, "default", after=(A,))))
    assert [[r.notebook for r in wave] for wave in m.waves([m.runs[1]])] == [[C]]


def test_a_real_cycle_is_named():
    m = Manifest((Run(A, "default", after=(B,)), Run(B, "default", after=(A,))))
    with pytest.raises(BuildError, match="cycle"):
        m.waves()


def test_a_run_starts_as_soon_as_what_it_reads_is_done_not_with_a_wave():
    """The manuscripts (after the two reports) need not wait for the audit, which no one reads."""
    from casebook.engine.manifest import Schedule

    report1, report2, audit, articles = (f"notebooks/{n}.ipynb" for n in ("r1", "r2", "audit", "articles"))
    runs = [Run(report1, "default"), Run(report2, "default"), Run(audit, "default"),
            Run(articles, "default", after=(report1, report2))]
    s = Schedule(runs)
    assert [r.notebook for r in s.ready()] == [report1, report2, audit]
    s.done |= {runs[0]}
    assert s.ready() == []  # report 2 still runs
    s.done |= {runs[1]}
    assert [r.notebook for r in s.ready()] == [articles]  # the audit still runs: no matter
    assert s.ready() == []  # each run is handed once


def test_a_notebook_is_done_when_every_one_of_its_sets_is():
    from casebook.engine.manifest import Schedule

    runs = [Run(A, "default"), Run(A, "other"), Run(B, "default", after=(A,))]
    s = Schedule(runs)
    s.ready()
    s.done |= {runs[0]}
    assert s.ready() == []
    s.done |= {runs[1]}
    assert [r.notebook for r in s.ready()] == [B]


def test_the_audit_watches_the_reports_and_waits_for_none_of_them():
    """notebooks/build.toml: the claims audit reads every report's data, no report notebook's artefact, so it waits
    for none of them (it runs beside them); it watches them all, so a new report's notebook re-executes it (its key's
    'watched notebooks'; the third-report test checks the audit picks the new report up)."""
    from casebook.engine.manifest import read_manifest
    from casebook.registry import notebook_groups

    runs = {r.notebook: r for r in read_manifest().runs}
    audit = runs["notebooks/03-claims-audit.ipynb"]
    assert audit.after == () and sorted(audit.watch) == sorted(notebook_groups()["reports"])
    assert audit in read_manifest().waves()[0]  # in the first wave, beside the reports
    assert "notebooks/03-claims-audit.ipynb" in runs["notebooks/04-manuscripts.ipynb"].after


def test_watch_names_only_notebooks_of_the_manifest(tmp_path):
    from casebook.engine.manifest import read_manifest

    manifest = tmp_path / "build.toml"
    manifest.write_text('[[notebook]]\npath = "notebooks/a.ipynb"\nwatch = ["notebooks/b.ipynb"]\n', encoding="utf-8")
    with pytest.raises(BuildError, match="'watch' names notebooks/b.ipynb, not another notebook of the manifest"):
        read_manifest(manifest)
