"""The blocks an article template places: its report's figures and tables, and the ones every article has
(data files with their sha256, software versions, the claims audit of the report)."""

from __future__ import annotations

from collections.abc import Sequence

from casebook import paths
from casebook.engine.hashing import sha256_file
from casebook.engine.io import record_input
from casebook.exceptions import CasebookError
from casebook.manuscript.template import Block

SOFTWARE = ("pandas", "numpy", "matplotlib", "seaborn", "pandera", "papermill", "pypandoc-binary", "typst")


def _cell(x) -> str:
    from casebook.text import is_missing, number

    if is_missing(x):
        return ""
    text = number(x) if isinstance(x, float) else str(x)
    return text.replace("|", "\\|").replace("\n", " ")


def pipe_table(df, columns: Sequence[str] | None = None) -> str:
    """A DataFrame as a Markdown pipe table (every cell as text, numbers in the one format, ``|`` escaped)."""
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise CasebookError(f"table has no column {', '.join(map(repr, missing))}; it has {', '.join(df.columns)}")
        df = df[list(columns)]
    header = "| " + " | ".join(_cell(c) for c in df.columns) + " |"
    rows = ["| " + " | ".join(_cell(x) for x in row) + " |" for row in df.itertuples(index=False)]
    # pandoc takes relative column widths from the rule's dashes: wide for long text, narrow for short numbers
    widths = [max([len(w) for w in _cell(c).split()] + [len(_cell(x)) for x in df[c]] + [3]) for c in df.columns]
    rule = "|" + "|".join("-" * min(36, w) for w in widths) + "|"
    return "\n".join([header, rule, *rows])


def table(key: str, df, caption: str, columns: Sequence[str] | None = None, notes: Sequence[str] = ()) -> Block:
    return Block("table", key, caption.rstrip("."), pipe_table(df, columns), tuple(notes))


def figure(key: str, stem: str, caption: str, figures_dir: str = "figures") -> Block:
    """A figure written by a notebook, placed as its SVG (vector); reading it is logged for the build's cache."""
    svg = paths.resolve(figures_dir) / f"{stem}.svg"
    if not svg.is_file():
        raise CasebookError(f"{paths.relative(svg)} does not exist: the notebook that writes it must run first")
    record_input(svg)
    return Block("figure", key, caption.rstrip("."), paths.relative(svg), width=_width(svg))


TEXT_WIDTH_PT = 166 / 25.4 * 72  # the PDF's text width (A4 less 2 x 22 mm margins)


def _width(svg) -> str:
    """The figure's printed width as a share of the text width: a column figure stays column-sized."""
    import re

    m = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"', svg.read_bytes()[:2000])
    share = 100 if m is None else min(100, round(100 * float(m.group(1)) / TEXT_WIDTH_PT))
    return f"{share}%"


def data_files(report_id: str) -> Block:
    """Every data file of the report (its tables and its registers: claims, sources, ...) and the dictionary of the
    registers' columns, with its sha256: what the article reads, and nothing another report adds."""
    import pandas as pd

    files = sorted((paths.DATA / report_id).glob("*.csv")) + [paths.DICTIONARY]
    rows = [{"File": paths.relative(f), "sha256": sha256_file(f)} for f in files if f.is_file()]
    return table("data-files", pd.DataFrame(rows), f"Data files of {report_id} and their sha256 checksums")


def software() -> Block:
    """The versions of the software that computed and typeset the article (from the pinned lock)."""
    import pandas as pd

    import casebook
    from casebook.engine.provenance import versions

    found = versions(tuple(SOFTWARE))
    rows = [{"Software": "Python", "Version": found.pop("python")}, {"Software": "casebook", "Version": casebook.__version__},
            *({"Software": name, "Version": v} for name, v in found.items())]
    return table("software", pd.DataFrame(rows), "Software that computed and typeset this article")


def audit_table(verdicts, report_id: str) -> Block:
    """The claims audit of one report: each printed number, where it stands, what the data give, the verdict."""
    rows = verdicts[verdicts["report"] == report_id]
    shown = rows.rename(columns={"location": "Where", "printed": "Printed", "recomputed": "From the data",
                                 "verdict": "Verdict"})
    return table("audit", shown, f"Claims audit of {report_id}: every number the published report prints, "
                 "recomputed from the data", ["Where", "Printed", "From the data", "Verdict"])


def common(report_id: str, verdicts) -> list[Block]:
    return [data_files(report_id), software(), audit_table(verdicts, report_id)]
