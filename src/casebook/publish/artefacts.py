"""The one way a notebook publishes a table or a figure.

``table(df, stem, ...)`` writes ``<tables_dir>/<stem>.csv|.md|.tex`` (caption and notes go into Markdown and
LaTeX) and returns what the notebook shows; ``figure(fig, stem, ...)`` writes ``<figures_dir>/<stem>.png|.svg|.pdf``
and returns what the notebook shows (the PNG on disk, with its caption). Both write atomically and are logged
for the build's provenance. A notebook cell ends with one of these calls::

    publish.table(series.table1(data, view="printed"), "sts-series-table1", tables_dir,
                  caption=..., notes=...)
    publish.figure(series_figures.trajectories(data), "sts-series-lesion-size-trajectories", figures_dir,
                   figure_formats, caption=...)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths


@dataclass
class Published:
    """What a notebook shows for a published artefact: the table or figure, its caption and its files.

    Its HTML, Markdown and plain-text forms are the same on every run (no memory addresses, no absolute paths),
    so nbval compares them.
    """

    kind: str  # "table" or "figure"
    stem: str
    files: list[Path]
    caption: str = ""
    notes: Sequence[str] = ()
    shown: object = None  # a StyledTable or an IPython Image
    extra: dict = field(default_factory=dict)

    @property
    def relative_files(self) -> list[str]:
        return [paths.relative(p) for p in self.files]

    def _files_line(self) -> str:
        return "Written: " + ", ".join(f"`{f}`" for f in self.relative_files) if self.files else "Nothing written."

    def _repr_markdown_(self) -> str | None:
        if self.shown is not None:
            return None  # the richer forms below are used
        return "\n\n".join(filter(None, [f"**{self.caption}**" if self.caption else "", self._files_line()]))

    def _repr_html_(self) -> str | None:
        if self.kind != "table" or self.shown is None:
            return None
        from html import escape

        cap = f"<p><strong>{escape(self.caption)}</strong></p>" if self.caption else ""
        notes = "".join(f"<p><small>{escape(n)}</small></p>" for n in self.notes)
        files = "<p><small>Written: " + ", ".join(f"<code>{escape(f)}</code>" for f in self.relative_files)
        return cap + self.shown._repr_html_() + notes + files + "</small></p>"

    def _repr_png_(self):
        if self.kind != "figure" or self.shown is None:
            return None
        return self.shown.data, {"width": self.shown.width}  # every figure at the same screen scale

    def __repr__(self) -> str:
        head = [self.caption] if self.caption else []
        body = [repr(self.shown)] if self.kind == "table" and self.shown is not None else []
        return "\n".join(head + body + [self._files_line().replace("`", "")])


@dataclass(frozen=True)
class TableSpec:
    """A table as a report defines it: the frame, its file stem, caption, footnotes and highlighted rows."""

    df: object
    stem: str
    caption: str = ""
    notes: Sequence[str] = ()
    highlight: dict[str, str] | None = None


def table(df, stem: str | None = None, tables_dir: str | Path = "tables", caption: str = "",
          notes: Iterable[str] = (), highlight: dict[str, str] | None = None,
          formats: Iterable[str] | None = None) -> Published:
    """Write ``df`` as ``<tables_dir>/<stem>.csv|.md|.tex`` and return it for display.

    ``df`` may be a :class:`TableSpec` from a report (stem, caption, notes and highlight come with it).
    ``highlight`` maps a boolean column to a CSS background for the rows where it is True; such flag columns
    are shown as colour only and are not written to the files. A spec without a frame (a table the data do not
    call for) shows its caption, which says why, and writes nothing.
    """
    from casebook.publish.tables import TABLE_FORMATS, show_table, write_table

    if isinstance(df, TableSpec):
        df, stem, caption, notes, highlight = df.df, df.stem, df.caption, df.notes, df.highlight
    if df is None:
        return Published("table", stem or "", [], caption, tuple(notes))

    notes = tuple(notes)
    written_df = df.drop(columns=list(highlight or {}))
    files = write_table(written_df, stem, tables_dir, caption=caption, notes=notes,
                        formats=TABLE_FORMATS if formats is None else formats)
    return Published("table", stem, files, caption, notes, show_table(df, stem, highlight))


def figure(fig, stem: str, figures_dir: str | Path = "figures", formats: Iterable[str] | None = None,
           caption: str = "") -> Published:
    """Write ``fig`` as ``<figures_dir>/<stem>.<format>`` and return it for display (the PNG as written)."""
    from casebook.publish.figures import FORMATS, save_figure, show

    files = save_figure(fig, stem, figures_dir, FORMATS if formats is None else list(formats))
    png = next((p for p in files if p.suffix == ".png"), None)
    return Published("figure", stem, files, caption, (), show(png) if png else None)


def shown(df, uuid: str, highlight: dict[str, str] | None = None):
    """A table shown in a notebook but not published (a working view): styled, with a fixed id."""
    from casebook.publish.tables import show_table

    return show_table(df, uuid, highlight)
