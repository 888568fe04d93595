"""Faithful prose in the generated summaries: every sentence a report's summaries write names its sources, every
value they bind agrees with them, and they type no number themselves; the same functions check the articles
(test_sources.py). Checked for every report of the registry with a ``summary`` module, on its own data and on every
dataset of its schema under tests/fixtures (an author's own series, primary data); each check is shown failing on a
planted sentence."""

from __future__ import annotations

import functools

import pytest

from casebook import load_claims, load_dataset, paths
from casebook.exceptions import CasebookError
from casebook.manuscript.prose import Prose, data_sources
from casebook.manuscript.sources import COMPUTED, OWN, agrees
from casebook.manuscript.template import Template, disagreements, sentences, unbound_numbers, unsourced
from casebook.registry import registry

from helpers import FIXTURES

REPORTS = [r.id for r in registry().values() if r.has_module("summary")]


def _datasets(report) -> list[str | None]:
    """The report's own data (None) and every fixture folder holding all of its tables."""
    found = [None]
    for folder in sorted(p for p in FIXTURES.rglob("*") if p.is_dir()):
        if set(report.tables) <= {f.stem for f in folder.glob("*.csv")}:
            found.append(paths.relative(folder))
    return found


# The report's own data in make check; every fixture dataset in make test (slow: each is loaded and written again).
DATASETS = [(rid, d) for rid in REPORTS for d in _datasets(registry()[rid])]
CASES = [(rid, d) if d is None else pytest.param(rid, d, marks=pytest.mark.slow) for rid, d in DATASETS]


@functools.cache
def _summaries(report_id: str, data_dir: str | None) -> tuple[list[Prose], object]:
    tables = load_dataset(report_id, data_dir)
    prose = registry()[report_id].module("summary").summaries(tables)
    assert prose and all(isinstance(p, Prose) for p in prose)
    return prose, data_sources(report_id, tables)


def _plant(t: Template, sentence: str) -> Template:
    """The text with ``sentence`` added to the end of its first prose paragraph."""
    lines = t.text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    lines[i] += " " + sentence
    return Template(t.file, "\n".join(lines) + "\n")


def test_the_registry_has_summaries_to_check():
    assert REPORTS, "no report has a summary module"
    assert any(d is not None for _, d in DATASETS), "no fixture dataset (an author's own series) is checked"


@pytest.mark.parametrize("report_id, data_dir", CASES)
def test_every_summary_sentence_names_its_sources(report_id, data_dir):
    prose, _ = _summaries(report_id, data_dir)
    for p in prose:
        assert len(sentences(p.template)) > 5
        assert unsourced(p.template) == []


@pytest.mark.parametrize("report_id, data_dir", CASES)
def test_every_summary_value_agrees_with_its_sources(report_id, data_dir):
    prose, src = _summaries(report_id, data_dir)
    for p in prose:
        assert disagreements(p.template, p.registry, src) == []
        assert unbound_numbers(p.template) == []  # every number shown is a bound value


@pytest.mark.parametrize("report_id, data_dir", CASES)
def test_readers_see_no_markup_and_html_shows_the_sources(report_id, data_dir):
    prose, src = _summaries(report_id, data_dir)
    for p in prose:
        text, hover = p.markdown(), p.hover(src)  # hover resolves every source: an unknown one is an error
        assert "{{" not in text and "cite" not in text and not any("  " in line for line in text.splitlines())
        assert hover.count('<span title="Sources: ') == len(sentences(p.template)) and "{{" not in hover


def _planted_pair(p: Prose, src):
    """A numeric value of the summary and a data source it cites whose cells do not give that value."""
    cited = dict.fromkeys(n for s in sentences(p.template) for n in s.sources if n != OWN and not n.startswith(COMPUTED))
    numeric = [v for v in p.registry if not isinstance(v.value, str)]
    return next((v, n) for n in cited for v in numeric if not agrees(v, src.candidates(n)))


