"""Building the manuscripts of one report: the article, and when the audit finds printed numbers the data
contradict, the corrected edition and the corrigendum. What ``notebooks/04-manuscripts.ipynb`` calls.

Outputs, under ``<manuscripts_dir>/<report-id>/``: ``<id>-article.{pdf,html,docx}``, ``<id>-values.csv`` (every named
value with its provenance), and for a report with corrections ``<id>-corrected.{pdf,html,docx}`` and
``<id>-corrigendum.{md,pdf}``. Each document is compiled once per build; all are written atomically and logged.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine.io import write_bytes, write_text
from casebook.manuscript import blocks as common_blocks
from casebook.manuscript import corrigendum as corr
from casebook.manuscript import render as fmt
from casebook.manuscript.sources import Sources
from casebook.manuscript.template import Template, render, title
from casebook.manuscript.values import Registry, gather
from casebook.publish import csv_cells
from casebook.text import count

TEMPLATE_NAME = "article.md"
FORMATS = ("pdf", "html", "docx", "xml")  # xml: JATS


def template_path(report_id: str) -> Path | None:
    """``src/casebook/reports/<id>/article.md``, the author's text, if the report has one."""
    from casebook.reports import get

    spec = importlib.util.find_spec(get(report_id).package)
    path = Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_NAME
    return path if path.is_file() else None


def reports_with_articles() -> list[str]:
    from casebook.reports import registry

    return [r for r in registry() if template_path(r) is not None and registry()[r].has_module("values")]


@dataclass
class Manuscripts:
    """What was built for one report (shown by the notebook: the files and what the build says)."""

    report_id: str
    registry: Registry
    files: list[Path] = field(default_factory=list)
    corrections: int = 0
    message: str = ""

    def _repr_markdown_(self) -> str:
        files = "\n".join(f"- [`{paths.relative(f)}`](../{paths.relative(f)})" for f in self.files)
        return f"**{self.report_id}**: {self.message}\n\n{files}\n"

    def values_frame(self):
        """The registry as a table: every name an author may use, its text, unit and provenance."""
        import pandas as pd

        return pd.DataFrame(self.registry.rows())

    def __repr__(self) -> str:
        return "\n".join([f"{self.report_id}: {self.message}"] + [f"  {paths.relative(f)}" for f in self.files])


def _write(outdir: Path, stem: str, markdown: str, heading: str, running: str, formats) -> list[Path]:
    return [write_bytes(outdir / f"{stem}.{f}", fmt.FORMATS[f](markdown, heading, running) if f == "pdf"
                        else fmt.FORMATS[f](markdown, heading)) for f in formats]


def _notice(n: int, report_id: str) -> str:
    return (f"*Corrected edition.* This is the article with the values recomputed from the data. Where the "
            f"published report printed a different value, the printed value is struck through and the value the data "
            f"give follows in bold ({count(n, 'correction')}; each is explained in `{report_id}-corrigendum.pdf`).")


def build_manuscripts(report_id: str, verdicts, manuscripts_dir: str = "manuscripts", figures_dir: str = "figures",
                      formats=FORMATS) -> Manuscripts:
    """Write the article of ``report_id`` (and its corrected edition and corrigendum when it has corrections)."""
    from casebook import load_dataset
    from casebook.reports import get

    report = get(report_id)
    tables = load_dataset(report_id)
    registry = gather(report_id, tables)
    module = report.module("values")
    template = Template.read(template_path(report_id))
    outdir = paths.resolve(manuscripts_dir) / report_id
    shared = common_blocks.common(report_id, verdicts)
    done = Manuscripts(report_id, registry)

    def blocks(corrected: bool) -> dict:
        return {(b.kind, b.key): b for b in [*module.blocks(tables, figures_dir, corrected), *shared]}

    sources = Sources(report_id, verdicts, tables)
    article = render(template, registry, blocks(False), sources=sources)
    heading = title(article)
    done.files += _write(outdir, f"{report_id}-article", article, heading, f"{report_id} · article", formats)
    done.files.append(write_text(outdir / f"{report_id}-values.csv", csv_cells.to_csv(done.values_frame())))
    wrong = corr.corrections(verdicts, report_id)
    done.corrections = len(wrong)
    if wrong.empty:
        done.message = "the audit finds no printed number the data contradict: no corrected edition, no corrigendum"
        return done
    printed = dict(zip(wrong["claim_id"], wrong["printed"], strict=True))
    marks = {v.name: corr.printed_part(printed[v.claim]) for v in registry if v.claim in printed}
    corrected = render(template, registry, blocks(True), marks, sources)
    first, _, rest = corrected.partition("\n")
    corrected = f"{first}\n\n{_notice(len(wrong), report_id)}\n{rest}"
    done.files += _write(outdir, f"{report_id}-corrected", corrected, heading, f"{report_id} · corrected edition",
                         formats)
    notice = corr.corrigendum_markdown(verdicts, report_id, report.title, f"{report_id}-corrected.pdf")
    done.files.append(write_text(outdir / f"{report_id}-corrigendum.md", notice))
    done.files += _write(outdir, f"{report_id}-corrigendum", notice, f"Corrigendum: {report.title}",
                         f"{report_id} · corrigendum", [f for f in formats if f == "pdf"])
    done.message = (f"{count(len(wrong), 'printed number')} the data contradict: article, corrected edition "
                    f"({len(marks)} marked in the text) and corrigendum")
    return done
