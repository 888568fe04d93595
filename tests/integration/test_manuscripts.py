"""The manuscripts are artefacts like any other: the same bytes on every build, and they follow the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import MAIN, clone_built, run_casebook

pytestmark = pytest.mark.slow
EDITIONS = ("sts-series-article.pdf", "sts-series-article.html", "sts-series-article.docx", "sts-series-corrected.pdf",
            "sts-series-corrected.html", "sts-series-corrected.docx", "sts-series-corrigendum.md",
            "sts-series-corrigendum.pdf")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "manuscripts").rglob("*")) if p.is_file()}


def test_a_clean_build_writes_the_committed_manuscripts_byte_for_byte(built_project):
    """The shared clean rebuild (every notebook forced, in another folder) gives the committed bytes."""
    rebuilt, committed = _files(built_project), _files(MAIN)
    assert set(rebuilt) == set(committed)
    assert [f for f in committed if rebuilt[f] != committed[f]] == []


def test_building_twice_changes_nothing(built_project, tmp_path):
    root = clone_built(built_project, tmp_path / "project")
    before = _files(root)
    for record in (root / "build" / "cache").glob("04-manuscripts*.json"):
        record.unlink()  # its cache record gone, the manuscripts notebook executes again (and only it and the index)
    out = run_casebook(root, "build", "--jobs", "2").stdout
    assert "will execute notebooks/04-manuscripts.ipynb" in out
    assert _files(root) == before


def test_a_changed_data_value_changes_article_corrected_edition_and_corrigendum(built_project, changed_build):
    root, out = changed_build  # one size changed (L4 at week 12, 80 -> 20 mm: a 75% reduction), rebuilt
    assert "04-manuscripts" in out
    before, after = _files(built_project), _files(root)
    unchanged = [f for f in EDITIONS if after[f"manuscripts/sts-series/{f}"] == before[f"manuscripts/sts-series/{f}"]]
    assert unchanged == []
    notice = after["manuscripts/sts-series/sts-series-corrigendum.md"].decode("utf-8")
    assert "(80-20)/80" in notice
    assert after["manuscripts/jdm-case/jdm-case-article.pdf"] == before["manuscripts/jdm-case/jdm-case-article.pdf"]
