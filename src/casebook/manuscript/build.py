"""Building the manuscripts of one report: the article, and when the audit finds something to correct, query or
report missing, the corrected edition and the editor's letter. What ``notebooks/04-manuscripts.ipynb`` calls.

Outputs, under ``<manuscripts_dir>/<report-id>/``: ``<id>-article.{pdf,html,docx}``, ``<id>-values.csv`` (every named
value with its provenance), and for a report with findings ``<id>-corrected.{pdf,html,docx}`` and the letter,
``<id>-corrigendum.{md,pdf}``. Each document is compiled once per build; all are written atomically and logged.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.engine.io import look, scope, write_bytes, write_text
from casebook.exceptions import CasebookError
from casebook.manuscript import annotate, references
from casebook.manuscript import blocks as common_blocks
from casebook.manuscript import corrigendum as corr
from casebook.manuscript import render as fmt
from casebook.manuscript.letter import letter_markdown
from casebook.manuscript.sources import Sources
from casebook.manuscript.template import Template, render, title
from casebook.manuscript.values import Registry, gather
from casebook.publish import csv_cells
from casebook.text import count

TEMPLATE_NAME = "article.md"
FORMATS = ("pdf", "html", "docx", "xml")  # xml: JATS


def template_path(report_id: str) -> Path | None:
    """``src/casebook/reports/<id>/article.md``, the author's text, if the report has one."""
    from casebook.registry import get

    spec = importlib.util.find_spec(get(report_id).package)
    path = Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_NAME
    return path if look(path) else None


def reports_with_articles() -> list[str]:
    from casebook.registry import registry

    return [r for r in registry() if template_path(r) is not None and registry()[r].has_module("values")]


@dataclass
class Manuscripts:
    """What was built for one report (shown by the notebook: the files and what the build says)."""

    report_id: str
    registry: Registry
    files: list[Path] = field(default_factory=list)
    corrections: int = 0
    message: str = ""
    verdicts: object = None  # DataFrame: the verdicts of the report's claims it was built from

    def _repr_markdown_(self) -> str:
        files = "\n".join(f"- [`{paths.relative(f)}`](../{paths.relative(f)})" for f in self.files)
        return f"**{self.report_id}**: {self.message}\n\n{files}\n"

    def values_frame(self):
        """The registry as a table: every name an author may use, its text, unit and provenance."""
        import pandas as pd

        return pd.DataFrame(self.registry.rows())

    def __repr__(self) -> str:
        return "\n".join([f"{self.report_id}: {self.message}"] + [f"  {paths.relative(f)}" for f in self.files])


def _write(outdir: Path, stem: str, markdown: str, heading: str, running: str, formats, report_id: str) -> list[Path]:
    markdown = references.with_references(markdown, report_id)  # citeproc resolves the citations in every format
    return [write_bytes(outdir / f"{stem}.{f}", fmt.FORMATS[f](markdown, heading, running) if f == "pdf"
                        else fmt.FORMATS[f](markdown, heading)) for f in formats]


def _notice(found, letter_name: str) -> str:
    def labels(kind: str, noun: str) -> str:
        mine = [i.label for i in found if i.kind == kind]
        return "" if not mine else f"{noun} ({mine[0] if len(mine) == 1 else f'{mine[0]}–{mine[-1]}'})"

    fixed = labels("correction", "corrections")
    open_ = " and ".join(x for x in (labels("query", "queries to the authors"), labels("gap", "reporting gaps")) if x)
    parts = ([f"{fixed}, shown in bold, with a wrongly printed number struck through before its correction"] if fixed
             else []) + ([f"{open_}, which change nothing"] if open_ else [])
    return (f"*Corrected edition.* This is the article rebuilt from the data, with every item of the editor's letter "
            f"(`{letter_name}`) marked in place by its label: {'; '.join(parts)}. Each mark links to its note at the "
            "end.")


