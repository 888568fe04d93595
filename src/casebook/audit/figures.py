"""The claims-audit figure: every printed number against the value recomputed from the data, and what the
reconciliation makes of each flagged claim.

Left, the percentages (reductions, remission shares); right, everything else
(counts, ages, sizes, doses, durations) on a symmetric-log scale. Each reading
of a claim (and each end of a range) is one point: filled when it matches the
printed number, hollow when it does not; the colour is the claim's verdict. Points on the diagonal agree.

The reconciliation (:func:`casebook.audit.explain.moves`): an arrow runs from each flagged claim's point as
transcribed to where the hypotheses of the step that explains it put it (a misprinted claim moves the printed value,
a reading, an omitted row or a misprinted cell the recomputed one), with the step's number beside its head
(``none`` beside a flagged claim no step explains). A key under the panels (:func:`casebook.audit.explain.figure_key`)
gives each step's hypothesis, its alternatives, the finding (correction, query, unexplained, gap), the root cause and
the claims it explains. Nothing here knows a report or a claim.

An outlier does not squeeze the rest (an annotated clip): a claim whose values lie more than ``OUTLIER`` times above
those of every other claim is drawn on the edge of the right panel's scale, which ends at the others' largest, as a
triangle pointing off the scale, labelled with its printed and recomputed values. Each scale ends with a margin, so no point
is cut in its corner.
"""

from __future__ import annotations

import textwrap

import matplotlib.ticker
import pandas as pd
from matplotlib.lines import Line2D

from casebook.publish.figures import PALETTE, figure
from casebook.text import number

STEM = "claims-audit-printed-vs-recomputed"
OUTLIER = 4  # a claim more than this many times the largest value of all the others is clipped, with its values
CAPTION = ("Every printed number of a numeric claim against its recomputed value; filled points match under the "
           "claim's rule, hollow points do not. An arrow runs from a flagged claim's point as transcribed to where the "
           "hypotheses of the reconciliation step that explains it put it, with the step's number at its head "
           "('none': no step explains the claim); the key under the panels gives each step's hypothesis, the finding "
           "(correction or query to the authors) and the root cause. Panel b is on a symmetric-log scale; a value "
           f"more than {OUTLIER} times the largest of the other claims' would be drawn on its edge as a triangle "
           "labelled with its values")
ARROW = "#333333"
KEY_FONT = 6.0  # points
KEY_WRAP = 130  # characters per line of the key at page width and KEY_FONT
LINE = 1.35  # line height, in font sizes
MOVE_COLUMNS = ("claim_id", "mark", "part", "printed", "recomputed", "printed_after", "recomputed_after")
VERDICT_COLOURS = {"consistent": PALETTE[0], "inconsistent": PALETTE[5], "ambiguous": PALETTE[1],
                   "transcribed": "#999999"}
def scale_top(pts: pd.DataFrame) -> float:
    """The largest value a log panel shows: the largest of all, unless one claim lies more than ``OUTLIER`` times
    above all the others; then the others' largest (each such claim is drawn off scale, see :func:`clipped`)."""
    if pts.empty:
        return 1.0
    top = pts[["printed", "recomputed"]].max(axis=1).groupby(pts["claim_id"]).max().sort_values()
    while len(top) > 1 and top.iloc[-1] > OUTLIER * max(top.iloc[-2], 1.0):
        top = top.iloc[:-1]
    return float(top.iloc[-1])


def clipped(pts: pd.DataFrame, top: float) -> pd.Series:
    """The points with a value beyond ``top`` (drawn on the edge, labelled)."""
    return (pts["printed"] > top) | (pts["recomputed"] > top)


def _points(ax, pts: pd.DataFrame) -> None:
    for verdict, colour in VERDICT_COLOURS.items():
        for matched in (True, False):
            sub = pts[(pts["verdict"] == verdict) & (pts["matched"] == matched)]
            if sub.empty:
                continue
            ax.scatter(sub["printed"], sub["recomputed"], s=16, linewidths=0.9, zorder=3 if matched else 2,
                       facecolors=colour if matched else "none", edgecolors=colour,
                       label=f"{verdict} claim: value {'matches' if matched else 'does not match'} the printed number")


