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


# Column widths from content, in characters of the PDF's 8 pt table text: the text width (470 pt) holds about 128
# of them, a cell's inset (4 pt each side) and some slack about 3. A column gets at least its longest word in the cells (a word
# does not break) and the header's longest word up to HEADER_WORD characters (a longer one hyphenates: the PDF's
# tables hyphenate); what is left of the line goes to the columns whose cells want more, in proportion.
LINE, INSET, HEADER_WORD = 128, 3, 8


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Relative column widths (characters) for a table of text cells, from their content (see ``LINE``)."""
    columns = [[str(r[k]) for r in rows] for k in range(len(header))]
    least = [max([min(len(w), HEADER_WORD) for w in h.split()] + [len(w) for c in col for w in c.split()] + [1]) + INSET
             for h, col in zip(header, columns, strict=True)]
    want = [max([len(c) for c in col] + [min(len(h), HEADER_WORD)]) + INSET for h, col in zip(header, columns, strict=True)]
    extra, spare = [w - m for w, m in zip(want, least, strict=True)], LINE - sum(least)
    if sum(extra) <= spare:
        return want
    share = max(spare, 0) / sum(extra)
    return [m + round(e * share) for m, e in zip(least, extra, strict=True)]


def pipe_table(df, columns: Sequence[str] | None = None) -> str:
    """A DataFrame as a Markdown pipe table (every cell as text, numbers in the one format, ``|`` escaped), its
    columns as wide as their content asks (:func:`column_widths`: pandoc takes the relative widths from the rule's
    dashes); a column with no value in any row is left out."""
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise CasebookError(f"table has no column {', '.join(map(repr, missing))}; it has {', '.join(df.columns)}")
        df = df[list(columns)]
    cells = [[_cell(x) for x in row] for row in df.itertuples(index=False)]
    keep = [k for k in range(len(df.columns)) if any(row[k] for row in cells)] or list(range(len(df.columns)))
    header, cells = [_cell(df.columns[k]) for k in keep], [[row[k] for k in keep] for row in cells]
    rule = "|" + "|".join("-" * w for w in column_widths(header, cells)) + "|"
    return "\n".join(["| " + " | ".join(header) + " |", rule, *("| " + " | ".join(row) + " |" for row in cells)])


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

    folder = paths.DATA / report_id
    files = sorted([*folder.glob("*.csv"), *folder.glob("*.json")]) + [paths.DICTIONARY]
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


def references_section(report_id: str) -> Block:
    """``[[section: references]]``: the heading and the place pandoc's citeproc puts the reference list."""
    from casebook.manuscript import references, render

    references.load(report_id)
    return Block("section", "references", body=render.section())


def common(report_id: str, verdicts) -> list[Block]:
    return [data_files(report_id), software(), audit_table(verdicts, report_id), references_section(report_id)]
