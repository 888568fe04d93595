"""The claims-audit figure: every printed number against the value recomputed from the data.

Left, the percentages (reductions, remission shares); right, everything else
(counts, ages, sizes, doses, durations) on a symmetric-log scale. Each reading
of a claim (and each end of a range) is one point: filled when it matches the
printed number, hollow when it does not; the colour is the claim's verdict. Points on the diagonal agree.
"""

from __future__ import annotations

import matplotlib.ticker
import pandas as pd

from casebook.publish.figures import PALETTE, figure

STEM = "claims-audit-printed-vs-recomputed"
CAPTION = ("Every printed number of a numeric claim against its recomputed value; filled points match under the "
           "claim's rule, hollow points do not")
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


def _panel(ax, pts: pd.DataFrame, title: str, log: bool) -> None:
    lo = 0.0
    hi = max(pts["printed"].max(), pts["recomputed"].max()) * 1.08 if len(pts) else 1.0
    ax.plot([lo, hi], [lo, hi], color="#bbbbbb", lw=0.8, zorder=0)
    for verdict, colour in VERDICT_COLOURS.items():
        for matched in (True, False):
            sub = pts[(pts["verdict"] == verdict) & (pts["matched"] == matched)]
            if sub.empty:
                continue
            ax.scatter(sub["printed"], sub["recomputed"], s=16, linewidths=0.9, zorder=3 if matched else 2,
                       facecolors=colour if matched else "none", edgecolors=colour,
                       label=f"{verdict} claim: value {'matches' if matched else 'does not match'} the printed number")
    labelled = pts[(pts["verdict"] == "inconsistent") & (pts["part"] == pts.groupby("claim_id")["part"].transform("max"))]
    for claim_id, g in labelled.groupby("claim_id", sort=True):
        row = g.iloc[(g["recomputed"] - g["printed"]).abs().argsort().iloc[0]]
        left_side = row["printed"] <= 0.55 * hi  # keep labels inside the axes and off the point columns
        ax.annotate(_LABELS.get(claim_id, claim_id), (row["printed"], row["recomputed"]),
                    xytext=(-6, 0) if left_side else (5, -7), textcoords="offset points", fontsize=5.5,
                    ha="right" if left_side else "left", va="center", color=VERDICT_COLOURS["inconsistent"])
    if log:
        ax.set_xscale("symlog", linthresh=10)
        ax.set_yscale("symlog", linthresh=10)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(lo if not log else -0.5, hi)
    ax.set_ylim(lo if not log else -0.5, hi)
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