def _off_scale(ax, pts: pd.DataFrame, edge: float) -> None:
    """Points beyond the scale, on its edge as triangles pointing off it, each labelled with its values."""
    for row in pts.itertuples():
        x, y = min(row.printed, edge), min(row.recomputed, edge)
        marker = "^" if y == edge and x < edge else ">" if x == edge and y < edge else "d"
        colour = VERDICT_COLOURS.get(row.verdict, "#999999")
        ax.scatter([x], [y], s=22, marker=marker, zorder=4, clip_on=False, linewidths=0.9, edgecolors=colour,
                   facecolors=colour if row.matched else "none")
        ax.annotate(f"off scale: printed {number(row.printed)}, recomputed {number(row.recomputed)}", (x, y),
                    xytext=(-6, -2), textcoords="offset points", fontsize=5.5, ha="right", va="top", color=colour)


def _moves(ax, moved: pd.DataFrame, hi: float) -> None:
    """An arrow from each flagged point as transcribed to where its step's hypotheses put it, and the step's mark
    beside the head (once per place: two claims one step moves to one place share it); a claim no step moves (an
    end of a range left where it is, a claim no step explains) has its mark beside its point."""
    placed: list[tuple[float, float, str]] = []
    for _claim, g in moved.sort_values(["mark", "claim_id", "part"]).groupby(["mark", "claim_id"], sort=False):
        ends = g[["printed", "recomputed", "printed_after", "recomputed_after"]].to_numpy(dtype=float)
        if ends.max() > hi:
            continue  # off the scale: the key still lists it
        moving = (ends[:, :2] != ends[:, 2:]).any(axis=1)
        for (x0, y0, x1, y1), moves in zip(ends, moving, strict=True):
            if moves:
                ax.annotate("", (x1, y1), xytext=(x0, y0), zorder=5,
                            arrowprops={"arrowstyle": "-|>", "color": ARROW, "lw": 0.7, "shrinkA": 2.5, "shrinkB": 1.5,
                                        "mutation_scale": 6})
            if moves or not moving.any():
                _place_mark(ax, g["mark"].iloc[0], x1, y1, hi, placed)
                if not moves:
                    break


def _place_mark(ax, mark: str, x: float, y: float, hi: float, placed: list) -> None:
    px, py = ax.transData.transform((x, y))
    if any(m == mark and abs(px - qx) < 8 and abs(py - qy) < 8 for qx, qy, m in placed):
        return
    placed.append((px, py, mark))
    right = ax.transData.transform((hi, hi))[0]
    left_side = px > right - 40  # near the right edge the mark goes on the left of the head
    ax.annotate(mark, (x, y), xytext=(-4 if left_side else 4, 3), textcoords="offset points", fontsize=6.5,
                fontweight="bold", color=ARROW, ha="right" if left_side else "left", va="bottom", zorder=6)


def _panel(ax, pts: pd.DataFrame, moved: pd.DataFrame, title: str, log: bool) -> None:
    top = scale_top(pts) if log else (max(pts["printed"].max(), pts["recomputed"].max()) if len(pts) else 1.0)
    hi = top * (1.6 if log else 1.08)  # a margin: on a log scale 1.08 is a sliver, and a point there is cut
    off = clipped(pts, top) if log else pd.Series(False, index=pts.index)
    ax.plot([0, hi], [0, hi], color="#bbbbbb", lw=0.8, zorder=0)
    _points(ax, pts[~off])
    _off_scale(ax, pts[off], hi)
    if log:
        ax.set_xscale("symlog", linthresh=10)
        ax.set_yscale("symlog", linthresh=10)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(-0.5 if log else 0.0, hi)
    ax.set_ylim(-0.5 if log else 0.0, hi)
    ax.set_title(title, loc="left")
    ax.set_xlabel("printed")
    ax.set_ylabel("recomputed from the data")
    _moves(ax, moved, hi)


