"""An author's own series to a publication: ``casebook publish DATA_DIR --out OUT_DIR``.

:func:`publish_series` reads a series folder in report 2's schema (validated like ``casebook validate DIR``) and
writes, under ``OUT_DIR``, every file named from the folder's id (:func:`casebook.author.meta.series_id`)::

    tables/<id>-table1.{csv,md,tex}, <id>-outcomes, <id>-reductions, <id>-doses, <id>-injections, <id>-lesions,
        <id>-patients, <id>-case-summary.md
    figures/<id>-lesion-size-trajectories.{png,svg,pdf}, <id>-reduction-per-lesion, <id>-dose-and-injections
    <id>-article.{pdf,html,docx}       the article (casebook.author.article)
    <id>-care-checklist.{csv,md,tex}   the CARE checklist of the data and of the article
    <id>-draft-audit.{csv,md,tex}, <id>-draft-audit-root-causes.*   when the folder holds the authors' draft claims

The notebook ``src/casebook/author/publication.ipynb`` calls it (parameters ``data_dir``, ``out_dir``, ...): the
command line executes that notebook with papermill and keeps it as ``<id>-publication.ipynb``, and anyone can run
it with papermill the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from casebook import paths
from casebook.author import article, care, draft
from casebook.author.meta import read, series_id
from casebook.engine.io import write_bytes, write_text

FORMATS = ("pdf", "html", "docx")
NOTEBOOK = Path(__file__).with_name("publication.ipynb")


@dataclass
class Publication:
    """What :func:`publish_series` wrote for one series."""

    series: str
    title: str
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    draft: draft.DraftAudit | None = None

    def _repr_markdown_(self) -> str:
        listed = "\n".join(f"- `{f.relative_to(self.out_dir).as_posix()}`" for f in self.files)
        return f"**{self.title}** (`{self.series}`): {len(self.files)} files in `{self.out_dir}`\n\n{listed}\n"

    def __repr__(self) -> str:
        return "\n".join([f"{self.series}: {self.title}"] + [f"  {f.relative_to(self.out_dir).as_posix()}" for f in self.files])


def _published(spec, series: str, out: Path) -> list[Path]:
    from casebook import publish

    return publish.table(replace(spec, stem=article.renamed(spec.stem, series)), tables_dir=out).files


def _figures(tables, weeks, series: str, out: Path, formats) -> dict[str, Path]:
    from casebook import publish
    from casebook.reports.sts_series import figures as f

    drawn = {"trajectories": lambda: f.plot_size_trajectories(tables, weeks), "reductions": lambda: f.plot_reductions(tables, weeks),
             "doses": lambda: f.plot_doses(tables)}
    out_files = {}
    for key, draw in drawn.items():
        stem = article.renamed(article.FIGURES[key], series)
        publish.figure(draw(), stem, out, sorted({*formats, "svg"}))
        out_files[key] = out / f"{stem}.svg"
    return out_files


def publish_series(data_dir: str | Path, out_dir: str | Path, follow_up_weeks: Iterable[int] | None = None,
                   figure_formats: Iterable[str] = ("png", "svg", "pdf"), formats: Iterable[str] = FORMATS) -> Publication:
    """Write the publication of the series in ``data_dir`` under ``out_dir`` (both relative to the project root, or
    absolute); see the module's docstring for what it writes."""
    from casebook import load_dataset
    from casebook.manuscript import render as fmt
    from casebook.manuscript.template import title as title_of
    from casebook.reports.sts_series import analysis as series_api
    from casebook.reports.sts_series import summary

    folder, out = paths.resolve(data_dir), paths.resolve(out_dir)
    tables = load_dataset(article.REPORT, folder)
    meta, sid = read(folder), series_id(folder)
    weeks = series_api.follow_up_weeks(tables, follow_up_weeks)
    done = Publication(sid, meta.title or article.neutral_title(tables), out)
    for spec in article.table_specs(tables, weeks).values():
        done.files += _published(spec, sid, out / "tables")
    text = "## Case summary (generated from data)\n\n" + summary.case_summary(tables, weeks)
    done.files.append(write_text(out / "tables" / f"{sid}-case-summary.md", text))
    svgs = _figures(tables, weeks, sid, out / "figures", figure_formats)
    done.files += sorted(p for p in (out / "figures").glob(f"{sid}-*") if p.is_file())
    done.draft = draft.audit_draft(folder, tables)
    results = None if done.draft is None else done.draft.results
    markdown = article.markdown(tables, weeks, meta, svgs, folder, results, done.draft.file if done.draft else "")
    heading = title_of(markdown)
    for f in formats:
        data = (fmt.pdf(markdown, heading, f"{sid} · article", root="/") if f == "pdf" else fmt.FORMATS[f](markdown, heading))
        done.files.append(write_bytes(out / f"{sid}-article.{f}", data))
    done.files += _published(care.checklist_spec(tables, meta, folder, done.draft is not None), sid, out)
    if done.draft is not None:
        done.files += _published(care.draft_spec(done.draft.results, "draft-audit"), sid, out)
        done.files += _published(care.draft_spec(done.draft.causes, "draft-audit-root-causes"), sid, out)
    return done


def run_notebook(folder: Path, out: Path, weeks: Iterable[int] | None = None) -> Path:
    """Execute :data:`NOTEBOOK` with papermill on ``folder`` into ``out``; the executed notebook is kept there as
    ``<id>-publication.ipynb``. A failing cell raises with its error, as the build reports it."""
    import papermill

    from casebook.engine.ipc import IPCKernelManager
    from casebook.exceptions import CasebookError

    out.mkdir(parents=True, exist_ok=True)
    executed = out / f"{series_id(folder)}-publication.ipynb"
    parameters = {"data_dir": str(folder), "out_dir": str(out), "follow_up_weeks": list(weeks) if weeks else None}
    try:
        papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters=parameters, kernel_name="python3",
                                   cwd=str(paths.ROOT), progress_bar=False, kernel_manager_class=IPCKernelManager)
    except papermill.PapermillExecutionError as exc:
        raise CasebookError(f"{executed.name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}") from None
    return executed
