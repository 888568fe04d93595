"""Every generated PDF (manuscripts and figures) is a file readers parse cleanly: qpdf (pikepdf, a wheel) finds no
problem and, where poppler is installed, pdfinfo and pdftotext print nothing on stderr."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from casebook.manuscript import pdffile

from helpers import MAIN

PDFS = sorted(p.relative_to(MAIN).as_posix() for folder in ("manuscripts", "figures") for p in (MAIN / folder).rglob("*.pdf"))
POPPLER = [shutil.which(t) for t in ("pdfinfo", "pdftotext")]
needs_poppler = pytest.mark.skipif(None in POPPLER, reason="poppler-utils missing (.ci/install-poppler)")


def poppler_errors(path) -> list[str]:
    """What poppler's tools print on stderr for a PDF (its syntax errors and warnings)."""
    out = []
    for tool, args in zip(POPPLER, ([], ["-"]), strict=True):
        proc = subprocess.run([tool, str(path), *args], capture_output=True, text=True)
        out += [f"{tool.rsplit('/', 1)[-1]}: {line}" for line in proc.stderr.splitlines() if line.strip()]
        if proc.returncode:
            out.append(f"{tool} exited with {proc.returncode}")
    return out


def test_there_are_pdfs():
    assert any(p.startswith("manuscripts/") for p in PDFS) and any(p.startswith("figures/") for p in PDFS)


@pytest.mark.slow  # reads every committed PDF (artefacts change with make build, not with code): make test
@pytest.mark.parametrize("pdf", PDFS)
def test_qpdf_finds_no_problem(pdf):
    assert pdffile.problems((MAIN / pdf).read_bytes()) == []


@pytest.mark.slow  # reads every committed PDF (artefacts change with make build, not with code): make test
@needs_poppler
@pytest.mark.parametrize("pdf", PDFS)
def test_poppler_reads_without_errors(pdf):
    assert poppler_errors(MAIN / pdf) == []


def _planted(tmp_path):
    """The first article PDF with the entry Typst writes (and poppler rejects) put back into its catalogue."""
    import pikepdf

    path = tmp_path / "planted.pdf"
    with pikepdf.open(MAIN / next(p for p in PDFS if p.startswith("manuscripts/"))) as pdf:
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True, Suspects=False)
        pdf.save(path)
    return path


def test_the_checks_fail_on_the_entry_typst_writes_and_clean_removes_it(tmp_path):
    path = _planted(tmp_path)
    assert any("/Suspects" in p for p in pdffile.problems(path.read_bytes()))
    if None not in POPPLER:
        assert any("Suspects object is wrong type" in e for e in poppler_errors(path))
    cleaned = tmp_path / "cleaned.pdf"
    cleaned.write_bytes(pdffile.clean(path.read_bytes()))
    assert pdffile.problems(cleaned.read_bytes()) == []
    assert pdffile.clean(path.read_bytes()) == cleaned.read_bytes()  # deterministic
    if None not in POPPLER:
        assert poppler_errors(cleaned) == []
