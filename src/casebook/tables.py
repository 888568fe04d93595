"""Tables written as CSV, Markdown and LaTeX (booktabs), deterministically and atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.exceptions import CasebookError
from casebook.io import write_text

TABLE_FORMATS = ("csv", "md", "tex")


def _latex_escape(value) -> str:
    text = "" if pd.isna(value) else str(value)
    for char, repl in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                       ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}")):
        text = text.replace(char, repl)
    return text


def to_latex(df: pd.DataFrame, caption: str = "", label: str = "") -> str:
    """A booktabs table; every cell is escaped, so data can never inject LaTeX."""
    cols = "l" * len(df.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{cols}}}", r"\toprule", " & ".join(_latex_escape(c) for c in df.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(_latex_escape(v) for v in row) + r" \\" for row in df.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def to_markdown(df: pd.DataFrame, caption: str = "") -> str:
    body = df.fillna("").astype(str).to_markdown(index=False, disable_numparse=True)
    return (f"{caption}\n\n" if caption else "") + body + "\n"


def write_table(df: pd.DataFrame, stem: str, outdir: str | Path = "tables", caption: str = "",
                formats: Iterable[str] = TABLE_FORMATS) -> list[Path]:
    """Write ``df`` as ``<outdir>/<stem>.csv|.md|.tex``; return the paths written."""
    outdir = paths.resolve(outdir)
    written = []
    for fmt in formats:
        target = outdir / f"{stem}.{fmt}"
        if fmt == "csv":
            text = df.to_csv(index=False, lineterminator="\n")
        elif fmt == "md":
            text = to_markdown(df, caption)
        elif fmt == "tex":
            text = to_latex(df, caption, label=f"tab:{stem}")
        else:
            raise CasebookError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
        written.append(write_text(target, text))
    return written


def styled(df: pd.DataFrame, uuid: str, highlight: dict[str, str] | None = None):
    """A pandas Styler with a fixed id (so its HTML is the same on every run), index hidden.

    ``highlight`` maps a column name to a CSS background for rows where that boolean column is True;
    the flag column itself is hidden.
    """
    shown = df
    style = shown.style.set_uuid(uuid).hide(axis="index")
    if highlight:
        flags = list(highlight)

        def _row(row):
            css = next((highlight[f] for f in flags if bool(row[f])), "")
            return [f"background-color: {css}" if css else "" for _ in row]

        style = style.apply(_row, axis=1).hide(subset=flags, axis="columns")
    return style.format(na_rep="")
