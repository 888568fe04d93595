"""The pages of the static bundle: one per executed notebook (its content first, its provenance at the end) and
the index with every figure, table and CARE checklist."""

from __future__ import annotations

import re
from pathlib import Path

from casebook import paths
from casebook.publish import csv_cells
from casebook.publish.index import Artefact, care_stem, manuscripts, notebooks, reports, summaries
from casebook.publish.site.html import (
    _CSS,
    _INDEX_CSS,
    _IPYNB_HREF,
    _TEMPLATE,
    Context,
    _file_status,
    _inputs_html,
    _params_html,
    _provenance_html,
    _versions_html,
    csv_table_html,
    e,
    href,
)


def _formats_html(a: Artefact, base: str = "") -> str:
    return " · ".join(f'<a href="{href(base + f)}">{e(fmt)}</a>' for fmt, f in zip(a.formats, a.files, strict=False))


def _figure_html(a: Artefact, ctx: Context) -> str:
    png = next((f for f in a.files if f.endswith(".png")), None)
    img = f'<img src="{href(png)}" alt="{e(a.stem)}">' if png else "<p>(no PNG)</p>"
    return (f'<section class="artefact figure" id="{e("figure-" + a.stem)}"><h3>{e(a.stem)}</h3>{img}'
            f"<p>Files: {_formats_html(a)}</p>{_provenance_html(list(a.files), ctx, '')}</section>")


def _table_html(a: Artefact, ctx: Context, care: bool = False) -> str:
    csv_file = next((f for f in a.files if f.endswith(".csv")), None)
    body = csv_table_html(paths.resolve(csv_file).read_text(encoding="utf-8"), care) if csv_file else "<p>(no CSV)</p>"
    return (f'<section class="artefact table" id="{e("table-" + a.stem)}"><h3>{e(a.stem)}</h3>{body}'
            f"<p>Files: {_formats_html(a)}</p>{_provenance_html(list(a.files), ctx, '')}</section>")


def _care_html(report: str, found: dict[str, Artefact], ctx: Context) -> str:
    stem = care_stem(report)
    head = f"<h3>{e(report)}: {e(reports().get(report, ''))}</h3>"
    if stem in found:
        return head + _table_html(found[stem], ctx, care=True)
    # Not built yet: judge it now from the data, and say so.
    from casebook.publish.care import care_checklist

    table = csv_table_html(csv_cells.to_csv(care_checklist(report)), care=True)
    return (head + f'<p class="warn">tables/{e(stem)}.csv does not exist yet (run <code>make build</code>); '
            f"judged now from data/.</p>{table}")


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="casebook.html.j2",
        extra_loaders=[DictLoader({"casebook.html.j2": _TEMPLATE})],
        embed_images=True,
        exclude_input_prompt=False,
    )


# The notebook whose page the bundle's own index.html stands for (it lists the same notebooks and artefacts): the
# bar links "index" once, to index.html, and does not list this notebook's page beside it.
INDEX_NOTEBOOK = "00-index.ipynb"


def nav_links(notebook: str, pages: dict[str, str]) -> list[tuple[str, str]]:
    """(label, href) of the bar above a notebook's page: the index, then every other notebook page, each once."""
    base = _rel_to_root(notebook)
    return [("index", href(base + "index.html"))] + [(Path(nb).stem, href(base + p)) for nb, p in pages.items()
                                                     if Path(nb).name != INDEX_NOTEBOOK]


def _notebook_header(notebook: str, ctx: Context) -> str:
    """A one-line bar above the notebook: where the page is, the other pages, and a link to its provenance below."""
    nav = " · ".join(f'<a href="{link}">{e(label)}</a>' for label, link in nav_links(notebook, ctx.pages))
    name = Path(notebook).name
    what = f": {e(summaries()[name])}" if name in summaries() else ""
    return (f'<div class="casebook-nav"><p><strong>casebook</strong> · {nav}</p>'
            f'<p><code>{e(notebook)}</code> as committed, executed by the build{what}. '
            f'<a href="#provenance">Provenance</a> is at the end of the page.</p></div>')


