"""The static bundle for reviewers without Python: ``build/site/``, opened from the file system.

* ``build/site/notebooks/<name>.html``: one page per executed notebook (nbconvert, JupyterLab look), with a
  header giving its provenance (parameters, inputs with sha256) and the artefacts it wrote.
* ``build/site/index.html``: links to every page, the CARE checklist of each report, every figure (embedded
  ``<img>``) and table (rendered from its CSV), each with its provenance from ``provenance.json``, and the
  software versions of the build.
* ``build/site/figures/``, ``build/site/tables/``: copies of the artefacts, so links are relative and the
  folder can be zipped and mailed.

The bundle loads nothing over the network: nbconvert's CDN scripts (require.js, MathJax, Mermaid, widgets) are
dropped by the template, and a check refuses any remaining ``http(s)`` script, stylesheet or image source.
Every string that comes from data, the manifest or a notebook's name is escaped with :func:`html.escape`.
Every file is written atomically (:mod:`casebook.engine.io`); files of an earlier bundle that are no longer part of it
are removed.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from casebook import paths
from casebook.engine import provenance
from casebook.engine.hashing import sha256_file
from casebook.engine.io import write_bytes, write_text
from casebook.exceptions import CasebookError
from casebook.publish.index import Artefact, artefacts, care_stem, notebook_paths, notebooks, reports, summaries

SITE_DIR = "build/site"

# nbconvert's lab template without anything it would fetch from a CDN.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.casebook_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.casebook_header }}{%- endblock body_header -%}
"""

_CSS = """
.casebook-nav { font-family: system-ui, sans-serif; font-size: 14px; max-width: 1100px; margin: 0 auto 1.5em;
  padding: 0.8em 1em; border: 1px solid #ccc; border-radius: 4px; background: #f7f7f7; }
.casebook-nav h2 { font-size: 15px; margin: 0.6em 0 0.3em; }
.casebook-nav table, .prov table { border-collapse: collapse; font-size: 13px; }
.casebook-nav td, .casebook-nav th, .prov td, .prov th { border: 1px solid #ddd; padding: 2px 6px;
  text-align: left; vertical-align: top; }
.casebook-nav a { color: #0645ad; text-decoration: underline; }
code, .sha { font-family: ui-monospace, monospace; font-size: 12px; }
"""

_INDEX_CSS = _CSS + """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em 4em;
  color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
section.artefact { border: 1px solid #ddd; border-radius: 4px; padding: 0.6em 1em; margin: 1em 0; }
section.artefact h3 { margin: 0.2em 0 0.5em; font-size: 16px; }
section.artefact img { max-width: 100%; max-height: 36em; width: auto; height: auto; border: 1px solid #eee; }
.data { overflow-x: auto; max-height: 40em; overflow-y: auto; } .data.care { max-height: none; }
table.data-table { border-collapse: collapse; font-size: 13px; }
table.data-table th, table.data-table td { border: 1px solid #ccc; padding: 3px 6px; text-align: left;
  vertical-align: top; }
table.data-table th { background: #f0f0f0; position: sticky; top: 0; }
tr.covered td.status { background: #d9f2d9; } tr.partly-covered td.status { background: #fff2cc; }
tr.not-covered td.status { background: #f8d7da; }
.prov { font-size: 13px; margin-top: 0.6em; } .prov summary { cursor: pointer; color: #555; }
.warn { color: #a00; font-weight: bold; }
nav.toc a { margin-right: 1em; }
"""

