"""References: each report's bibliography and the style pandoc's citeproc formats it with.

A report's references live with it, in ``data/<id>/references.json`` (CSL JSON): the report it rebuilds, under the
report's own id, and the works it names. A field the source text does not give is marked unknown in brackets
(``[Authors unknown]``), never filled in. Templates cite with pandoc's syntax (``[@arabshahi-et-al]``) and place the
list with ``[[section: references]]``; the editor's letter cites the report it writes to. Every citation and every
reference list is formatted by citeproc (``--citeproc``) in the Vancouver style committed beside this module
(``styles/vancouver.csl``, CC BY-SA 3.0, see ``styles/README.md``); nothing here formats a reference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from casebook import paths
from casebook.engine.io import record_input
from casebook.exceptions import CasebookError
from casebook.manuscript.render import REFS, pandoc_text

FILE = "references.json"
STYLE = Path(__file__).parent / "styles" / "vancouver.csl"
CITATION = re.compile(r"\[@([\w-]+)\]")


def report_file(report_id: str, name: str) -> Path:
    """``data/<id>/<name>``: a file of the report's own folder (wherever the registry puts that folder)."""
    from casebook.registry import get

    return get(report_id).data_dir / name


def path(report_id: str) -> Path:
    return report_file(report_id, FILE)


def load(report_id: str) -> list[dict]:
    """The report's references (CSL JSON), checked: a list of entries, each with an ``id`` and a ``type``, one of
    them the report itself (``id`` = the report id)."""
    file = path(report_id)
    if not file.is_file():
        raise CasebookError(f"{paths.relative(file)} does not exist: every report needs its references (CSL JSON), "
                            "the report itself first, under the report's id")
    record_input(file)
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CasebookError(f"{paths.relative(file)}: not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise CasebookError(f"{paths.relative(file)}: a CSL JSON list of references is expected")
    for n, entry in enumerate(entries, start=1):
        missing = [k for k in ("id", "type") if not isinstance(entry, dict) or not entry.get(k)]
        if missing:
            raise CasebookError(f"{paths.relative(file)}, entry {n}: no {' or '.join(missing)}")
    if report_id not in [e["id"] for e in entries]:
        raise CasebookError(f"{paths.relative(file)}: no entry with id {report_id!r} (the report itself)")
    return entries


def source(report_id: str) -> dict:
    """The entry of the report itself: what its text gives of its authors, title, journal, year and DOI."""
    return next(e for e in load(report_id) if e["id"] == report_id)


def journal(report_id: str) -> dict[str, str]:
    """The JATS journal metadata, from the report's source entry: its journal title (as the references file gives
    it, an unknown one marked so) and the ISSN and publisher where it gives them; nothing else is filled in."""
    entry = source(report_id)
    fields = {"title": "container-title", "abbrev-title": "container-title-short", "pissn": "ISSN",
              "publisher-name": "publisher"}
    return {k: str(entry[v]) for k, v in fields.items() if entry.get(v)}


def front_matter(report_id: str) -> str:
    """The metadata block that hands the report's references and the style to pandoc's citeproc, and the journal
    metadata to the JATS writer (JSON strings: valid YAML, whatever they hold)."""
    meta = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in journal(report_id).items())
    return (f"---\nbibliography: {paths.relative(path(report_id))}\ncsl: {paths.relative(STYLE)}\n"
            f"link-citations: true\narticle:\n  type: case-report\n" + (f"journal:\n{meta}" if meta else "") + "---\n\n")


def with_references(markdown: str, report_id: str) -> str:
    """The Markdown with its front matter: what the formats render (citations resolved by citeproc)."""
    return front_matter(report_id) + markdown


def resolved(markdown: str, report_id: str) -> str:
    """Plain Markdown with every citation and the reference list as citeproc writes them (pandoc's plain text of
    each), for a Markdown file that is read as it is: the editor's letter."""
    keys = CITATION.findall(markdown)
    if not keys:
        return markdown
    probe = "\n\n".join(f"[@{k}]" for k in keys) + f"\n\n{REFS}\n"
    parts = pandoc_text(with_references(probe, report_id)).strip().split("\n\n")
    cited, entries = parts[:len(keys)], parts[len(keys):]
    texts = iter(cited)
    out = CITATION.sub(lambda m: next(texts), markdown)
    return out.replace(REFS, "\n\n".join(entries))
