"""The case series' figures: lesion sizes over time, reductions per lesion, doses and injections.

Each ``plot_*`` function takes the dataset's tables and returns a Matplotlib
figure sized for a journal column or page (``casebook.publish.figures.figure``);
``save_*`` writes it with ``casebook.publish.figures.save_figure`` under the stem
``sts-series-<content>``. Each lesion keeps one colour (Okabe-Ito, in printed
order) in every figure. A lesion lost to follow-up is never drawn at 0: its
line stops at its last measurement, which is marked with a cross, and its
reduction is written as "lost to follow-up" where a bar would be. A measured
reduction of 0 % is a marker on the zero line, never an empty slot.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

import matplotlib.lines as mlines
import matplotlib.patches as mpatches
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from casebook.publish.figures import PALETTE, figure
from casebook.reports.sts_series import analysis as series
from casebook.reports.sts_series.terms import transcribed
from casebook.text import number

STEM_TRAJECTORIES = "sts-series-lesion-size-trajectories"
STEM_REDUCTIONS = "sts-series-reduction-per-lesion"
STEM_DOSES = "sts-series-dose-and-injections"
CAPTIONS = {
    STEM_TRAJECTORIES: "Lesion size at baseline and at each follow-up week, one line per lesion",
    STEM_REDUCTIONS: "Reduction per lesion at each follow-up week: from the sizes (bars) and as printed (ticks)",
    STEM_DOSES: "Dose per treatment for each lesion, and the injections each lesion received",
}
# Primary data print nothing: their captions say what the figures show in the data's own terms.
PRIMARY_CAPTIONS = {**CAPTIONS, STEM_REDUCTIONS: "Reduction per lesion at each follow-up week, from the sizes"}
SMALL_LESION_MM = 10  # lesions below this baseline size get their own panel so they stay visible
LINESTYLES = ("-", "--", ":", "-.")
# Okabe-Ito order for lines: the pale yellow, hard to see as a thin line on white, comes last.
LINE_COLOURS = tuple(PALETTE[i] for i in (0, 1, 2, 3, 4, 5, 7, 6))
REGIMEN_COLOURS = {"single": PALETTE[1], "weekly": PALETTE[0], "monthly": PALETTE[3]}
LOST_COLOUR = "#555555"
# A reduction of 0 %: a bar of no length, drawn as a marker on the zero line (never clipped by the axis).
ZERO_MARKER = {"marker": "o", "markersize": 4, "markeredgecolor": "black", "markeredgewidth": 0.6,
               "linestyle": "none", "clip_on": False, "zorder": 4}


def captions(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Each figure's caption: a transcription's mention what was printed, primary data's only what was measured."""
    return CAPTIONS if transcribed(tables) else PRIMARY_CAPTIONS


def regimen_colour(name: str) -> str:
    """A regimen's colour: single and weekly as always; other schedules the next Okabe-Ito colours."""
    if name in REGIMEN_COLOURS:
        return REGIMEN_COLOURS[name]
    others = (PALETTE[2], PALETTE[5], PALETTE[4])  # never the pale yellow for a line
    return others[sum(map(ord, name)) % len(others)]


