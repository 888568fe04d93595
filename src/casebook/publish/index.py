"""The workbook's index: what each notebook shows, which artefacts exist, and the CARE checklists.

Used by ``notebooks/00-index.ipynb`` and by the static bundle (:mod:`casebook.publish.site`). Nothing here knows
how an artefact was made; that is the provenance manifest's job.
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from casebook import paths
from casebook.publish.formats import FIGURE_FORMATS, TABLE_FORMATS
from casebook.registry import registry

# One line on what each notebook shows: a report's comes from its registry entry, the two notebooks that are
# not reports have theirs here. Any other notebook is described by the first paragraph of its first Markdown
# cell (see ``notebooks()``); a test checks that every committed notebook has a line.
OTHER_SUMMARIES = {
    "00-index.ipynb": "this index: every notebook, every artefact, and the CARE checklist of each report",
    "03-claims-audit.ipynb": (
        "the claims audit: every statement of each report, recomputed under a reading declared first, with a "
        "verdict, its reason and the root causes"
    ),
    "04-manuscripts.ipynb": (
        "the publication: an article per report (PDF, HTML, DOCX), a corrected edition and an editor's letter"
    ),
}
MANUSCRIPTS = "manuscripts"
MANUSCRIPT_FORMATS = ("pdf", "html", "docx", "md", "csv")


def reports() -> dict[str, str]:
    """Each report's id and one line on what it is (from the registry)."""
    return {r.id: r.title for r in registry().values()}


def summaries() -> dict[str, str]:
    """One line per notebook file name: the reports' from the registry, then the others'."""
    found = {Path(r.notebook).name: r.summary for r in registry().values() if r.summary}
    return {**found, **OTHER_SUMMARIES}




@dataclass(frozen=True)
class NotebookEntry:
    name: str  # file name, e.g. "01-jdm-case-topical-thiosulfate.ipynb"
    path: str  # project-relative
    title: str
    summary: str


@dataclass(frozen=True)
class Artefact:
    kind: str  # "figure" or "table"
    stem: str
    files: tuple[str, ...]  # project-relative paths, one per format, in FIGURE_FORMATS/TABLE_FORMATS order

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(f.rsplit(".", 1)[-1] for f in self.files)


def _visible(path: Path) -> bool:
    """Not a temporary file of an atomic write, a checkpoint or another hidden file."""
    return not any(part.startswith(".") for part in path.parts[-2:]) and not path.name.endswith(".tmp")


def notebook_paths(notebooks_dir: str | os.PathLike | None = None) -> list[Path]:
    """Every notebook in notebooks/ (sorted by name; checkpoints and hidden files excluded)."""
    folder = paths.resolve(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and _visible(p))


