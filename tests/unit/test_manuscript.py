"""The manuscripts: templates bind every number to a value, and the committed PDFs carry the registry's values."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from casebook import load_dataset
from casebook.exceptions import CasebookError
from casebook.manuscript import annotate, build, corrigendum, letter
from casebook.manuscript.template import Block, Template, render, unbound_numbers
from casebook.manuscript.values import Registry, gather, value

from helpers import MAIN, published

REPORTS = build.reports_with_articles()
PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext missing: apt-get install poppler-utils "
                                   "(.ci/install-poppler)")


def test_every_report_has_an_article():
    from casebook.registry import registry

    assert set(REPORTS) == set(registry())


@pytest.mark.parametrize("report_id", REPORTS)
def test_templates_type_no_number_of_their_own(report_id):
    assert unbound_numbers(Template.read(build.template_path(report_id))) == []


def test_a_typed_number_is_found_with_its_line():
    t = Template("x.md", "# Title\n\nWe saw {{ n }} lesions in 6 women (MMT8 spared).\n")
    assert unbound_numbers(t) == ["x.md, line 3: 6"]


def test_unknown_value_block_or_reference_fails_with_file_and_line():
    reg = Registry("demo", [value("n", 3, "demo.count")])
    with pytest.raises(CasebookError, match=r"x\.md, line 2: unknown value \{\{ nope \}\}"):
        render(Template("x.md", "# T\nsee {{ nope }}\n"), reg, {})
    with pytest.raises(CasebookError, match=r"x\.md, line 3: unknown figure 'fig'"):
        render(Template("x.md", "# T\n\n[[figure: fig]]\n"), reg, {})
    with pytest.raises(CasebookError, match=r"x\.md, line 1: reference @tbl:t"):
        render(Template("x.md", "see @tbl:t\n"), reg, {})


def test_values_blocks_references_and_marks():
    reg = Registry("demo", [value("n", 7, "demo.count", claim="c1"), value("share", 0.5, "demo.share")])
    blocks = {("table", "t"): Block("table", "t", "Cap", "| a |\n|---|\n| 1 |")}
    text = "# T\n\n{{ n }} and {{share}}, see @tbl:t.\n\n[[table: t]]\n"
    out = render(Template("x.md", text), reg, blocks)
    assert "7 and 0.5, see [Table 1](#tbl-t)." in out and ": **Table 1.** Cap {#tbl-t}" in out
    marks = annotate.Annotations({(0, "n"): annotate.ValueMark(("C1",), "8", bold=True)})
    assert "~~8~~ **7**[^C1^](#note-c1) and 0.5" in render(Template("x.md", text), reg, blocks, marks)


def test_registry_names_are_unique_and_have_provenance():
    for report_id in REPORTS:
        reg = gather(report_id, load_dataset(report_id))
        assert len(reg) > (10 if published(report_id) else 0), report_id
        assert all(v.source.startswith("casebook.reports.") for v in reg), [v.source for v in reg]
    with pytest.raises(CasebookError, match="defined twice"):
        Registry("demo", [value("n", 1, "a.b"), value("n", 2, "a.b")])


def _pdf_text(path) -> str:
    out = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


@needs_poppler
@pytest.mark.parametrize("report_id", REPORTS)
def test_article_pdf_carries_every_value_as_computed(report_id):
    reg = gather(report_id, load_dataset(report_id))
    editions = ["article"] + (["corrected"] if (MAIN / "manuscripts" / report_id / f"{report_id}-corrected.pdf").is_file()
                              else [])
    for edition in editions:
        text = _pdf_text(MAIN / "manuscripts" / report_id / f"{report_id}-{edition}.pdf")
        used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", build.template_path(report_id).read_text(encoding="utf-8")))
        missing = [f"{v.name}={v.text}" for v in reg if v.name in used and re.sub(r"\s+", " ", v.text) not in text]
        assert not missing, f"{edition}: values not in the PDF text: {missing}"


@pytest.mark.slow  # reads every committed PDF (artefacts change with make build, not with code): make test
@needs_poppler
@pytest.mark.parametrize("pdf", sorted(p.relative_to(MAIN).as_posix() for p in (MAIN / "manuscripts").glob("*/*.pdf")))
def test_pages_render_and_are_not_blank(pdf, tmp_path):
    from PIL import Image

    subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "30", str(MAIN / pdf), str(tmp_path / "p")], check=True,
                   capture_output=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert pages, f"{pdf}: no page rendered"
    for page in pages:
        grey = Image.open(page).convert("L")
        dark = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert dark > 0.005, f"{pdf}: {page.name} is blank"


@pytest.mark.parametrize("report_id", REPORTS)
def test_the_letter_covers_exactly_the_claims_of_its_items(report_id, verdicts):
    """Its closing list names each claim of its items, corrections first; each correction is one bullet under its
    item; a report with no finding has no letter and no corrected edition."""
    found = corrigendum.items(verdicts, report_id)
    path = MAIN / "manuscripts" / report_id / f"{report_id}-corrigendum.md"
    if not found:
        files = sorted(p.name for p in (MAIN / "manuscripts" / report_id).iterdir())
        assert files == [f"{report_id}-article.{f}" for f in ("docx", "html", "pdf", "xml")] + [f"{report_id}-values.csv"]
        return
    notice = path.read_text(encoding="utf-8")
    listed = re.findall(r"`([\w-]+)`", notice.rsplit("Claims covered:", 1)[1])
    assert listed == [c for i in found for c in i.claims["claim_id"]]
    part = notice.split("## Corrections")[1].split("\n## ")[0] if "## Corrections" in notice else ""
    wrong = corrigendum.corrections(verdicts, report_id)
    assert part.count("\n- **") == len(wrong)
    assert len(re.findall(r"^### C\d+\. ", part, re.M)) == wrong["root_cause"].nunique()


def test_printed_part():
    assert corrigendum.printed_part("A total of 8 lesions") == "8"
    assert corrigendum.printed_part("age range 49-71 years") == "49-71"
    assert corrigendum.printed_part("Most patients") == "Most patients"


@pytest.mark.parametrize("name", sorted(p.relative_to(MAIN / "manuscripts").as_posix()
                                         for p in (MAIN / "manuscripts").glob("*/*.xml")))
def test_jats_is_well_formed_and_its_figures_resolve(name):
    import xml.etree.ElementTree as ET

    path = MAIN / "manuscripts" / name
    root = ET.parse(path).getroot()
    assert root.tag == "article" and root.find("front/article-meta/title-group/article-title").text
    graphics = [g.get("{http://www.w3.org/1999/xlink}href") for g in root.iter("graphic")]
    assert all((path.parent / g).resolve().is_file() for g in graphics)
    assert graphics or not published(name.split("/")[0]), f"{name}: no figure"  # a placeholder article may have none


@pytest.mark.parametrize("report_id", REPORTS)
def test_corrigendum_counts_what_the_audit_checked(report_id, verdicts):
    """The count of checked statements takes every real check (ambiguous included) and says how many are numbers."""
    none = pd.DataFrame(columns=list(letter.HYPOTHESIS_COLUMNS))  # the counts only: no reconciliation needed
    notice = letter.letter_markdown(verdicts, report_id, "a title", "x.pdf", hypothesis_rows=none)
    rows = verdicts[(verdicts["report"] == report_id) & verdicts["verdict"].isin(corrigendum.CHECKS)]
    numbers = int(rows["printed"].astype(str).str.contains(r"\d").sum())
    verb = {n: "prints" if n == 1 else "print" for n in (numbers, len(rows) - numbers)}
    assert (f", {len(rows)} can be checked: {numbers} of them {verb[numbers]} a number and {len(rows) - numbers} "
            f"{verb[len(rows) - numbers]} none.") in notice


@pytest.mark.parametrize("report_id", REPORTS)
def test_each_report_with_an_article_has_been_built(report_id):
    """The tests of committed articles read manuscripts/<id>/: a report added since the last build fails them with
    FileNotFoundError; this one says why."""
    folder = MAIN / "manuscripts" / report_id
    assert (folder / f"{report_id}-article.pdf").is_file(), (
        f"manuscripts/{report_id}/ has no article yet: run `make build` (it writes the report's article, corrected "
        "edition and letter), then `make check` again")
