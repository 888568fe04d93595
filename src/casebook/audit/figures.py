"""The claims-audit figure: every printed number against the value recomputed from the data.

Left, the percentages (reductions, remission shares); right, everything else
(counts, ages, sizes, doses, durations) on a symmetric-log scale. Each reading
of a claim (and each end of a range) is one point: filled when it matches the
printed number, hollow when it does not; the colour is the claim's verdict. Points on the diagonal agree.

An outlier does not squeeze the rest (an annotated clip): a claim whose values lie more than ``OUTLIER`` times above
those of every other claim is drawn on the edge of the right panel's scale, which ends at the others' largest, as a
triangle pointing off the scale, labelled with its printed and recomputed values. Each scale ends with a margin, so no point
is cut in its corner.
"""

from __future__ import annotations

import matplotlib.ticker
import pandas as pd

from casebook.publish.figures import PALETTE, figure
from casebook.text import number

STEM = "claims-audit-printed-vs-recomputed"
OUTLIER = 4  # a claim more than this many times the largest value of all the others is clipped, with its values
CAPTION = ("Every printed number of a numeric claim against its recomputed value; filled points match under the "
           "claim's rule, hollow points do not. Panel b is on a symmetric-log scale; a value more than "
           f"{OUTLIER} times the largest of the other claims' would be drawn on its edge as a triangle labelled "
           "with its values")
VERDICT_COLOURS = {"consistent": PALETTE[0], "inconsistent": PALETTE[5], "ambiguous": PALETTE[1],
                   "transcribed": "#999999"}
_LABELS = {
    "sts-results-reduction-w4": "mean reduction, week 4",
    "sts-results-reduction-w12": "mean reduction, week 12",
    "sts-results-complete-remission": "complete remission",
    "sts-results-remaining-share": "'remaining 50%'",
    "sts-results-remaining-mean": "'80% remission'",
    "sts-t1-r4-w12-pct": "row 4, week 12",
    "sts-results-lesions": "8 lesions",
    "sts-results-injections": "21 injections",
    "sts-methods-age-range": "age range",
}


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


def _labels(ax, pts: pd.DataFrame, hi: float) -> None:
    labelled = pts[(pts["verdict"] == "inconsistent") & (pts["part"] == pts.groupby("claim_id")["part"].transform("max"))]
    for claim_id, g in labelled.groupby("claim_id", sort=True):
        row = g.iloc[(g["recomputed"] - g["printed"]).abs().argsort().iloc[0]]
        left_side = row["printed"] <= 0.55 * hi  # keep labels inside the axes and off the point columns
        ax.annotate(_LABELS.get(claim_id, claim_id), (row["printed"], row["recomputed"]),
                    xytext=(-6, 0) if left_side else (5, -7), textcoords="offset points", fontsize=5.5,
                    ha="right" if left_side else "left", va="center", color=VERDICT_COLOURS["inconsistent"])


def _panel(ax, pts: pd.DataFrame, title: str, log: bool) -> None:
    top = scale_top(pts) if log else (max(pts["printed"].max(), pts["recomputed"].max()) if len(pts) else 1.0)
    hi = top * (1.6 if log else 1.08)  # a margin: on a log scale 1.08 is a sliver, and a point there is cut
    off = clipped(pts, top) if log else pd.Series(False, index=pts.index)
    ax.plot([0, hi], [0, hi], color="#bbbbbb", lw=0.8, zorder=0)
    _points(ax, pts[~off])
    _labels(ax, pts[~off], hi)
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


def plot_printed_vs_recomputed(points: pd.DataFrame):
    """The figure (a matplotlib Figure) from :func:`casebook.audit.core.numeric_points`."""
    fig, (left, right) = figure("page", 82, ncols=2)
    pct = points[points["unit"] == "%"]
    other = points[points["unit"] != "%"]
    _panel(left, pct, "a  Percentages (%)", log=False)
    _panel(right, other, "b  Counts, ages, sizes, doses, durations", log=True)
    handles, labels = left.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=False))
    for h, label in zip(h2, l2, strict=False):
        seen.setdefault(label, h)
    order = [f"{v} claim: value {m} the printed number" for v in VERDICT_COLOURS for m in ("matches", "does not match")]
    keys = [k for k in order if k in seen]
    fig.legend([seen[k] for k in keys], keys, loc="outside lower center", ncols=2, frameon=False)
    return fig