def corrected_markdown(report_id: str, verdicts, template: Template, registry: Registry, blocks: dict,
                       sources=None, found=None) -> str:
    """The corrected edition: the article with every item of the letter marked (see
    :mod:`casebook.manuscript.annotate`), a notice under its title and the notes at its end."""
    found = corr.items(verdicts, report_id) if found is None else found
    marks = annotate.place(found, template, registry, verdicts)
    text = render(template, registry, blocks, marks, sources)
    first, _, rest = text.partition("\n")
    letter_name = f"{report_id}-corrigendum.pdf"
    return f"{first}\n\n{_notice(found, letter_name)}\n{rest}\n{annotate.notes(found, letter_name)}"


def build_manuscripts(report_id: str, verdicts, manuscripts_dir: str = "manuscripts", figures_dir: str = "figures",
                      formats=FORMATS, claims_path: str = "") -> Manuscripts:
    """Write the article of ``report_id`` (and its corrected edition and editor's letter when it has findings; the
    letter's competing explanations are worked out from the report's register, or the claims file ``claims_path``)."""
    from casebook import load_dataset
    from casebook.registry import get

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
    done.files += _write(outdir, f"{report_id}-article", article, heading, f"{report_id} · article", formats, report_id)
    done.files.append(write_text(outdir / f"{report_id}-values.csv", csv_cells.to_csv(done.values_frame())))
    found = corr.items(verdicts, report_id)
    done.corrections = sum(1 for i in found if i.kind == "correction")
    if not found:
        done.message = "the audit finds nothing to correct, query or report missing: no corrected edition, no letter"
        return done
    corrected = corrected_markdown(report_id, verdicts, template, registry, blocks(True), sources, found)
    letter = letter_markdown(verdicts, report_id, report.title, f"{report_id}-corrected.pdf", found,
                             claims_path=claims_path)
    problems = {k: v for k, v in annotate.unmatched(letter, corrected).items() if v}
    if problems:
        raise CasebookError(f"{report_id}: the corrected edition and the letter disagree: {problems}")
    done.files += _write(outdir, f"{report_id}-corrected", corrected, heading, f"{report_id} · corrected edition",
                         formats, report_id)
    done.files.append(write_text(outdir / f"{report_id}-corrigendum.md", references.resolved(letter, report_id)))
    done.files += _write(outdir, f"{report_id}-corrigendum", letter, f"Editor's letter: {report.title}",
                         f"{report_id} · editor's letter", [f for f in formats if f == "pdf"], report_id)
    done.message = (f"{count(len(found), 'item')} for the authors ({', '.join(i.label for i in found)}): article, "
                    "corrected edition (every item marked in place) and editor's letter")
    return done


def report_manuscripts(report_id: str, manuscripts_dir: str = "manuscripts", figures_dir: str = "figures",
                       claims_path: str = "") -> Manuscripts:
    """:func:`build_manuscripts` for one report, from the audit of that report's claims alone (or of the claims file
    ``claims_path``), in the report's own build scope (:func:`casebook.engine.io.scope`): what it writes depends
    on, and its provenance lists, only what it read, so another report's claims or data cannot change it."""
    with scope(report_id):
        verdicts = corr.claim_verdicts(claims_path, report_id=None if claims_path else report_id)
        verdicts = verdicts[verdicts["report"] == report_id].reset_index(drop=True)
        done = build_manuscripts(report_id, verdicts, manuscripts_dir, figures_dir, claims_path=claims_path)
    done.verdicts = verdicts
    return done


def verdict_counts(built: list[Manuscripts]):
    """How many claims of each report have each verdict (the reports of ``built``)."""
    import pandas as pd

    frames = [m.verdicts for m in built if m.verdicts is not None]
    if not frames:
        return pd.DataFrame(columns=["report", "verdict", "claims"])
    verdicts = pd.concat(frames, ignore_index=True)
    return verdicts.groupby(["report", "verdict"]).size().rename("claims").reset_index()
