"""Typesetting: no two words on one line of any generated PDF (manuscripts and figures) touch or overlap.

The words and their boxes come from poppler's ``pdftotext -bbox``. Two words share a line when their baselines
agree and their heights are alike (a superscript mark right after a word is not on its line); they collide when
the gap between them is under ``GAP`` points. A table column too narrow for its words shows up this way: the words
of one cell run into the next cell's."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from typing import NamedTuple

import pytest

from helpers import MAIN

PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext missing: apt-get install poppler-utils "
                                "(.ci/install-poppler)")
PDFS = sorted(p.relative_to(MAIN).as_posix() for folder in ("manuscripts", "figures") for p in (MAIN / folder).rglob("*.pdf"))
GAP = 0.3  # points: a space at 8 pt is about 2 pt, a table cell's inset 8 pt
WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pages(path) -> list[list[Word]]:
    out = subprocess.run([PDFTOTEXT, "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [[Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(page)]
            for page in out.split("<page ")[1:]]


def same_line(a: Word, b: Word) -> bool:
    ha, hb = a.y1 - a.y0, b.y1 - b.y0
    return abs(a.y1 - b.y1) <= 0.25 * min(ha, hb) and abs(ha - hb) <= 0.2 * max(ha, hb)


def collisions(path) -> list[str]:
    """Every pair of words on one line that touch or overlap, as 'page N: left | right (gap in pt)'."""
    found = []
    for n, words in enumerate(pages(path), start=1):
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                left, right = sorted((a, b))
                if same_line(a, b) and right.x0 - left.x1 < GAP and right.x1 > left.x0:
                    found.append(f"page {n}: {left.text!r} | {right.text!r} ({right.x0 - left.x1:.1f} pt)")
    return found


@needs_poppler
def test_there_are_pdfs():
    assert any(p.startswith("manuscripts/") for p in PDFS) and any(p.startswith("figures/") for p in PDFS)


@pytest.mark.slow  # reads every committed PDF (artefacts change with make build, not with code): make test
@needs_poppler
@pytest.mark.parametrize("pdf", PDFS)
def test_no_two_words_on_a_line_touch(pdf):
    assert collisions(MAIN / pdf) == []


PLANTED = """# A table too narrow for its words

```{=typst}
#show table: set text(hyphenate: false)
#table(columns: (24pt, 60pt), [Concentration], [Timing], [hydroxychloroquine], [not reported])
```
"""


@pytest.mark.slow  # typesets a PDF with Typst (a second): make test
@needs_poppler
def test_the_check_finds_a_cell_that_runs_into_the_next(tmp_path):
    from casebook.manuscript import render

    path = tmp_path / "planted.pdf"
    path.write_bytes(render.pdf(PLANTED, "planted"))
    found = collisions(path)
    assert any("'Concentration' | 'Timing'" in f for f in found), found
    assert any("'hydroxychloroquine' | 'not'" in f for f in found), found


def test_column_widths_come_from_content_and_empty_columns_go():
    import pandas as pd

    from casebook.manuscript.blocks import LINE, column_widths, pipe_table

    df = pd.DataFrame({"Step": [1, 2], "Agent": ["hydroxychloroquine", "methotrexate"], "Concentration (%)": ["", "3"],
                       "Response": ["calcinosis and ulcerations continued to spread " * 3] * 2, "Empty": ["", ""]})
    header, rule = pipe_table(df).split("\n")[:2]
    assert "Empty" not in header
    step, agent, conc, response = (len(d) for d in rule.strip("|").split("|"))
    assert agent >= len("hydroxychloroquine") and step < agent and conc < agent  # a word never breaks, a header may
    assert step + agent + conc + response <= LINE + 1 and response > agent  # long text takes what is left
    assert column_widths(["a", "b"], [["x", "y"]]) == [4, 4]  # a small table is as wide as its content
