"""Faithful prose: every sentence of an article names its sources, and every value it binds agrees with them."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from casebook import load_dataset
from casebook.exceptions import CasebookError
from casebook.manuscript import build
from casebook.manuscript.sources import Sources, agrees
from casebook.manuscript.template import Template, disagreements, render, unsourced
from casebook.manuscript.values import Registry, gather, value

from helpers import MAIN, published

REPORTS = build.reports_with_articles()


def _setup(report_id, verdicts):
    tables = load_dataset(report_id)
    return (Template.read(build.template_path(report_id)), gather(report_id, tables),
            Sources(report_id, verdicts, tables))


def _plant(t: Template, sentence: str) -> Template:
    """The template with ``sentence`` added to the end of its first prose paragraph."""
    lines = t.text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.strip() and not line.startswith(("#", "[[")))
    while i + 1 < len(lines) and lines[i + 1].strip():
        i += 1
    lines[i] += " " + sentence
    return Template(t.file, "\n".join(lines) + "\n")


@pytest.mark.parametrize("report_id", REPORTS)
def test_every_sentence_names_its_sources(report_id, verdicts):
    t, _, _ = _setup(report_id, verdicts)
    assert unsourced(t) == []


@pytest.mark.parametrize("report_id", REPORTS)
def test_every_bound_value_agrees_with_its_sources(report_id, verdicts):
    t, reg, src = _setup(report_id, verdicts)
    assert disagreements(t, reg, src) == []


@pytest.mark.parametrize("report_id", REPORTS)
def test_a_planted_sentence_without_source_fails(report_id, verdicts):
    t, _, _ = _setup(report_id, verdicts)
    found = unsourced(_plant(t, "The deposits always become infected."))
    assert len(found) == 1 and found[0].endswith(": The deposits always become infected.")


@pytest.mark.parametrize("report_id", REPORTS)
def test_a_planted_value_that_disagrees_with_its_source_fails(report_id, verdicts):
    t, reg, src = _setup(report_id, verdicts)
    claimed = [v for v in reg if v.claim and not isinstance(v.value, str)]
    pair = next(((v, w) for v in claimed for w in claimed if not agrees(v, src.candidates(w.claim))), None)
    if pair is None:
        pytest.skip(f"{report_id}: no two values bound to claims that disagree (a report with few claims)")
    v, other = pair
    planted = _plant(t, f"We counted {{{{ {v.name} }}}} of them. {{{{ cite: {other.claim} }}}}")
    found = disagreements(planted, reg, src)
    assert len(found) == 1 and f"{{{{ {v.name} }}}} = {v.text} agrees with none of its sources: {other.claim}" in found[0]
    own = disagreements(_plant(t, f"We counted {{{{ {v.name} }}}}. {{{{ cite: own }}}}"), reg, src)
    assert len(own) == 1 and "cites only its own method" in own[0]


def test_sources_kinds_and_errors(verdicts):
    tables = load_dataset("sts-series")
    src = Sources("sts-series", verdicts, tables)
    n = value("n", 2, "demo.f")
    assert agrees(n, src.candidates("measurements[week=12;status=lost_to_follow_up].status"))
    assert not agrees(n, src.candidates("measurements:L6/0.size_mm"))
    for bad, message in [("nope-claim", "not a claim of sts-series"), ("lesions:L99.site", "no row 'L99'"),
                         ("lesions:L1.colour", "no column 'colour'"), ("measurements:L1.size_mm", "named by"),
                         ("jdm-methods-age", "not a claim of sts-series"), ("a b", "neither")]:
        with pytest.raises(CasebookError, match=message):
            src.candidates(bad)


def test_render_shows_sources_on_hover_and_checks_them(verdicts):
    reg = Registry("sts-series", [value("n", 1, "demo.f")])
    src = Sources("sts-series", verdicts, load_dataset("sts-series"))
    text = "# T\n\nOne {{ n }} infection. {{ cite: sts-results-infection }} Our method. {{ cite: own }}\n"
    out = render(Template("x.md", text), reg, {}, sources=src)
    assert out.startswith("# T\n\n[One 1 infection.]{title=\"Sources: Results") and "cite" not in out
    assert " [Our method.]{title=\"Sources: this article's own method\"}" in out
    with pytest.raises(CasebookError, match=r"x\.md, line 3: source 'nope-x'"):
        render(Template("x.md", "# T\n\nA. {{ cite: nope-x }}\n"), reg, {}, sources=src)
    with pytest.raises(CasebookError, match=r"x\.md, line 3: a \{\{ cite"):
        render(Template("x.md", "# T\n\nA. {{ cite: own,\nb }}\n"), reg, {}, sources=src)


@pytest.mark.parametrize("report_id", REPORTS)
def test_committed_articles_show_sources_in_html_and_no_markup_in_pdf(report_id):
    html = (MAIN / "manuscripts" / report_id / f"{report_id}-article.html").read_text(encoding="utf-8")
    assert html.count('title="Sources: ') > (10 if published(report_id) else 0) and "{{" not in html
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        pdf = MAIN / "manuscripts" / report_id / f"{report_id}-article.pdf"
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert not re.search(r"cite:|\{title|Sources:|\{\{", text)
