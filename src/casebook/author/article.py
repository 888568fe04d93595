"""The article of an author's own series: written from its data, in the data's own terms, under its own name.

The text is the series' case summary (:mod:`casebook.reports.sts_series.summary`: cited text, every number a
bound value) with the title and byline of the folder's ``manuscript.toml``, the tables and figures the publication
wrote, the data files with their checksums, the software, and, when the folder holds the authors' draft claims,
the audit of that draft. It never mentions printed values or any published report: it is built only from the
folder. Sentences are checked against their sources as the reports' articles are (an unknown cell fails).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd

from casebook.author.meta import Meta, byline
from casebook.engine.hashing import sha256_file
from casebook.manuscript import blocks as mb
from casebook.manuscript.prose import data_sources
from casebook.manuscript.template import Block, Template, render
from casebook.reports.sts_series import published
from casebook.reports.sts_series import summary as series_summary
from casebook.reports.sts_series.cells import DIFFERS_FLAG
from casebook.reports.sts_series.figures import STEM_DOSES, STEM_REDUCTIONS, STEM_TRAJECTORIES
from casebook.text import count

REPORT = "sts-series"  # the schema the folder follows (its tables, rules, vocabulary and summary)
FIGURES = {"trajectories": STEM_TRAJECTORIES, "reductions": STEM_REDUCTIONS, "doses": STEM_DOSES}

BODY = """{summary}

The sizes of every lesion over time are drawn in @fig:trajectories, each lesion's reduction at each visit in
@fig:reductions, and the doses and injections in @fig:doses; @tbl:table1 gives each patient's data and
@tbl:outcomes the outcomes at each follow-up week. {{{{ cite: own }}}}

[[table: table1]]

[[table: outcomes]]

[[figure: trajectories]]

[[figure: reductions]]

[[figure: doses]]

## Data and code availability

Every number in this article was computed from the tables below by the `casebook` package when the article was
built; none was typed by hand. {{{{ cite: own }}}} The files, identified by their sha256 checksums, and the software
in @tbl:software are all it takes to build it again. {{{{ cite: own }}}}

[[table: data-files]]

[[table: software]]
"""

DRAFT = """
## Appendix: audit of the authors' draft

Each number of the authors' draft (`{claims}`) was recomputed from the data under a reading declared before any
comparison (@tbl:audit). {{{{ cite: own }}}}

[[table: audit]]
"""


def neutral_title(tables) -> str:
    """A title that says what the data hold and nothing more: 'Intra-lesional sodium thiosulfate for calcinosis: a
    case series of 5 patients' (one patient: a case report)."""
    n = len(tables["patients"])
    kind = "a case report" if n == 1 else f"a case series of {count(n, 'patient')}"
    return f"Intra-lesional sodium thiosulfate for calcinosis: {kind}"


def renamed(stem: str, series: str) -> str:
    """A file stem of the report's schema under the series' own id (``sts-series-outcomes`` -> ``<id>-outcomes``)."""
    return series + stem[len(REPORT):] if stem.startswith(REPORT + "-") else f"{series}-{stem}"


def table_specs(tables, weeks) -> dict[str, published.TableSpec]:
    """The tables the publication writes, by the key the article places them under."""
    return {"table1": published.table1_table(tables, weeks), "outcomes": published.outcomes(tables, weeks),
            "reductions": published.reductions_table(tables, weeks), "doses": published.doses_table(tables),
            "injections": published.injections_table(tables), "lesions": published.lesions_table(tables, weeks),
            "patients": published.patients_table(tables, weeks)}


def _caption(text: str) -> str:
    return re.sub(r"^Table \d+\.\s*", "", text)


def data_files(folder: Path) -> Block:
    """Every file of the folder the publication read, with its sha256."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".csv", ".toml"))
    rows = [{"File": f.name, "sha256": sha256_file(f)} for f in files]
    return mb.table("data-files", pd.DataFrame(rows), f"Data files of the series (folder {folder.name}) and their "
                    "sha256 checksums")


def draft_block(results: pd.DataFrame) -> Block:
    shown = results.rename(columns={"location": "Where", "printed": "Draft", "primary_value": "From the data",
                                    "verdict": "Verdict"})
    return mb.table("audit", shown, "The authors' draft: each number, what the data give under the declared "
                    "reading, and the verdict", ["Where", "Draft", "From the data", "Verdict"])


def blocks(tables, weeks, figures: dict[str, Path], folder: Path, draft: pd.DataFrame | None) -> dict:
    specs = table_specs(tables, weeks)
    out = [mb.table(key, specs[key].df.drop(columns=[DIFFERS_FLAG], errors="ignore"), _caption(specs[key].caption),
                    notes=specs[key].notes) for key in ("table1", "outcomes")]
    for key, svg in figures.items():
        block = mb.figure(key, svg.stem, _figure_caption(tables, key), str(svg.parent))
        out.append(replace(block, body=str(svg.resolve())))  # absolute: the folder may lie outside the project
    out += [data_files(folder), mb.software()]
    if draft is not None:
        out.append(draft_block(draft))
    return {(b.kind, b.key): b for b in out}


def _figure_caption(tables, key: str) -> str:
    from casebook.reports.sts_series.figures import captions

    return captions(tables)[FIGURES[key]]


def markdown(tables, weeks, meta: Meta, figures: dict[str, Path], folder: Path,
             draft: pd.DataFrame | None = None, draft_file: str = "") -> str:
    """The article as Markdown: every value filled in, every sentence's sources checked against the folder's data."""
    prose = series_summary.prose(tables, weeks)
    summary = re.sub(r"^### ", "## ", prose.text, flags=re.M)
    title = meta.title or neutral_title(tables)
    text = f"# {title}\n\n" + BODY.format(summary=summary.strip())
    if draft is not None:
        text += DRAFT.format(claims=draft_file)
    template = Template(f"{folder.name}/ (the publication's article)", text)
    rendered = render(template, prose.registry, blocks(tables, weeks, figures, folder, draft),
                      sources=data_sources(REPORT, tables))
    first, _, rest = rendered.partition("\n")
    head = byline(meta)
    return f"{first}\n\n{head}\n{rest}" if head else rendered