def _notebook_footer(notebook: str, ctx: Context) -> str:
    """The notebook's provenance and the artefacts it wrote, collapsed, after its content."""
    entry, base = ctx.prov.get(notebook), _rel_to_root(notebook)
    if entry:
        body = ("<table>"
                f"<tr><th>notebook sha256</th><td class=\"sha\">{e(entry.get('sha256', ''))} "
                f"({_file_status(notebook, entry)})</td></tr>"
                f"<tr><th>parameter set</th><td><code>{e(entry.get('parameter_set', ''))}</code></td></tr>"
                f"<tr><th>parameters</th><td>{_params_html(entry.get('parameters') or {})}</td></tr>"
                f"<tr><th>data and other inputs</th><td>{_inputs_html(entry.get('inputs') or {})}</td></tr>"
                f"<tr><th>software</th><td>{_versions_html(ctx.environment, base)}</td></tr></table>")
    else:
        body = '<p class="warn">No provenance recorded for this notebook (run <code>make build</code>).</p>'
    written = sorted(p for p, v in ctx.prov.items() if v.get("notebook") == notebook and p != notebook)
    if written:
        items = "".join(f'<li><a href="{href(base + p)}"><code>{e(p)}</code></a></li>' for p in written)
        body += f"<h2>Artefacts it wrote ({len(written)})</h2><ul>{items}</ul>"
    return (f'<div class="casebook-nav" id="provenance"><details><summary><strong>Provenance</strong> of this '
            f"notebook: parameters, data files read, software, artefacts written</summary>{body}</details></div>")


def _rel_to_root(site_path: str) -> str:
    depth = len(Path(site_path).parts) - 1
    return "../" * depth


def _rewrite_notebook_links(page_html: str, pages: dict[str, str], notebook: str) -> str:
    """Relative links to ``X.ipynb`` become links to ``X.html`` when X has a page."""
    here = Path(notebook).parent

    def repl(m: re.Match) -> str:
        quote_, target, rest = m.group(1), m.group(2), m.group(3) or ""
        rel = paths.relative(paths.resolve(here / (target + ".ipynb")))
        if rel not in pages:
            return m.group(0)
        return f"href={quote_}{target}.html{rest}{quote_}"

    return _IPYNB_HREF.sub(repl, page_html)




