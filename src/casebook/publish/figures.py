"""Deterministic, journal-sized figures.

``apply_style()`` sets a colour-blind-safe palette and print-size fonts;
``save_figure()`` writes PNG (300 dpi), SVG and PDF atomically with no dates,
software stamps or random ids, so two builds give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless everywhere; the notebook shows the saved PNG

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from casebook import paths  # noqa: E402
from casebook.engine.io import atomic_path  # noqa: E402
from casebook.exceptions import CasebookError  # noqa: E402
from casebook.publish.formats import FIGURE_FORMATS  # noqa: E402

MM_PER_INCH = 25.4
COLUMN_MM = 85  # one journal column
PAGE_MM = 180  # full page width
DPI = 300
FORMATS = FIGURE_FORMATS
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def apply_style() -> None:
    """Seaborn theme, fixed fonts and a fixed SVG hash salt for reproducible output."""
    sns.set_theme(context="paper", style="ticks", palette=list(PALETTE), font="DejaVu Sans")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "casebook",  # stable clip-path ids in SVG
            "svg.fonttype": "none",
            "pdf.fonttype": 42,
            "font.size": 7,
            "axes.titlesize": 8,
            "axes.labelsize": 7,
            "xtick.labelsize": 6.5,
            "ytick.labelsize": 6.5,
            "legend.fontsize": 6.5,
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def figure(width: str | float = "column", height_mm: float = 60, **subplots_kw):
    """A new figure sized for a journal column ('column', 85 mm), page ('page', 180 mm) or a width in mm."""
    apply_style()
    width_mm = {"column": COLUMN_MM, "page": PAGE_MM}.get(width, width)
    if not isinstance(width_mm, (int, float)):
        raise CasebookError(f"figure width must be 'column', 'page' or millimetres, not {width!r}")
    return plt.subplots(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), layout="constrained", **subplots_kw)


def save_figure(fig, stem: str, outdir: str | Path = "figures", formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write ``fig`` as ``<outdir>/<stem>.<fmt>`` for each format, atomically; return the paths written."""
    outdir = paths.resolve(outdir)
    written = []
    for fmt in formats:
        if fmt not in _METADATA:
            raise CasebookError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
        target = outdir / f"{stem}.{fmt}"
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
        written.append(target)
    plt.close(fig)
    return written


def preview(written: Iterable[Path]):
    """What a notebook shows for a saved figure: the PNG on disk, or the list of files when no PNG was written."""
    written = list(written)
    pngs = [p for p in written if Path(p).suffix == ".png"]
    if pngs:
        return show(pngs[0])
    from IPython.display import Markdown

    return Markdown("\n".join(f"- `{paths.relative(p)}`" for p in written))


# On screen, every figure is drawn at the same scale (its 300 dpi pixels at 150 per inch), so a column figure and a
# page figure keep their printed proportions instead of each filling the notebook's width.
SCREEN_DPI = 150


def screen_width(png: bytes) -> int:
    """The display width in CSS pixels of a PNG written at :data:`DPI` (read from its IHDR header)."""
    return max(1, round(int.from_bytes(png[16:20], "big") * SCREEN_DPI / DPI))


def show(path: str | Path):
    """Display a saved PNG in a notebook: the bytes shown are the bytes on disk, at the common screen scale."""
    from IPython.display import Image

    data = paths.resolve(path).read_bytes()
    return Image(data=data, format="png", width=screen_width(data))
