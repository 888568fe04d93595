"""Report 1: figures (case timeline, aldolase against its upper limit, muscle scores).

Each ``*_figure`` function takes the frames built by :mod:`casebook.reports.jdm_case.analysis` and
returns a Matplotlib figure sized for print; :func:`save` writes it through
:func:`casebook.publish.figures.save_figure`. Figures are saved as
``jdm-case-<content>.{png,svg,pdf}``.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from casebook.publish.figures import PAGE_MM, PALETTE, figure
from casebook.reports.jdm_case import analysis as cs

STEMS = {
    "timeline": "jdm-case-timeline",
    "aldolase": "jdm-case-aldolase-vs-upper-limit",
    "muscle-scores": "jdm-case-muscle-scores",
}
CAPTIONS = {
    "timeline": "Case timeline: events in their known order; undated events are drawn hollow, never given a date",
    "aldolase": "Aldolase against its upper reference limit (printed or assumed)",
    "muscle-scores": "Muscle scores as a percentage of each instrument's maximum",
}
# Okabe-Ito colours per kind of event.
KIND_COLOURS = {
    "presentation": PALETTE[0],  # blue
    "investigation": PALETTE[2],  # bluish green
    "treatment": PALETTE[1],  # orange
    "complication": PALETTE[5],  # vermillion
    "outcome": PALETTE[3],  # reddish purple
}
GREY = "#555555"
UNDATED_LABEL = "order known, date not reported"
DATED_LABEL = "timing printed in the report"


# --- Timeline ----------------------------------------------------------------------------------------------------

_LINE_MM = 2.9  # one text line at 6.5 pt
_GAP_MM = 1.6  # between events
_TOP_MM = 7.0  # column headers
_LEGEND_MM = 11.0
_X_TIMING = 36.0  # right edge of the timing column (mm)
_X_BRACKET = 39.5
_X_SPINE = 44.0
_X_TEXT = 48.0
_DETAIL_CHARS = 108
_TIMING_CHARS = 22


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_on_hyphens=False) if text else []


def _timeline_layout(events: pd.DataFrame) -> tuple[list[dict], float]:
    """Per event: its y (mm from the top), label, wrapped detail and timing lines; and the total height."""
    y, rows = _TOP_MM, []
    for _, e in events.iterrows():
        detail = _wrap(e["detail"], _DETAIL_CHARS)
        timing = _wrap(e["timing"], _TIMING_CHARS) if e["dated"] else []
        when = _wrap(e["when"], _TIMING_CHARS) if not e["dated"] and e["when"] else []
        n = max(1 + len(detail), len(timing) + len(when), 1)
        rows.append({"event": e, "y": y + _LINE_MM / 2, "detail": detail, "timing": timing, "when": when, "lines": n})
        y += n * _LINE_MM + _GAP_MM
    return rows, y + _LEGEND_MM


def timeline_figure(events: pd.DataFrame):
    """The case timeline (CARE item 7) on an ordinal axis: events top to bottom in their known order.

    Filled markers: the report prints the event's timing (shown at left, with what it is counted from).
    Hollow markers: order known, date not reported. The dashed spine marks intervals the report does not give;
    a bracket marks an interval it does (e.g. 9 months from the start of topical thiosulfate to assessment).
    No event is placed on a time scale, so no date is invented.
    """
    rows, height = _timeline_layout(events)
    fig, ax = figure("page", height_mm=height)
    fig.set_layout_engine("none")
    ax.set_position((0, 0, 1, 1))
    width = float(PAGE_MM)
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")

    ax.text(_X_TIMING, 3.0, "Timing as printed", ha="right", va="center", fontsize=6.5, fontweight="bold")
    ax.text(_X_TEXT, 3.0, "Event, in the order reported", ha="left", va="center", fontsize=6.5, fontweight="bold")

    ys = [r["y"] for r in rows]
    if len(ys) > 1:
        ax.plot([_X_SPINE, _X_SPINE], [ys[0], ys[-1]], color=GREY, lw=0.8, ls=(0, (2.5, 2)), zorder=1, gid="spine")

    for r in rows:
        e, y = r["event"], r["y"]
        colour = KIND_COLOURS.get(e["kind"], GREY)
        dated = bool(e["dated"])
        ax.plot([_X_SPINE], [y], marker="o", ms=5.5, mec=colour, mew=1.3,
                mfc=colour if dated else "white", ls="none", zorder=3, gid=f"event-{int(e['order'])}")
        ax.text(_X_TEXT, y, e["label"], ha="left", va="center", fontsize=6.5, fontweight="bold",
                gid=f"label-{int(e['order'])}")
        for i, line in enumerate(r["detail"]):
            ax.text(_X_TEXT, y + (i + 1) * _LINE_MM, line, ha="left", va="center", fontsize=6, color="#222222")
        for i, line in enumerate(r["timing"]):
            ax.text(_X_TIMING, y + i * _LINE_MM, line, ha="right", va="center", fontsize=6.5,
                    fontweight="bold" if i == 0 else "normal", gid=f"timing-{int(e['order'])}-{i}")
        for i, line in enumerate(r["when"]):
            ax.text(_X_TIMING, y + i * _LINE_MM, line, ha="right", va="center", fontsize=6, color=GREY, style="italic")

    y_of = {int(r["event"]["order"]): r["y"] for r in rows}
    for start, end, label in cs.known_intervals(events):
        y0, y1 = y_of[start], y_of[end]
        ax.plot([_X_BRACKET + 1.5, _X_BRACKET, _X_BRACKET, _X_BRACKET + 1.5], [y0, y0, y1, y1],
                color="black", lw=0.9, solid_capstyle="butt", zorder=2, gid=f"interval-{start}-{end}")
        ax.text(_X_BRACKET - 0.8, (y0 + y1) / 2, label, ha="right", va="center", fontsize=6.5, fontweight="bold",
                rotation=90, gid=f"interval-label-{start}-{end}")

    kinds = [k for k in KIND_COLOURS if k in set(events["kind"])]
    handles = [Patch(facecolor=KIND_COLOURS[k], edgecolor="none", label=k) for k in kinds]
    handles += [
        Line2D([], [], marker="o", ms=5.5, mfc=GREY, mec=GREY, ls="none", label=DATED_LABEL),
        Line2D([], [], marker="o", ms=5.5, mfc="white", mec=GREY, mew=1.3, ls="none", label=UNDATED_LABEL),
        Line2D([], [], color=GREY, lw=0.8, ls=(0, (2.5, 2)), label="interval not reported"),
        Line2D([], [], color="black", lw=0.9, label="interval printed"),
    ]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(4 / width, 1.0 / height), ncol=5, frameon=False,
              fontsize=6, handlelength=1.6, columnspacing=1.4, borderaxespad=0)
    return fig


# --- Aldolase ----------------------------------------------------------------------------------------------------


def _timepoint_label(tp: str) -> str:
    return tp[:1].upper() + tp[1:]


# A limit the report prints beside this value is dashed; one carried over from another value is dotted.
_LIMIT_STYLE = {"printed": (0, (3, 2)), "assumed": (0, (1, 1.5))}
_LIMIT_LABEL = {"printed": "printed", "assumed": "assumed, printed once"}


def aldolase_figure(labs: pd.DataFrame, analyte: str = "Aldolase"):
    """Each measurement of ``analyte`` as a bar, with its upper reference limit as a dashed segment."""
    rows = labs[(labs["Analyte"] == analyte) & labs["Value"].notna()].reset_index(drop=True)
    fig, ax = figure("column", height_mm=62)
    x = list(range(len(rows)))
    ax.bar(x, rows["Value"], width=0.55, color=PALETTE[0], zorder=2, gid="bars")
    top = max([*rows["Value"], *rows["Upper reference limit"].fillna(0)], default=1)
    for i, r in rows.iterrows():
        if pd.notna(r["Upper reference limit"]):
            ax.plot([i - 0.42, i + 0.42], [r["Upper reference limit"]] * 2, color="black", lw=1.1,
                    ls=_LIMIT_STYLE[r["Limit"]], zorder=3, gid=f"uln-{r[cs.DATA_ROW]}")
        text = f"{r['Value']:.{cs.LAB_DECIMALS}f} {r['Unit']}"
        if pd.notna(r["Multiple of ULN"]):
            text += f"\n{r['Multiple of ULN']:.2f} × ULN"
        ax.text(i, r["Value"] + top * 0.03, text, ha="center", va="bottom", fontsize=6.5)
    ax.set_xticks(x, [textwrap.fill(_timepoint_label(t), 16) for t in rows["When measured"]])
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(0, top * 1.7)  # room for the legend above the value labels
    units = rows["Unit"].dropna().unique()
    ax.set_ylabel(f"{analyte} ({units[0]})" if len(units) == 1 else analyte)
    limits = rows["Upper reference limit"].dropna().unique()
    uln = f"upper limit ({limits[0]:.{cs.LAB_DECIMALS}f} {units[0]})" if len(limits) == 1 and len(units) == 1 \
        else "upper limit"
    shown = [k for k in _LIMIT_STYLE if k in set(rows["Limit"].dropna())]
    ax.legend(handles=[Line2D([], [], color="black", lw=1.1, ls=_LIMIT_STYLE[k], label=f"{uln}: {_LIMIT_LABEL[k]}")
                       for k in shown], loc="upper left", frameon=False)
    ax.set_xlabel("Measurement, in order (interval not reported)")
    return fig


# --- Muscle scores -----------------------------------------------------------------------------------------------


def muscle_scores_figure(scores: pd.DataFrame):
    """Each muscle score as percent of its instrument's maximum, labelled with points/maximum."""
    s = scores.reset_index(drop=True)
    fig, ax = figure("column", height_mm=14 + 11 * len(s))
    y = list(range(len(s)))
    ax.barh(y, [100] * len(s), height=0.55, color="#E8E8E8", zorder=1, gid="maximum")
    for i, r in s.iterrows():
        ax.barh(i, r["Percent of maximum"], height=0.55, color=PALETTE[(i + 1) % len(PALETTE)], zorder=2,
                gid=f"score-{r[cs.DATA_ROW]}")
        ax.text(r["Percent of maximum"] + 1.5, i, f"{r['Points']:g}/{r['Maximum']:g} ({r['Percent of maximum']:.1f} %)",
                ha="left", va="center", fontsize=6.5, zorder=3)
    ax.set_yticks(y, [f"{r['Instrument']}\n(max. {r['Maximum']:g})" for _, r in s.iterrows()])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("Percent of the maximum score")
    whens = s["When measured"].unique()
    if len(whens) == 1:
        ax.set_title(f"Measured {whens[0]}", loc="left", fontsize=6.5, color=GREY)
    return fig
