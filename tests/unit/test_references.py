"""Citations through pandoc's citeproc: every report's references live in data/<id>/references.json with the report
itself first; every article, corrected edition and editor's letter cites its source report, and each carries a
reference list citeproc wrote (HTML, DOCX, PDF, JATS <ref-list>, the letter's Markdown); JATS front matter has no
empty element. Each check fails on a planted defect."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from casebook.exceptions import CasebookError
from casebook.manuscript import references, render
from casebook.manuscript.build import reports_with_articles, template_path
from casebook.reports import registry

from helpers import MAIN, published

REPORTS = sorted(registry())
DOCS = sorted(p.relative_to(MAIN).as_posix() for p in (MAIN / "manuscripts").glob("*/*-*.html"))
JATS = sorted(p.relative_to(MAIN).as_posix() for p in (MAIN / "manuscripts").glob("*/*.xml"))
REQUIRED = ("author", "title", "container-title", "issued")  # known, or marked unknown in brackets


@pytest.mark.parametrize("report_id", REPORTS)
def test_every_report_has_its_references_with_itself(report_id):
    entries = references.load(report_id)
    source = references.source(report_id)
    assert [e["id"] for e in entries].count(report_id) == 1
    missing = [f for f in REQUIRED if not source.get(f)]
    assert not missing, f"{report_id}: the source entry lacks {missing}: give it, or mark it unknown ('[... unknown]')"


def test_a_report_without_its_own_entry_fails(tmp_path, monkeypatch):
    bad = tmp_path / "references.json"
    bad.write_text('[{"id": "someone-else", "type": "article-journal"}]', encoding="utf-8")
    monkeypatch.setattr(references, "path", lambda report_id: bad)
    with pytest.raises(CasebookError, match="no entry with id 'jdm-case'"):
        references.load("jdm-case")


def test_a_citation_not_in_the_references_fails_the_build():
    with pytest.raises(CasebookError, match="not in the report's references.json: nobody"):
        render.html(references.with_references("# T\n\nAs shown [@nobody].\n", REPORTS[0]), "T")


@pytest.mark.parametrize("report_id", reports_with_articles())
def test_templates_cite_their_source_and_format_no_reference(report_id):
    text = template_path(report_id).read_text(encoding="utf-8")
    if published(report_id):  # an unpublished report (a draft, a scaffold) has no source of its own to cite yet
        assert f"[@{report_id}]" in text and "[[section: references]]" in text
    assert not re.search(r"et al\.?,? (?:[A-Z][\w ]+ )?(?:19|20)\d\d", text), "a reference typed by hand"


@pytest.mark.parametrize("doc", DOCS)
def test_every_html_has_a_citeproc_reference_list_citing_its_source(doc):
    report_id = doc.split("/")[1]
    html = (MAIN / doc).read_text(encoding="utf-8")
    if not published(report_id):
        pytest.skip(f"{report_id} rebuilds no published text: no source of its own to cite yet")
    assert 'id="refs"' in html and "csl-bib-body" in html
    assert f'id="ref-{report_id}"' in html, f"{doc} does not cite {report_id}"
    if doc.endswith("-article.html") or doc.endswith("-corrected.html"):
        docx = MAIN / doc.replace(".html", ".docx")
        body = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
        assert 'w:val="Bibliography"' in body, f"{docx.name}: no reference list"


@pytest.mark.parametrize("report_id", REPORTS)
def test_the_letter_markdown_carries_citeproc_s_reference_list(report_id):
    letter = MAIN / "manuscripts" / report_id / f"{report_id}-corrigendum.md"
    if not letter.is_file():
        pytest.skip("no letter: the audit finds nothing")
    text = letter.read_text(encoding="utf-8")
    assert "[@" not in text and ":::" not in text
    refs = text.split("\n## References\n", 1)[1]
    assert re.match(r"\s*1\. ", refs) and str(references.source(report_id)["title"]) in refs


def jats_problems(path) -> list[str]:
    """What a JATS file lacks: its article title, a <ref-list> with references, and no element left empty in front."""
    root = ET.parse(path).getroot()
    found = []
    if root.tag != "article" or not (root.findtext("front/article-meta/title-group/article-title") or "").strip():
        found.append("no article-title")
    if not root.findall("back/ref-list/ref"):
        found.append("no <ref-list> with references")
    found += [f"empty <{e.tag}> in front" for e in root.find("front").iter() if not len(e) and not (e.text or "").strip()]
    return found


@pytest.mark.parametrize("name", JATS)
def test_jats_has_its_references_and_no_empty_front_element(name):
    if not published(name.split("/")[1]):
        pytest.skip(f"{name}: its report rebuilds no published text, so it has no references yet")
    assert jats_problems(MAIN / name) == []
    root = ET.parse(MAIN / name).getroot()
    assert root.findtext("front/journal-meta/journal-title-group/journal-title")
    assert f"ref-{name.split('/')[1]}" in [r.get("id") for r in root.findall("back/ref-list/ref")]


def test_the_jats_check_fails_on_pandoc_s_empty_metadata(tmp_path):
    planted = tmp_path / "planted.xml"
    planted.write_text("<article><front><journal-meta><journal-id></journal-id><issn></issn></journal-meta><article-meta>"
                       "<title-group><article-title>T</article-title></title-group></article-meta></front></article>",
                       encoding="utf-8")
    assert jats_problems(planted) == ["no <ref-list> with references", "empty <journal-id> in front", "empty <issn> in front"]
