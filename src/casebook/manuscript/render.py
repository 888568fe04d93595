"""Markdown to the formats, with no LaTeX and no network: pandoc for HTML, DOCX and JATS XML, Typst for PDF.
Citations are resolved by pandoc's citeproc in every format (``--citeproc``; the bibliography and the style come in
the document's front matter, :mod:`casebook.manuscript.references`).

Every output is the same bytes on every run: pandoc runs with ``SOURCE_DATE_EPOCH=0`` (DOCX zip timestamps and
core properties), HTML embeds its figures and style (``--embed-resources``), and the Typst document sets
``date: none`` and uses only fonts shipped with the pinned packages (Typst's own and Matplotlib's DejaVu, which the
figures use), never the machine's. Figures are SVG (vector) in all three.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from casebook import paths
from casebook.exceptions import CasebookError
from casebook.manuscript import pdffile

READER = "markdown-smart"  # the author's quotes and dashes stay as typed

CSS = """
body { font-family: "Libertinus Serif", Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #222; }
h1 { font-family: "DejaVu Sans", Helvetica, sans-serif; font-size: 1.6em; line-height: 1.25; }
h2, h3 { font-family: "DejaVu Sans", Helvetica, sans-serif; margin-top: 1.6em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; }
figcaption, caption { font-size: 0.9em; text-align: left; caption-side: top; margin-bottom: 0.4em; }
table { border-collapse: collapse; font-size: 0.82em; margin: 1em 0; width: 100%; }
th, td { border-top: 1px solid #bbb; padding: 0.25em 0.5em; vertical-align: top; }
thead th { border-bottom: 2px solid #555; }
del { color: #a33; } del + strong { color: #064; }
.subtitle, p.note { color: #555; font-size: 0.92em; }
span[title^="Sources:"]:hover { background: #f4efdc; cursor: help; }
"""

TYPST_PREAMBLE = """#set document(title: [{title}], date: none)
#set page(paper: "a4", margin: (x: 2.2cm, top: 2.3cm, bottom: 2.4cm), numbering: "1",
  header: context {{ if counter(page).get().first() > 1 [#set text(8pt, fill: luma(90)); {running}] }})
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en")
#set par(justify: true, leading: 0.62em, spacing: 1.0em)
#show heading: set text(font: "DejaVu Sans", weight: "bold")
#show heading.where(level: 1): it => align(center, block(below: 1.2em, text(15pt, it.body)))
#show heading.where(level: 2): set text(11.5pt)
#show heading.where(level: 2): set block(above: 1.5em, below: 0.8em)
#show heading.where(level: 3): set text(10.5pt)
#set figure(numbering: none, gap: 0.6em)
#show figure.caption: it => block(sticky: true, width: 100%, align(left, text(9pt, it)))
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.where(kind: table): set block(breakable: true)
#show table: set text(8pt)
#show table: set par(justify: false)
#show table: set text(hyphenate: true)  // a long word in a narrow column breaks at a hyphen, not into the next
#show table.cell: it => align(left, it)
#set table(stroke: (x: none, y: 0.4pt + luma(150)), inset: 4pt)
#show strike: set text(fill: rgb("#a33333"))
#show link: set text(fill: rgb("#1a4f8a"))
"""


REFS = "::: {#refs}\n:::"  # where pandoc's citeproc puts the reference list


def section(heading: str = "References") -> str:
    """The Markdown of a references section (a heading and the place citeproc fills)."""
    return f"## {heading}\n\n{REFS}\n"


def _pandoc(markdown: str, to: str, *args: str) -> bytes:
    import pypandoc

    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    cmd = [pypandoc.get_pandoc_path(), "--from", READER, "--to", to, "--resource-path", str(paths.ROOT), "--citeproc",
           *args]
    with tempfile.TemporaryDirectory(prefix="casebook-pandoc-") as tmp:
        out = Path(tmp) / f"out.{to}"
        proc = subprocess.run([*cmd, "--output", str(out)], input=markdown.encode("utf-8"), env=env,
                              cwd=paths.ROOT, capture_output=True, timeout=300)
        if proc.returncode != 0:
            raise CasebookError(f"pandoc --to {to} failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
        unknown = re.findall(r"Citeproc: citation (\S+) not found", proc.stderr.decode("utf-8", "replace"))
        if unknown:
            raise CasebookError(f"citation(s) not in the report's references.json: {', '.join(unknown)}")
        return out.read_bytes()


def pandoc_text(markdown: str) -> str:
    """Pandoc's plain text of a Markdown document (citations resolved; no wrapping)."""
    return _pandoc(markdown, "plain", "--wrap=none").decode("utf-8")


def html(markdown: str, title: str) -> bytes:
    """A standalone, self-contained HTML page (figures and style embedded; nothing loaded over the network)."""
    from casebook.publish.site.html import check_offline

    with tempfile.TemporaryDirectory(prefix="casebook-css-") as tmp:
        css = Path(tmp) / "article.css"
        css.write_text(CSS, encoding="utf-8")
        data = _pandoc(markdown, "html5", "--standalone", "--embed-resources", "--css", str(css),
                       "--metadata", f"pagetitle={title}", "--section-divs")
    check_offline(title, data.decode("utf-8"))
    return data


def docx(markdown: str, title: str) -> bytes:
    """A Word document (SVG figures; fixed timestamps from SOURCE_DATE_EPOCH)."""
    return _pandoc(markdown, "docx", "--metadata", f"pagetitle={title}")


def _typst_text(text: str) -> str:
    """Plain text made safe inside Typst content brackets."""
    return re.sub(r"([\\#\[\]*_`$<>@~])", r"\\\1", text)


def typst_source(markdown: str, title: str, running: str) -> str:
    """The Typst document: the preamble (page, fonts, no date) and pandoc's Typst of the body."""
    body = _pandoc(markdown, "typst").decode("utf-8")
    body = re.sub(r'image\("(?!/)', 'image("/', body)  # figures are project-relative; Typst's root is the project
    return TYPST_PREAMBLE.format(title=_typst_text(title), running=_typst_text(running)) + "\n" + body


def pdf(markdown: str, title: str, running: str = "", root: str | Path | None = None) -> bytes:
    """The PDF, compiled by Typst from :func:`typst_source` with the project as its root (``root``: another folder
    holding every figure, for figures given by absolute paths outside the project), and made clean for every reader
    (:func:`casebook.manuscript.pdffile.clean`)."""
    import matplotlib
    import typst

    source = typst_source(markdown, title, running or title)
    fonts = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    scratch = paths.BUILD / "manuscripts"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".typ", dir=scratch, delete=False, encoding="utf-8") as fh:
        fh.write(source)
    try:
        data = typst.compile(fh.name, root=str(root or paths.ROOT), font_paths=[fonts], ignore_system_fonts=True)
    except Exception as exc:  # typst raises its own error types, with the source position
        raise CasebookError(f"typst could not compile {title!r}: {exc}") from exc
    finally:
        Path(fh.name).unlink(missing_ok=True)
    return pdffile.clean(data)


# Elements pandoc's JATS template writes empty when the metadata lacks them (an unknown ISSN, publisher, licence):
# left out rather than written empty. The journal's title comes from the report's references.
EMPTY_JATS = re.compile(r"<(journal-id|issn)></\1>\n|<publisher>\n<publisher-name></publisher-name>\n</publisher>\n"
                        r"|<permissions>\n</permissions>\n")


def jats(markdown: str, title: str) -> bytes:
    """JATS XML (the archiving tag set), the structured form journals and repositories ingest; its figures point to
    the SVGs relative to the manuscript's folder (``manuscripts/<id>/`` -> ``../../figures/``), its reference list
    is citeproc's ``<ref-list>`` and its journal metadata comes from the front matter (no empty element)."""
    # the reference list goes to <back> as a <ref-list>, where JATS keeps it, not into a section of the body
    data = _pandoc(markdown.replace(section(), ""), "jats_archiving", "--standalone", "--metadata", f"title={title}",
                   "--metadata", "reference-section-title=References").decode("utf-8")
    data = EMPTY_JATS.sub("", data)  # what pandoc's template writes empty when a field is unknown
    return re.sub(r'xlink:href="(?![a-z]+:|[/#.])([^"]+)"', r'xlink:href="../../\1"', data).encode("utf-8")


FORMATS = {"pdf": pdf, "html": html, "docx": docx, "xml": jats}
