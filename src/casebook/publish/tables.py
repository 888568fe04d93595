"""Tables written as CSV, Markdown and LaTeX (booktabs), deterministically and atomically."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from casebook import paths
from casebook.engine.io import write_text
from casebook.exceptions import CasebookError
from casebook.publish import csv_cells
from casebook.publish.formats import TABLE_FORMATS
from casebook.text import number


def _latex_escape(value) -> str:
    text = "" if pd.isna(value) else str(value)
    for char, repl in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                       ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}")):
        text = text.replace(char, repl)
    return text


def to_latex(df: pd.DataFrame, caption: str = "", label: str = "", notes: Iterable[str] = ()) -> str:
    """A booktabs table with optional footnotes; every cell is escaped, so data can never inject LaTeX."""
    cols = "l" * len(df.columns)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{cols}}}", r"\toprule", " & ".join(_latex_escape(c) for c in df.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(_latex_escape(v) for v in row) + r" \\" for row in df.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines += [rf"\par\footnotesize {_latex_escape(n)}" for n in notes]
    lines += [r"\end{table}", ""]
    return "\n".join(lines)


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text, missing values empty (object dtype first: a float column cannot hold '')."""
    return df.astype(object).where(df.notna(), "").astype(str)


def to_markdown(df: pd.DataFrame, caption: str = "", notes: Iterable[str] = ()) -> str:
    body = _cells(df).to_markdown(index=False, disable_numparse=True)
    tail = "".join(f"\n{n}\n" for n in notes)
    return (f"{caption}\n\n" if caption else "") + body + "\n" + tail


def write_table(df: pd.DataFrame, stem: str, outdir: str | Path = "tables", caption: str = "",
                formats: Iterable[str] = TABLE_FORMATS, notes: Iterable[str] = ()) -> list[Path]:
    """Write ``df`` as ``<outdir>/<stem>.csv|.md|.tex``; return the paths written.

    The CSV holds the cells only, a cell a spreadsheet would execute escaped (:mod:`casebook.publish.csv_cells`);
    caption and ``notes`` (footnotes) go into the Markdown and LaTeX, which keep every cell as it is.
    """
    notes = tuple(notes)
    outdir = paths.resolve(outdir)
    written = []
    for fmt in formats:
        target = outdir / f"{stem}.{fmt}"
        if fmt == "csv":
            text = csv_cells.to_csv(df)
        elif fmt == "md":
            text = to_markdown(df, caption, notes)
        elif fmt == "tex":
            text = to_latex(df, caption, label=f"tab:{stem}", notes=notes)
        else:
            raise CasebookError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
        written.append(write_text(target, text))
    return written


def _number(x):
    """A cell as printed: a float without trailing zeros (12.5, 150), missing as empty, anything else as it is."""
    if isinstance(x, float):
        return number(x)
    return "" if x is None or x is pd.NA else str(x)


def styled(df: pd.DataFrame, uuid: str, highlight: dict[str, str] | None = None):
    """A pandas Styler with a fixed id (so its HTML is the same on every run), index hidden.

    ``highlight`` maps a column name to a CSS background for rows where that boolean column is True;
    the flag column itself is hidden.
    """
    shown = df
    style = shown.style.set_uuid(uuid).hide(axis="index")
    # Numbers as the CSV and the reports print them (12.5, not 12.500000), right-aligned; text left-aligned.
    text_cols = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
    if text_cols:
        style = style.set_properties(subset=text_cols, **{"text-align": "left"})
        style = style.set_table_styles({c: [{"selector": "th", "props": [("text-align", "left")]}] for c in text_cols})
    if highlight:
        flags = list(highlight)

        def _row(row):
            css = next((highlight[f] for f in flags if bool(row[f])), "")
            return [f"background-color: {css}" if css else "" for _ in row]

        style = style.apply(_row, axis=1).hide(subset=flags, axis="columns")
    return style.format(_number, na_rep="", escape="html")  # data never becomes markup


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def inline_styles(page: str) -> str:
    """The Styler's ``<style>`` rules written onto the cells they select (``#id`` selectors), as ``style=``
    attributes: JupyterLab drops ``<style>`` elements from an untrusted notebook's output but keeps inline styles,
    so alignment and shading show there too. The ``<style>`` block stays for every other viewer."""
    block = re.search(r"<style[^>]*>(.*?)</style>", page, re.S)
    if not block:
        return page
    cells: dict[str, str] = {}  # cell id -> css
    headers: dict[str, str] = {}  # column class (col3) -> css of its header
    for selectors, body in _RULE.findall(block.group(1)):
        css = " ".join(line.strip() for line in body.strip().splitlines())
        for selector in (s.strip() for s in selectors.split(",")):
            if re.fullmatch(r"#[\w-]+", selector):
                cells[selector[1:]] = (cells.get(selector[1:], "") + " " + css).strip()
            elif m := re.fullmatch(r"#[\w-]+ th\.(col\d+)", selector):
                headers[m.group(1)] = css

    def cell(m: re.Match) -> str:
        css = cells.get(m.group(2))
        return m.group(0) if css is None else f'{m.group(1)} id="{m.group(2)}" style="{css}"'

    def header(m: re.Match) -> str:
        css = headers.get(m.group(2))
        return m.group(0) if css is None else f'{m.group(1)} style="{css}" class="col_heading level0 {m.group(2)}"'

    page = re.sub(r'(<t[dh])\s+id="([\w-]+)"', cell, page)
    return re.sub(r'(<th id="[\w-]+")\s+class="col_heading level0 (col\d+)"', header, page)


class StyledTable:
    """A table for a notebook: styled HTML with a fixed id, and the table itself as plain text.

    A bare Styler's plain-text form is ``<Styler at 0x...>``, a memory address that differs on every run;
    this object's outputs are the same on every run, so nbval can compare both.
    """

    def __init__(self, df: pd.DataFrame, uuid: str, highlight: dict[str, str] | None = None):
        self.df, self.styler = df, styled(df, uuid, highlight)
        self._hidden = list(highlight or {})

    def _repr_html_(self) -> str:
        return inline_styles(self.styler.to_html())

    def __repr__(self) -> str:
        shown = self.df.drop(columns=self._hidden)
        return shown.to_string(index=False, formatters=dict.fromkeys(shown.columns, _number), na_rep="")


def show_table(df: pd.DataFrame, uuid: str, highlight: dict[str, str] | None = None) -> StyledTable:
    """Display ``df`` in a notebook as a styled table with a fixed uuid (see :class:`StyledTable`)."""
    return StyledTable(df, uuid, highlight)