def _wrap(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def lesion_styles(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """Colour and line style of each lesion (printed order; styles change after every 8 colours)."""
    ids = series.lesions(tables)["lesion_id"]
    n = len(LINE_COLOURS)
    return {lid: (LINE_COLOURS[i % n], LINESTYLES[(i // n) % len(LINESTYLES)]) for i, lid in enumerate(ids)}


def plot_size_trajectories(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None):
    """Lesion size (mm) at baseline and each follow-up week, one line per lesion labelled by site."""
    weeks = series.checked_weeks(weeks)
    m = series.lesion_measurements(tables, weeks)
    labels = series.lesion_labels(tables)
    styles = lesion_styles(tables)
    base = m[m["week"] == 0].set_index("lesion_id")["size_mm"]
    groups = [(f"Baseline \u2265 {SMALL_LESION_MM} mm", base[base >= SMALL_LESION_MM].index),
              (f"Baseline < {SMALL_LESION_MM} mm", base[base < SMALL_LESION_MM].index)]
    groups = [(title, list(ids)) for title, ids in groups if len(ids)]
    n_lesions = len(base)
    fig, axes = figure("page", height_mm=max(62, 30 + 4.2 * n_lesions), ncols=len(groups), squeeze=False)
    axes = axes[0]
    handles = []
    any_lost = False
    for ax, (title, ids) in zip(axes, groups, strict=False):
        for lid in ids:
            lm = m[(m["lesion_id"] == lid) & (m["status"] == series.MEASURED)]
            colour, dashes = styles[lid]
            ax.plot(lm["week"], lm["size_mm"], color=colour, linestyle=dashes, marker="o", markersize=4,
                    markeredgecolor="white", markeredgewidth=0.5, linewidth=1.3)
        for lid in ids:
            lm = m[m["lesion_id"] == lid]
            lost = lm[(lm["week"] > 0) & (lm["status"] == series.LOST)]
            if len(lost):  # a missed visit (not recorded) is not a loss: the line goes on to the next measurement
                any_lost = True
                last = lm[(lm["status"] == series.MEASURED) & (lm["week"] < lost["week"].min())].iloc[-1]
                ax.plot([last["week"]], [last["size_mm"]], marker="X", markersize=7, color=styles[lid][0],
                        markeredgecolor="black", markeredgewidth=0.6, linestyle="none", zorder=5)
        ax.set_title(title)
        ax.set_xticks([0, *weeks])
        ax.set_xlim(-0.6, max(weeks) + 0.6)
        top = float(m.loc[m["lesion_id"].isin(ids), "size_mm"].max()) * 1.08  # a lesion that grew stays in view
        ax.set_ylim(bottom=-0.03 * top, top=top)  # a size of 0 stays visible above the axis
        ax.set_xlabel("Weeks from first injection")
        ax.set_ylabel("Lesion size, mm")
        for lid in ids:
            handles.append(mlines.Line2D([], [], color=styles[lid][0], linestyle=styles[lid][1], marker="o",
                                         markersize=3.5, linewidth=1.3, label=_wrap(labels[lid], 28)))
    if any_lost:
        handles.append(mlines.Line2D([], [], marker="X", markersize=6, color="white", markeredgecolor="black",
                                     markeredgewidth=0.6, linestyle="none",
                                     label="last measurement;\nthen lost to follow-up"))
    fig.legend(handles=handles, loc="outside right center", frameon=False, handlelength=2.4)
    return fig


def plot_reductions(tables: dict[str, pd.DataFrame], weeks: Iterable[int] | None = None):
    """Percent reduction from baseline per lesion at each follow-up week (bars: recomputed from sizes;
    ticks: as printed); lesions lost to follow-up are labelled, not drawn as 0."""
    weeks = series.checked_weeks(weeks)
    r = series.reductions(tables, weeks)
    labels = series.lesion_labels(tables)
    ids = list(series.lesions(tables)["lesion_id"])
    n, k = len(ids), len(weeks)
    fig, ax = figure("column", height_mm=max(55, 22 + (5 + 2.2 * k) * n))
    height = 0.8 / k
    week_colours = {w: PALETTE[[0, 1, 2, 4, 5, 3, 6, 7][j % 8]] for j, w in enumerate(weeks)}
    printed_drawn = zero_drawn = False
    for j, w in enumerate(weeks):
        for i, lid in enumerate(ids):
            y = i - 0.4 + (j + 0.5) * height
            row = r[(r["lesion_id"] == lid) & (r["week"] == w)].iloc[0]
            if row["status"] != series.MEASURED:
                text = "lost to follow-up" if row["status"] == series.LOST else "not recorded"
                ax.text(1.5, y, text, va="center", ha="left", fontsize=5.5, color=LOST_COLOUR, style="italic")
                continue
            ax.barh(y, row["reduction_recomputed_pct"], height=height * 0.92, color=week_colours[w], linewidth=0)
            if row["reduction_recomputed_pct"] == 0:  # a bar of no length draws nothing: a marker says 0
                zero_drawn = True
                ax.plot([0], [y], **ZERO_MARKER, markerfacecolor=week_colours[w])
            if pd.notna(row["reduction_printed_pct"]):
                ax.plot([row["reduction_printed_pct"]] * 2, [y - height * 0.5, y + height * 0.5], color="black",
                        linewidth=1.1, solid_capstyle="butt")
                printed_drawn = True
    ax.set_yticks(range(n), [_wrap(labels[i], 20) for i in ids])
    ax.set_ylim(n - 0.5, -0.5)  # every lesion's slots, drawn or labelled: a label never falls below the axis
    lowest = float(min(0.0, r["reduction_recomputed_pct"].min(), r["reduction_printed_pct"].min()))
    if lowest < 0:  # growth: bars to the left of 0
        left = -25.0 * math.ceil(-lowest / 25.0)
        ax.set_xlim(left, 100)
        ax.set_xticks(np.arange(left, 101, 25))
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlabel("Reduction from baseline size, % (negative: growth)")
    else:
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Reduction from baseline size, %")
    ax.tick_params(axis="y", length=0)
    handles = [mpatches.Patch(color=week_colours[w], label=f"Week {w}") for w in weeks]
    if printed_drawn:
        handles.append(mlines.Line2D([], [], color="black", linewidth=1.1, marker="|", markersize=6,
                                     linestyle="none", label="As printed"))
    if zero_drawn:
        handles.append(mlines.Line2D([], [], **{**ZERO_MARKER, "markerfacecolor": "white"}, label="0 % (no reduction)"))
    title = {"title": "Bars: recomputed from sizes", "title_fontsize": 6.5} if printed_drawn else {}
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), frameon=False, **title)
    sns.despine(ax=ax)
    return fig


def plot_doses(tables: dict[str, pd.DataFrame], concentration_mg_per_ml: float | None = None):
    """Dose per treatment (mean and range, mg) and injections per lesion. With one concentration the top axis
    gives the volume in ml; with several, each lesion's mean volume and concentration are written beside it."""
    d = series.doses_per_lesion(tables, concentration_mg_per_ml)
    labels = series.lesion_labels(tables)
    n = len(d)
    concs = d["concentration_mg_per_ml"].astype(float)
    conc = float(concs.iloc[0])
    fig, (ax_dose, ax_inj) = figure("page", height_mm=max(60, 26 + 7 * n), ncols=2, sharey=True,
                                    gridspec_kw={"width_ratios": [2.2, 1]})
    y = np.arange(n)
    for i, row in enumerate(d.itertuples()):
        colour = regimen_colour(row.regimen)
        ax_dose.plot([row.dose_min_mg, row.dose_max_mg], [i, i], color=colour, linewidth=1.4, solid_capstyle="butt")
        for x in (row.dose_min_mg, row.dose_max_mg):
            ax_dose.plot([x, x], [i - 0.18, i + 0.18], color=colour, linewidth=1.1)
        ax_dose.plot([row.dose_mean_mg], [i], marker="o", markersize=5, linestyle="none",
                     color="white" if row.dose_shared else colour, markeredgecolor=colour, markeredgewidth=1.2)
    ax_dose.set_yticks(y, [_wrap(labels[i], 22) for i in d["lesion_id"]])
    ax_dose.invert_yaxis()
    ax_dose.set_xlabel("Sodium thiosulphate per treatment, mg (mean and range)")
    if concs.nunique() == 1:
        ax_dose.set_xlim(left=0, right=float(d["dose_max_mg"].max()) * 1.08)
        top = ax_dose.secondary_xaxis("top", functions=(lambda mg: mg / conc, lambda ml: ml * conc))
        top.set_xlabel(f"Volume at {series.fmt_number(conc)} mg/ml, ml")
    else:
        ax_dose.set_xlim(left=0, right=float(d["dose_max_mg"].max()) * 1.6)  # room for the volume labels
        for i, row in enumerate(d.itertuples()):
            volume = f"  {number(row.volume_mean_ml, 2)} ml at {number(row.concentration_mg_per_ml, 2)} mg/ml"
            ax_dose.text(row.dose_max_mg, i - 0.3, volume, va="center", ha="left", fontsize=5.5)
    ax_dose.tick_params(axis="y", length=0)

    inj = d.assign(lesion=d["lesion_id"].map(labels), injections=d["injections"].astype(float))
    sns.barplot(data=inj, x="injections", y="lesion", hue="regimen", palette={r: regimen_colour(r) for r in set(inj["regimen"])},
                dodge=False,
                order=[labels[i] for i in d["lesion_id"]], legend=False, ax=ax_inj, width=0.6,
                saturation=1)
    for i, v in enumerate(inj["injections"]):
        ax_inj.text(v + 0.08, i, series.fmt_number(v), va="center", ha="left", fontsize=6)
    ax_inj.set_xlabel("Injections per lesion")
    ax_inj.set_ylabel("")
    ax_inj.set_xlim(0, float(inj["injections"].max()) + 1)
    ax_inj.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_inj.tick_params(axis="y", length=0)

    handles = [mlines.Line2D([], [], color=regimen_colour(reg), marker="o", markersize=4, linewidth=1.4,
                             label=f"{reg[:1].upper()}{reg[1:]} regimen") for reg in dict.fromkeys(d["regimen"])]
    if d["dose_shared"].any():
        said = "printed" if transcribed(tables) else "recorded"
        handles.append(mlines.Line2D([], [], color="black", marker="o", markerfacecolor="white", markersize=4,
                                     linestyle="none", label=f"One dose {said} for several lesions\n"
                                           "(per lesion or per visit not stated)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3), frameon=False)
    return fig
