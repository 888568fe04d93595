"""HTML pieces of the static bundle: styles, escaping, the offline check, CSV tables and provenance blocks.

Every string that comes from data, the manifest or a notebook's name is escaped with :func:`e`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from casebook import paths
from casebook.engine.hashing import sha256_file
from casebook.exceptions import CasebookError
from casebook.publish.csv_cells import unescape

# nbconvert's lab template without anything it would fetch from a CDN.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.casebook_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.casebook_header }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.casebook_footer }}{{ super() }}{%- endblock body_footer -%}
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


def href(path: str) -> str:
    return e(quote(path, safe="/#"))




def external_loads(page_html: str) -> list[str]:
    """Every place where the page would load something from the network."""
    return [page_html[m.start(): m.start() + 120] for m in _EXTERNAL_LOAD.finditer(page_html)]


def check_offline(name: str, page_html: str) -> None:
    found = external_loads(page_html)
    if found:
        raise CasebookError(f"{name} would load {len(found)} resource(s) from the network, e.g. {found[0]!r}")


@dataclass
class Context:
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


def _provenance_html(files: list[str], ctx: Context, base: str, open_: bool = False) -> str:
    """The provenance of one artefact (all its formats): notebook, parameter set and values, inputs, hashes."""
    entries = {f: ctx.prov.get(f) for f in files}
    first = next((v for v in entries.values() if v), None)
    lines = []
    if first is None:
        lines.append('<p class="warn">No provenance recorded for this artefact (run <code>make build</code>).</p>')
    else:
        nb = first.get("notebook", "")
        page = ctx.pages.get(nb)
        nb_html = f"<code>{e(nb)}</code>" + (f' (<a href="{href(base + page)}">page</a>)' if page else "")
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
    return f'{short} (<a href="{href(base + "index.html#environment")}">environment</a>)'



def csv_table_html(text: str, care: bool = False) -> str:
    """A CSV (its text) rendered as an HTML table; every cell escaped for HTML, and shown as the table holds it
    (without the quote that keeps a spreadsheet from executing it)."""
    rows = [[unescape(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
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