# A script, stylesheet, image or frame loaded from the network (links to read are fine, loads are not).
_EXTERNAL_LOAD = re.compile(
    r"<(?:script|img|iframe|source|embed)\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?\s*(?:https?:)?//"
    r"|url\(\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)
_IPYNB_HREF = re.compile(r"""href=(["'])(?![a-z][a-z0-9+.-]*:|/|#)([^"'#?]+)\.ipynb([#?][^"']*)?\1""", re.IGNORECASE)


def e(value) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _href(path: str) -> str:
    return e(quote(path, safe="/#"))


# --- provenance --------------------------------------------------------------------------------------------


# --- which notebooks -----------------------------------------------------------------------------------------


def site_notebooks() -> list[str]:
    """Project-relative paths of the executed notebooks: those of notebooks/build.toml, else notebooks/*.ipynb."""
    if paths.BUILD_MANIFEST.is_file():
        from casebook.engine.build import read_manifest  # a malformed manifest fails here as it fails the build

        return list(dict.fromkeys(run.notebook for run in read_manifest()))
    return [paths.relative(p) for p in notebook_paths()]


def _page(notebook: str) -> str:
    """Site-relative path of a notebook's page: it mirrors the project, so ``../figures/`` links keep working."""
    return str(Path(notebook).with_suffix(".html").as_posix())


# --- HTML pieces ---------------------------------------------------------------------------------------------


@dataclass
class _Context:
    prov: dict[str, dict]
    pages: dict[str, str]  # notebook path -> site-relative page
    environment: dict = field(default_factory=dict)  # software versions of the build (the manifest's)


def _file_status(rel: str, entry: dict | None) -> str:
    if entry is None:
        return '<span class="warn">not in provenance.json</span>'
    actual = sha256_file(paths.resolve(rel))
    if actual != entry.get("sha256"):
        return '<span class="warn">differs from provenance.json (changed since the build)</span>'
    return "matches provenance.json"


def _params_html(params: dict) -> str:
    if not params:
        return "none"
    return ", ".join(f"<code>{e(k)}</code> = <code>{e(json.dumps(v, ensure_ascii=False))}</code>"
                     for k, v in sorted(params.items()))


def _inputs_html(inputs: dict) -> str:
    if not inputs:
        return "none recorded"
    rows = "".join(f"<tr><td><code>{e(p)}</code></td><td class=\"sha\">{e(s)}</td></tr>" for p, s in sorted(inputs.items()))
    return f"<table><tr><th>input</th><th>sha256</th></tr>{rows}</table>"


def _provenance_html(files: list[str], ctx: _Context, base: str, open_: bool = False) -> str:
    """The provenance of one artefact (all its formats): notebook, parameter set and values, inputs, hashes."""
    entries = {f: ctx.prov.get(f) for f in files}
    first = next((v for v in entries.values() if v), None)
    lines = []
    if first is None:
        lines.append('<p class="warn">No provenance recorded for this artefact (run <code>make build</code>).</p>')
    else:
        nb = first.get("notebook", "")
        page = ctx.pages.get(nb)
        nb_html = f"<code>{e(nb)}</code>" + (f' (<a href="{_href(base + page)}">page</a>)' if page else "")
        lines.append("<table>")
        lines.append(f"<tr><th>notebook</th><td>{nb_html}</td></tr>")
        lines.append(f"<tr><th>parameter set</th><td><code>{e(first.get('parameter_set', ''))}</code></td></tr>")
        lines.append(f"<tr><th>parameters</th><td>{_params_html(first.get('parameters') or {})}</td></tr>")
        lines.append(f"<tr><th>data and other inputs</th><td>{_inputs_html(first.get('inputs') or {})}</td></tr>")
        lines.append(f"<tr><th>software</th><td>{_versions_html(ctx.environment, base)}</td></tr>")
        lines.append("</table>")
    rows = "".join(
        f"<tr><td><code>{e(f)}</code></td><td class=\"sha\">{e((entries[f] or {}).get('sha256', ''))}</td>"
        f"<td>{_file_status(f, entries[f])}</td></tr>"
        for f in files
    )
    lines.append(f"<table><tr><th>file</th><th>sha256 (provenance.json)</th><th>file on disk</th></tr>{rows}</table>")
    made_by = f": {e(first.get('notebook', ''))} [{e(first.get('parameter_set', ''))}]" if first else ": not recorded"
    return (f'<details class="prov"{" open" if open_ else ""}><summary>Provenance{made_by}</summary>'
            + "\n".join(lines) + "</details>")


def _versions_html(environment: dict, base: str) -> str:
    if not environment:
        return "not recorded"
    short = ", ".join(f"{e(k)} {e(v)}" for k, v in sorted(environment.items()) if k != "requirements.lock")
    return f'{short} (<a href="{_href(base + "index.html#environment")}">environment</a>)'



def _csv_table_html(text: str, care: bool = False) -> str:
    """A CSV (its text) rendered as an HTML table; every cell escaped."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return "<p>(empty table)</p>"
    header, body = rows[0], rows[1:]
    status_col = header.index("status") if care and "status" in header else None
    out = [f'<div class="data{" care" if care else ""}"><table class="data-table"><thead><tr>']
    out += [f"<th>{e(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in body:
        cls = ""
        if status_col is not None and status_col < len(row):
            cls = f' class="{e(row[status_col].replace(" ", "-"))}"'
        cells = "".join(
            ('<td class="status">' if i == status_col else "<td>") + f"{e(v)}</td>" for i, v in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _formats_html(a: Artefact, base: str = "") -> str:
    return " · ".join(f'<a href="{_href(base + f)}">{e(fmt)}</a>' for fmt, f in zip(a.formats, a.files))


def _figure_html(a: Artefact, ctx: _Context) -> str:
    png = next((f for f in a.files if f.endswith(".png")), None)
    img = f'<img src="{_href(png)}" alt="{e(a.stem)}">' if png else "<p>(no PNG)</p>"
    return (f'<section class="artefact figure" id="{e("figure-" + a.stem)}"><h3>{e(a.stem)}</h3>{img}'
            f"<p>Files: {_formats_html(a)}</p>{_provenance_html(list(a.files), ctx, '')}</section>")


def _table_html(a: Artefact, ctx: _Context, care: bool = False) -> str:
    csv_file = next((f for f in a.files if f.endswith(".csv")), None)
    body = _csv_table_html(paths.resolve(csv_file).read_text(encoding="utf-8"), care) if csv_file else "<p>(no CSV)</p>"
    return (f'<section class="artefact table" id="{e("table-" + a.stem)}"><h3>{e(a.stem)}</h3>{body}'
            f"<p>Files: {_formats_html(a)}</p>{_provenance_html(list(a.files), ctx, '')}</section>")


def _care_html(report: str, found: dict[str, Artefact], ctx: _Context) -> str:
    stem = care_stem(report)
    head = f"<h3>{e(report)}: {e(reports().get(report, ''))}</h3>"
    if stem in found:
        return head + _table_html(found[stem], ctx, care=True)
    # Not built yet: judge it now from the data, and say so.
    from casebook.publish.care import care_checklist

    table = _csv_table_html(care_checklist(report).to_csv(index=False, lineterminator="\n"), care=True)
    return (head + f'<p class="warn">tables/{e(stem)}.csv does not exist yet (run <code>make build</code>); '
            f"judged now from data/.</p>{table}")


# --- notebook pages ------------------------------------------------------------------------------------------


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


def _notebook_header(notebook: str, ctx: _Context) -> str:
    entry = ctx.prov.get(notebook)
    nav = " · ".join(
        [f'<a href="{_href(_rel_to_root(notebook) + "index.html")}">index</a>']
        + [f'<a href="{_href(_rel_to_root(notebook) + p)}">{e(Path(nb).stem)}</a>' for nb, p in ctx.pages.items()]
    )
    name = Path(notebook).name
    out = [f'<div class="casebook-nav"><p><strong>casebook</strong> · {nav}</p>',
           f"<p>This page is <code>{e(notebook)}</code> as committed (executed by the build)"
           + (f": {e(summaries()[name])}." if name in summaries() else ".") + "</p>"]
    if entry:
        out.append("<h2>Provenance</h2><table>"
                   f"<tr><th>notebook sha256</th><td class=\"sha\">{e(entry.get('sha256', ''))} "
                   f"({_file_status(notebook, entry)})</td></tr>"
                   f"<tr><th>parameter set</th><td><code>{e(entry.get('parameter_set', ''))}</code></td></tr>"
                   f"<tr><th>parameters</th><td>{_params_html(entry.get('parameters') or {})}</td></tr>"
                   f"<tr><th>data and other inputs</th><td>{_inputs_html(entry.get('inputs') or {})}</td></tr>"
                   f"<tr><th>software</th><td>{_versions_html(ctx.environment, _rel_to_root(notebook))}</td></tr>"
                   "</table>")
    else:
        out.append('<p class="warn">No provenance recorded for this notebook (run <code>make build</code>).</p>')
    written = sorted(p for p, v in ctx.prov.items() if v.get("notebook") == notebook and p != notebook)
    if written:
        base = _rel_to_root(notebook)
        items = "".join(f'<li><a href="{_href(base + p)}"><code>{e(p)}</code></a></li>' for p in written)
        out.append(f"<h2>Artefacts it wrote</h2><ul>{items}</ul>")
    out.append("</div>")
    return "\n".join(out)


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


def external_loads(page_html: str) -> list[str]:
    """Every place where the page would load something from the network."""
    return [page_html[m.start(): m.start() + 120] for m in _EXTERNAL_LOAD.finditer(page_html)]


def _check_offline(name: str, page_html: str) -> None:
    found = external_loads(page_html)
    if found:
        raise CasebookError(f"{name} would load {len(found)} resource(s) from the network, e.g. {found[0]!r}")


def render_notebook(notebook: str, ctx: _Context, exporter=None) -> str:
    import nbformat

    nb = nbformat.read(paths.resolve(notebook), as_version=4)
    exporter = exporter or _exporter()
    resources = {
        "metadata": {"name": Path(notebook).stem, "path": str(paths.resolve(notebook).parent)},
        "casebook_css": _CSS,
        "casebook_header": _notebook_header(notebook, ctx),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _rewrite_notebook_links(body, ctx.pages, notebook)


# --- index page ----------------------------------------------------------------------------------------------


def render_index(ctx: _Context, found: list[Artefact]) -> str:
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
        "<p>Two published clinical reports on sodium thiosulfate for calcinosis, rebuilt from tidy CSV data, "
        "and an audit of every number they print. Every page here was generated from the committed, executed "
        "notebooks; every figure and table is shown with its provenance: the notebook and parameters that made "
        "it, the data files it read (sha256) and the software versions. This folder needs no server and no "
        "network.</p>",
        '<nav class="toc"><a href="#notebooks">Notebooks</a><a href="#care">CARE checklists</a>'
        f'<a href="#figures">Figures ({len(figures)})</a><a href="#tables">Tables ({len(tables)})</a>'
        '<a href="#environment">Environment</a></nav>',
        '<h2 id="notebooks">Notebooks</h2>',
        "<table class=\"data-table\"><thead><tr><th>page</th><th>what it shows</th><th>notebook</th></tr></thead><tbody>",
    ]
    for nb, page in sorted(ctx.pages.items()):
        entry = entries.get(nb)
        title = entry.title if entry else Path(nb).stem
        summary = entry.summary if entry else ""
        out.append(f'<tr><td><a href="{_href(page)}">{e(title)}</a></td><td>{e(summary)}</td>'
                   f"<td><code>{e(nb)}</code></td></tr>")
    out.append("</tbody></table>")
    out.append('<h2 id="care">CARE checklists</h2>')
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


# --- the bundle ----------------------------------------------------------------------------------------------


def build_site(out_dir: str | Path | None = None) -> Path:
    """Write the static bundle; return the path of its index.html."""
    out = paths.resolve(out_dir or SITE_DIR)
    doc = provenance.read_document()
    nbs = site_notebooks()
    ctx = _Context(prov=doc.get("artefacts", {}), pages={nb: _page(nb) for nb in nbs},
                   environment=doc.get("environment", {}))
    written: set[Path] = set()

    def put(rel: str, data: str | bytes) -> None:
        target = out / rel
        if isinstance(data, str):
            _check_offline(rel, data)
            write_text(target, data)
        else:
            write_bytes(target, data)
        written.add(target.resolve())

    exporter = _exporter()
    for nb in nbs:
        put(ctx.pages[nb], render_notebook(nb, ctx, exporter))
    found = artefacts()
    for a in found:
        for f in a.files:
            put(f, paths.resolve(f).read_bytes())
    put("index.html", render_index(ctx, found))
    _remove_stale(out, written)
    return out / "index.html"


def _remove_stale(out: Path, written: set[Path]) -> None:
    for p in sorted(out.rglob("*"), reverse=True):
        if p.is_file() and p.resolve() not in written:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()


def main_html() -> int:
    """``casebook html``: write the bundle and say where it is."""
    index = build_site()
    site = index.parent
    pages = sorted(p for p in site.rglob("*.html") if p != index)
    print(f"wrote {paths.relative(index)}: {len(pages)} notebook page(s), "
          f"{len(list((site / 'figures').glob('*.png')))} figure(s), {len(list((site / 'tables').glob('*.csv')))} table(s)")
    print(f"open {paths.relative(index)} in a browser (no server needed)")
    return 0


if __name__ == "__main__":
    import sys

    try:
        sys.exit(main_html())
    except CasebookError as exc:
        print(f"casebook: error: {exc}", file=sys.stderr)
        sys.exit(1)