def _first_markdown(path: Path) -> tuple[str, str]:
    """(title, first paragraph) of a notebook's first Markdown cell; empty strings if it has none."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        title, paragraph = "", []
        for line in text.splitlines():
            stripped = line.strip()
            if not title and stripped.startswith("#"):
                title = stripped.lstrip("#").strip()
            elif stripped and not stripped.startswith(("#", "-", "*", "|")):
                paragraph.append(stripped)
            elif paragraph:
                break
        return title, " ".join(paragraph)
    return "", ""


def notebooks(notebooks_dir: str | os.PathLike | None = None) -> list[NotebookEntry]:
    """Every notebook with its title (first Markdown heading) and one line on what it shows."""
    out = []
    for path in notebook_paths(notebooks_dir):
        title, paragraph = _first_markdown(path)
        summary = summaries().get(path.name) or paragraph.split(". ")[0].rstrip(".") or "(no description)"
        out.append(NotebookEntry(path.name, paths.relative(path), title or path.stem, summary))
    return out


def artefacts(figures_dir: str | os.PathLike = "figures", tables_dir: str | os.PathLike = "tables") -> list[Artefact]:
    """Every figure and table present, grouped by name (one entry per stem, with its formats)."""
    out = []
    for kind, folder, formats in (("figure", figures_dir, FIGURE_FORMATS), ("table", tables_dir, TABLE_FORMATS)):
        folder = paths.resolve(folder)
        stems: dict[str, list[Path]] = {}
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.is_file() and _visible(p) and p.suffix.lstrip(".") in formats:
                    stems.setdefault(p.stem, []).append(p)
        for stem, files in sorted(stems.items()):
            files.sort(key=lambda p: formats.index(p.suffix.lstrip(".")))
            out.append(Artefact(kind, stem, tuple(paths.relative(p) for p in files)))
    return out


def manuscripts(manuscripts_dir: str | os.PathLike = MANUSCRIPTS) -> dict[str, list[str]]:
    """Every manuscript file present, by report: ``manuscripts/<report>/<file>`` (project-relative, sorted)."""
    folder = paths.resolve(manuscripts_dir)
    found: dict[str, list[str]] = {}
    if folder.is_dir():
        for p in sorted(folder.glob("*/*")):
            if p.is_file() and _visible(p) and p.suffix.lstrip(".") in MANUSCRIPT_FORMATS:
                found.setdefault(p.parent.name, []).append(paths.relative(p))
    return found


def _link(target: str, start: str) -> str:
    """A relative link from the folder ``start`` to ``target`` (both project-relative, POSIX)."""
    return posixpath.relpath(target, start).replace(" ", "%20")


def _md(text: str) -> str:
    """Text safe to put inside Markdown (no HTML, no link or emphasis syntax)."""
    out = str(text)
    for char in "\\`*_[]<>|":
        out = out.replace(char, "\\" + char)
    return out


def notebooks_markdown(notebooks_dir: str | os.PathLike | None = None) -> str:
    """A Markdown list linking every notebook (links relative to notebooks/, so they work in JupyterLab)."""
    lines = []
    for nb in notebooks(notebooks_dir):
        folder = posixpath.dirname(nb.path)
        lines.append(f"- [{_md(nb.title)}]({_link(nb.path, folder)}) (`{nb.name}`): {_md(nb.summary)}")
    return "\n".join(lines) + "\n"


def artefacts_markdown(figures_dir: str | os.PathLike = "figures", tables_dir: str | os.PathLike = "tables",
                       notebooks_dir: str | os.PathLike | None = None) -> str:
    """A Markdown list of every artefact, with a link to each format (relative to notebooks/)."""
    start = paths.relative(paths.resolve(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS)
    sections = []
    for kind, heading in (("figure", "Figures"), ("table", "Tables")):
        items = [a for a in artefacts(figures_dir, tables_dir) if a.kind == kind]
        lines = [f"**{heading}** ({len(items)})", ""]
        lines += [
            f"- {_md(a.stem)}: " + " · ".join(f"[{fmt}]({_link(f, start)})" for fmt, f in zip(a.formats, a.files, strict=False))
            for a in items
        ] or ["- none yet"]
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def manuscripts_markdown(manuscripts_dir: str | os.PathLike = MANUSCRIPTS,
                         notebooks_dir: str | os.PathLike | None = None) -> str:
    """A Markdown list of each report's manuscripts (article, corrected edition, editor's letter), linked."""
    start = paths.relative(paths.resolve(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS)
    found = manuscripts(manuscripts_dir)
    lines = [f"- **{_md(report)}**: " + " · ".join(f"[{_md(posixpath.basename(f))}]({_link(f, start)})" for f in files)
             for report, files in found.items()]
    return "\n".join(lines or ["- none yet (run `make build`)"]) + "\n"


def care_stem(report_id: str) -> str:
    """The file stem of a report's CARE table: ``care-checklist-<report>``."""
    return f"care-checklist-{report_id}"


def care_caption(report_id: str, df=None) -> str:
    from casebook.publish.care import CARE_ITEMS

    caption = (f"CARE checklist, {report_id}: each of the {len(CARE_ITEMS)} CARE case-report items graded from "
               "field-level completeness, with the elements missing")
    if df is not None:
        counts = df["status"].value_counts()
        caption += " (" + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("covered", "partly covered", "not covered")) + ")"
    return caption


def care_table(report_id: str, data_dir: str | None = None):
    """A report's CARE checklist (a DataFrame) and its caption."""
    from casebook.publish.care import care_checklist

    df = care_checklist(report_id, data_dir)
    return df, care_caption(report_id, df)


def care_spec(report_id: str, data_dir: str | None = None):
    """A report's CARE checklist as a table to publish (stem ``care-checklist-<report>``, with its caption)."""
    from casebook.publish.artefacts import TableSpec

    df, caption = care_table(report_id, data_dir)
    return TableSpec(df, care_stem(report_id), caption)