@pytest.mark.parametrize("report_id, data_dir", CASES)
def test_a_planted_sentence_without_source_fails(report_id, data_dir):
    prose, _ = _summaries(report_id, data_dir)
    found = unsourced(_plant(prose[0].template, "The deposits always become infected."))
    assert len(found) == 1 and found[0].endswith(": The deposits always become infected.")
    assert found[0].startswith(prose[0].file)


@pytest.mark.parametrize("report_id, data_dir", CASES)
def test_a_planted_value_that_disagrees_with_its_source_fails(report_id, data_dir):
    prose, src = _summaries(report_id, data_dir)
    p = prose[0]
    v, other = _planted_pair(p, src)
    found = disagreements(_plant(p.template, f"We counted {{{{ {v.name} }}}} of them. {{{{ cite: {other} }}}}"),
                          p.registry, src)
    assert len(found) == 1 and f"{{{{ {v.name} }}}} = {v.text} agrees with none of its sources: {other}" in found[0]
    own = disagreements(_plant(p.template, f"We counted {{{{ {v.name} }}}}. {{{{ cite: own }}}}"), p.registry, src)
    assert len(own) == 1 and "cites only its own method" in own[0]
    typed = unbound_numbers(_plant(p.template, "We counted 7 of them. {{ cite: own }}"))
    assert len(typed) == 1 and typed[0].endswith(": 7")


@pytest.mark.parametrize("report_id", REPORTS)
def test_a_summary_may_not_cite_the_register(report_id):
    """A summary is written for an author's own series too, which has no register: a claim id is refused."""
    claims = load_claims().astype(str)
    claim = claims.loc[claims["report"] == report_id, "claim_id"].iloc[0]
    _, src = _summaries(report_id, None)
    with pytest.raises(CasebookError, match="not a claim"):
        src.candidates(claim)


def test_bound_values_compare_as_numbers_and_write_themselves_as_names():
    from casebook.manuscript.prose import Binder, cite

    bind = Binder()
    n, again, share = bind("n lesions", 7, "demo.count"), bind("n_lesions", 7, "demo.count"), bind("share", 62.64, "d.f")
    assert (str(n), f"{again} of them", str(share)) == ("{{ n_lesions }}", "{{ n_lesions_2 }} of them", "{{ share }}")
    assert n == 7 and n == again and n > 1 and not n < 7 and bool(n) and not bind("zero", 0, "demo.count")
    assert share.text == "62.6" and list(bind.values) == ["n_lesions", "n_lesions_2", "share", "zero"]
    with pytest.raises(TypeError):
        n + 1  # noqa: B018 - compute first, then bind
    assert cite("a.b", None, False, "c:{row}.d", row="R1") == "{{ cite: a.b, c:R1.d }}"
    with pytest.raises(CasebookError, match="names no source"):
        cite(None)


def test_readers_text_and_hover_from_cited_text():
    from casebook.manuscript.prose import Binder

    bind = Binder()
    n = bind("n", 2, "demo.count")
    text = f"### Head\n\nWe saw {n} lesions <5 mm. {{{{ cite: lesions.lesion_id }}}} Our method. {{{{ cite: own }}}}\n"
    p = Prose("sts-series", "x.md.j2 (rendered)", text, tuple(bind.values.values()))
    assert p.markdown() == "### Head\n\nWe saw 2 lesions <5 mm. Our method.\n"
    src = data_sources("sts-series", load_dataset("sts-series"))
    assert p.hover(src) == ('### Head\n\n<p><span title="Sources: data lesions.lesion_id">We saw 2 lesions &lt;5 mm.</span> '
                            '<span title="Sources: this summary&#x27;s own method">Our method.</span></p>\n')
    bad = Prose("sts-series", "x.md.j2 (rendered)", "A. {{ cite: lesions.colour }}\n", ())
    with pytest.raises(CasebookError, match=r"x\.md\.j2 \(rendered\): source 'lesions.colour'"):
        bad.hover(src)