def key_lines(key: pd.DataFrame) -> list[tuple[str, str]]:
    """The key under the panels, wrapped: (mark, text) per line, the mark on the first line of its entry only."""
    if key.empty:
        return [("", "The reconciliation has nothing to explain: the audit flags no claim.")]
    out = [("", "The steps of the reconciliation (the number at an arrow's head): each one's hypothesis, then the claims "
                "it explains, by finding and root cause.")]
    for r in key.to_dict("records"):
        what = r["hypothesis"] + (f"; or, as well, {r['alternatives']}" if r["alternatives"] else "")
        text = f"{what[:1].upper()}{what[1:]}. {r['explains'][:1].upper()}{r['explains'][1:]}."
        for i, line in enumerate(textwrap.wrap(text, KEY_WRAP, break_on_hyphens=False)):
            out.append((r["mark"] if i == 0 else "", line))
    if any(key["not_drawn"] != ""):
        out.append(("", "* The claim prints no number the data give: it has no point."))
    return out


def _key(ax, lines: list[tuple[str, str]]) -> None:
    ax.set_axis_off()
    step = KEY_FONT * LINE
    indent = max((len(m) for m, _ in lines), default=0) * KEY_FONT * 0.65 + 6
    for i, (mark, text) in enumerate(lines):
        y = -i * step
        if mark:
            ax.annotate(mark, (0, 1), xytext=(0, y), textcoords="offset points", xycoords="axes fraction",
                        fontsize=KEY_FONT, fontweight="bold", color=ARROW, va="top", ha="left")
        ax.annotate(text, (0, 1), xytext=(indent if mark or i else 0, y), textcoords="offset points",
                    xycoords="axes fraction", fontsize=KEY_FONT, va="top", ha="left")


def plot_printed_vs_recomputed(points: pd.DataFrame, moved: pd.DataFrame | None = None, key: pd.DataFrame | None = None):
    """The figure (a matplotlib Figure) from :func:`casebook.audit.views.numeric_points`, with the reconciliation's
    moves and key (:func:`casebook.audit.explain.moves`, :func:`~casebook.audit.explain.figure_key`; no key: the
    points alone, an empty key: the reconciliation has nothing to explain)."""
    lines = [] if key is None else key_lines(key)
    key_mm = (len(lines) * LINE + 1.5) * KEY_FONT * 25.4 / 72 if lines else 0.0
    fig, axes = figure("page", 82 + key_mm, nrows=2 if lines else 1, ncols=2,
                       gridspec_kw={"height_ratios": [70, key_mm]} if lines else None, squeeze=False)
    left, right = axes[0]
    moved = pd.DataFrame(columns=["unit", *MOVE_COLUMNS]) if moved is None else moved
    drawn = moved[moved["part"].astype(str) != ""]
    for ax, unit, title, log in ((left, True, "a  Percentages (%)", False),
                                 (right, False, "b  Counts, ages, sizes, doses, durations", True)):
        _panel(ax, points[(points["unit"] == "%") == unit], drawn[(drawn["unit"] == "%") == unit], title, log)
    if lines:
        for ax in axes[1]:
            ax.remove()
        _key(fig.add_subplot(axes[1, 0].get_gridspec()[1, :]), lines)
    handles, labels = left.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=False))
    for h, label in zip(h2, l2, strict=False):
        seen.setdefault(label, h)
    order = [f"{v} claim: value {m} the printed number" for v in VERDICT_COLOURS for m in ("matches", "does not match")]
    keys = [k for k in order if k in seen]
    handles = [seen[k] for k in keys]
    if len(drawn):
        keys.append("from the point as transcribed to where the step's hypotheses put it")
        handles.append(Line2D([], [], color=ARROW, marker=r"$\rightarrow$", markersize=9, linestyle="None"))
    fig.legend(handles, keys, loc="outside lower center", ncols=2, frameon=False)
    return fig