def render_notebook(notebook: str, ctx: Context, exporter=None) -> str:
    import nbformat

    nb = nbformat.read(paths.resolve(notebook), as_version=4)
    exporter = exporter or _exporter()
    resources = {
        "metadata": {"name": Path(notebook).stem, "path": str(paths.resolve(notebook).parent)},
        "casebook_css": _CSS,
        "casebook_header": _notebook_header(notebook, ctx),
        "casebook_footer": _notebook_footer(notebook, ctx),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _rewrite_notebook_links(body, ctx.pages, notebook)


def _manuscripts_html(ctx: Context) -> list[str]:
    """Each report's article, corrected edition and editor's letter, linked, with whether each matches its provenance."""
    out = ['<h2 id="manuscripts">Manuscripts</h2>', "<p>The publication: an article per report (PDF, HTML, DOCX) with "
           "every number computed from the data; an editor's letter (corrections, queries to the authors, reporting "
           "gaps) and a corrected edition that marks each of its items, where the audit finds any.</p>"]
    found = manuscripts()
    if not found:
        return [*out, "<p>No manuscripts yet (run <code>make build</code>).</p>"]
    out.append('<table class="data-table"><thead><tr><th>report</th><th>files</th></tr></thead><tbody>')
    for report, files in found.items():
        links = " · ".join(f'<a href="{href(f)}">{e(Path(f).name)}</a> ({_file_status(f, ctx.prov.get(f))})' for f in files)
        out.append(f"<tr><td>{e(report)}</td><td>{links}</td></tr>")
    return [*out, "</tbody></table>"]



def _reports_line() -> str:
    """'Two clinical reports (jdm-case, sts-series)': how many the registry holds, never a number typed here."""
    from casebook.registry import registry
    from casebook.text import count

    ids = list(registry())
    words = count(len(ids), "clinical report", words=True)
    return f"{words[0].upper()}{words[1:]} ({', '.join(ids)})"

def render_index(ctx: Context, found: list[Artefact]) -> str:
    by_stem = {a.stem: a for a in found if a.kind == "table"}
    care_stems = {care_stem(r) for r in reports()}
    entries = {nb.path: nb for nb in notebooks()}
    figures = [a for a in found if a.kind == "figure"]
    tables = [a for a in found if a.kind == "table" and a.stem not in care_stems]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        "<title>casebook: reports, audit and artefacts</title>",
        f"<style>{_INDEX_CSS}</style></head><body>",
        "<h1>casebook</h1>",
        f"<p>{e(_reports_line())}, rebuilt from tidy CSV data, "
        "and an audit of every number they print. Every page here was generated from the committed, executed "
        "notebooks; every figure and table is shown with its provenance: the notebook and parameters that made "
        "it, the data files it read (sha256) and the software versions. This folder needs no server and no "
        "network.</p>",
        f'<nav class="toc"><a href="#notebooks">Notebooks</a><a href="#care">CARE checklists ({len(care_stems)})</a>'
        f'<a href="#figures">Figures ({len(figures)})</a><a href="#tables">Tables ({len(tables)})</a>'
        '<a href="#manuscripts">Manuscripts</a><a href="#environment">Environment</a></nav>',
        '<h2 id="notebooks">Notebooks</h2>',
        "<table class=\"data-table\"><thead><tr><th>page</th><th>what it shows</th><th>notebook</th></tr></thead><tbody>",
    ]
    for nb, page in sorted(ctx.pages.items()):
        entry = entries.get(nb)
        title = entry.title if entry else Path(nb).stem
        summary = entry.summary if entry else ""
        out.append(f'<tr><td><a href="{href(page)}">{e(title)}</a></td><td>{e(summary)}</td>'
                   f"<td><code>{e(nb)}</code></td></tr>")
    out.append("</tbody></table>")
    out += _manuscripts_html(ctx)
    out.append(f'<h2 id="care">CARE checklists ({len(care_stems)})</h2>')
    out.append("<p>The 13 items of the CARE case-report guideline: which each report covers. Items about the case "
               "are judged from the structured data, items about the report's text from "
               "<code>data/report-structure.csv</code>; the evidence column says what each judgement rests on.</p>")
    out += [_care_html(report, by_stem, ctx) for report in reports()]
    out.append(f'<h2 id="figures">Figures ({len(figures)})</h2>')
    out += [_figure_html(a, ctx) for a in figures] or ["<p>No figures yet (run <code>make build</code>).</p>"]
    out.append(f'<h2 id="tables">Tables ({len(tables)})</h2>')
    out += [_table_html(a, ctx) for a in tables] or ["<p>No tables yet (run <code>make build</code>).</p>"]
    out.append('<h2 id="environment">Environment</h2>')
    if ctx.environment:
        rows = "".join(f"<tr><th>{e(k)}</th><td><code>{e(v)}</code></td></tr>" for k, v in sorted(ctx.environment.items()))
        out.append(f'<p>Software that made the artefacts (from <code>provenance.json</code>):</p><table class="data-table">{rows}</table>')
    else:
        out.append('<p class="warn">No provenance.json yet (run <code>make build</code>).</p>')
    missing = sorted(p for p in ctx.prov if not paths.resolve(p).is_file())
    if missing:
        items = "".join(f"<li><code>{e(p)}</code></li>" for p in missing)
        out.append(f'<p class="warn">In provenance.json but missing on disk:</p><ul>{items}</ul>')
    out.append("</body></html>\n")
    return "\n".join(out)


