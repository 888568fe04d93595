"""Checks every figure the project draws must pass (report 1's and report 2's on their data and on fixture series,
and the audit's): every label inside the figure, and every label placed on an axes inside that axes; a bar or
value of length zero drawn visibly, as a marker; an outlier that does not squeeze the other points or sit cut in a
corner. Each check fails on a planted defect."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from casebook import load_dataset
from casebook.audit import figures as af
from casebook.reports.jdm_case import analysis as case
from casebook.reports.jdm_case import figures as cf
from casebook.reports.sts_series import figures as sf

from helpers import FIXTURES, copy_tables

TOL = 1.0  # pixels


def _zero_series(tables: dict) -> dict:
    """Report 2 with the week-4 size of L3 set to its baseline: a reduction of 0 %."""
    t = copy_tables(tables)
    m = t["measurements"]
    base = m.loc[(m["lesion_id"] == "L3") & (m["week"] == 0), "size_mm"].iloc[0]
    m.loc[(m["lesion_id"] == "L3") & (m["week"] == 4), "size_mm"] = base
    return t


def _points(outlier: float | None = None) -> pd.DataFrame:
    """Audit points shaped as :func:`casebook.audit.numeric_points` gives them, with one claim at ``outlier``."""
    rows = [("c-age", "years", 0, 49.0, 49.0, True, "consistent"), ("c-age", "years", 1, 71.0, 74.0, False, "inconsistent"),
            ("c-n", "", 0, 8.0, 7.0, False, "inconsistent"), ("c-dose", "mg", 0, 12.5, 12.5, True, "transcribed"),
            ("c-dose", "mg", 1, 275.0, 275.0, True, "transcribed"), ("c-pct", "%", 0, 67.0, 62.6, False, "inconsistent"),
            ("c-all", "%", 0, 100.0, 100.0, True, "consistent")]
    if outlier is not None:
        rows.append(("third-dose", "mg", 0, outlier, outlier, True, "consistent"))
    return pd.DataFrame([{"claim_id": c, "report": "r", "unit": u, "kind": "k", "part": p, "printed": a, "recomputed": b,
                          "reading": "primary", "matched": m, "verdict": v} for c, u, p, a, b, m, v in rows])


def _moves() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reconciliation's moves and key for :func:`_points`, shaped as :mod:`casebook.audit.explain` gives them: a
    misprinted claim (the age range's high end), an omitted row (the count and the percentage), a claim no step
    explains that prints no number."""
    rows = [("c-age", "1", 1, "years", 0, 49.0, 49.0, 49.0, 49.0), ("c-age", "1", 1, "years", 1, 71.0, 74.0, 74.0, 74.0),
            ("c-n", "2", 2, "", 0, 8.0, 7.0, 8.0, 8.0), ("c-pct", "2", 2, "%", 0, 67.0, 62.6, 67.0, 67.3)]
    moved = pd.DataFrame([{"report": "r", "claim_id": c, "mark": m, "step": k, "finding": "query", "cause_id": "x",
                           "unit": u, "part": p, "printed": a, "recomputed": b, "printed_after": a2,
                           "recomputed_after": b2} for c, m, k, u, p, a, b, a2, b2 in rows]
                         + [{"report": "r", "claim_id": "c-most", "mark": "none", "step": "", "finding": "unexplained",
                             "cause_id": "c-most", "unit": "", "part": ""}])
    key = pd.DataFrame([{"mark": "1", "hypothesis": "the claim c-age printed 71 for 74", "alternatives": "",
                         "explains": "correction (root cause ages): c-age", "not_drawn": ""},
                        {"mark": "2", "hypothesis": "a row of P1 that the table does not list " + "(outcomes) " * 12,
                         "alternatives": "a row of P2", "explains": "query (root cause row): c-n, c-pct", "not_drawn": ""},
                        {"mark": "none", "hypothesis": "no step explains these claims", "alternatives": "",
                         "explains": "unexplained (root cause c-most): c-most*", "not_drawn": "c-most"}])
    return moved, key


@functools.cache
def _data(name: str) -> dict:
    """The datasets the figures are drawn from, loaded when a test first needs them (not when tests are collected)."""
    if name == "jdm":
        return load_dataset("jdm-case")
    if name == "primary fixture":
        return load_dataset("sts-series", FIXTURES / "series-primary")
    sts = load_dataset("sts-series")
    return sts if name == "report" else _zero_series(sts)


def _figures():
    jdm = functools.partial(_data, "jdm")
    out = {"jdm timeline": lambda: cf.timeline_figure(case.timeline_events(jdm())),
           "jdm aldolase": lambda: cf.aldolase_figure(case.lab_table(jdm())),
           "jdm muscle scores": lambda: cf.muscle_scores_figure(case.muscle_score_table(jdm())),
           "audit": lambda: af.plot_printed_vs_recomputed(_points()),
           "audit with a 1500 mg outlier": lambda: af.plot_printed_vs_recomputed(_points(1500.0)),
           "audit with the reconciliation": lambda: af.plot_printed_vs_recomputed(_points(), *_moves()),
           "audit, nothing to explain": lambda: af.plot_printed_vs_recomputed(_points(), None, _moves()[1].iloc[0:0])}
    for name in ("report", "primary fixture", "zero reduction"):
        out[f"sts trajectories, {name}"] = lambda name=name: sf.plot_size_trajectories(_data(name))
        out[f"sts reductions, {name}"] = lambda name=name: sf.plot_reductions(_data(name))
        out[f"sts doses, {name}"] = lambda name=name: sf.plot_doses(_data(name), 150.0)
    return out


FIGURES = _figures()


VARIANTS = ("primary fixture", "zero reduction", "outlier")  # the figures on other data than the reports': make test


@pytest.fixture(scope="module", params=[pytest.param(name, marks=pytest.mark.slow) if any(v in name for v in VARIANTS)
                                        else name for name in sorted(FIGURES)])
def fig(request):
    """Each figure drawn once for the checks below (they only read it)."""
    figure = FIGURES[request.param]()
    figure.canvas.draw()
    yield figure
    plt.close(figure)


def _drawn(texts, figure=None) -> list[Text]:
    """Visible, non-empty texts that Matplotlib draws (tick labels outside the view are not drawn)."""
    culled = set()
    for ax in figure.axes if figure is not None else []:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            culled |= {id(label) for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                       if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9 for label in (tick.label1, tick.label2)}
    return [t for t in texts if t.get_visible() and t.get_text().strip() and id(t) not in culled]


def labels_outside(figure) -> list[str]:
    """Texts that stick out of the figure, and texts placed on an axes (values, notes) that stick out of it."""
    renderer = figure.canvas.get_renderer()
    out = []
    for t in _drawn(figure.findobj(Text), figure):
        box = t.get_window_extent(renderer)
        if box.x0 < -TOL or box.y0 < -TOL or box.x1 > figure.bbox.x1 + TOL or box.y1 > figure.bbox.y1 + TOL:
            out.append(f"outside the figure: {t.get_text()!r}")
    for ax in figure.axes:
        frame = ax.get_window_extent(renderer)
        for t in _drawn(ax.texts):
            box = t.get_window_extent(renderer)
            if box.x0 < frame.x0 - TOL or box.y0 < frame.y0 - TOL or box.x1 > frame.x1 + TOL or box.y1 > frame.y1 + TOL:
                out.append(f"outside its axes: {t.get_text()!r}")
    return out


def invisible_zeros(figure) -> list[str]:
    """Bars of length zero with no visible marker at their place (a zero that looks like a missing value)."""
    out = []
    for ax in figure.axes:
        markers = [(x, y) for line in ax.get_lines() if line.get_visible() and line.get_marker() not in (None, "", "None")
                   and line.get_markersize() > 0 for x, y in zip(line.get_xdata(), line.get_ydata(), strict=False)]
        for bar in (p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible()):
            x, y, w, h = bar.get_x(), bar.get_y(), bar.get_width(), bar.get_height()
            if w == 0 and not any(abs(mx - x) < 1e-9 and y <= my <= y + h for mx, my in markers):
                out.append(f"zero-width bar at y={y + h / 2:.2f}")
            if h == 0 and not any(abs(my - y) < 1e-9 and x <= mx <= x + w for mx, my in markers):
                out.append(f"zero-height bar at x={x + w / 2:.2f}")
    return out


def test_every_label_inside_the_figure_and_its_axes(fig):
    assert labels_outside(fig) == []


def test_a_zero_is_drawn_as_a_marker(fig):
    assert invisible_zeros(fig) == []


def test_the_zero_series_has_a_zero_bar_and_its_marker():
    figure = sf.plot_reductions(_data("zero reduction"))
    zero = [p for p in figure.axes[0].patches if p.get_width() == 0]
    assert len(zero) == 1 and invisible_zeros(figure) == []
    for line in [line for line in figure.axes[0].get_lines() if line.get_marker() == "o"]:
        line.remove()  # the defect this check was written for: a 0 % bar and nothing else
    assert invisible_zeros(figure) == ["zero-width bar at y=1.80"]
    plt.close(figure)


def test_a_label_below_the_axes_is_found():
    figure = sf.plot_reductions(_data("report"))
    ax = figure.axes[0]
    ax.set_ylim(ax.get_ylim()[0] - 0.25, ax.get_ylim()[1])  # the old limits: the last slot fell below the x-axis
    figure.canvas.draw()
    assert "outside its axes: 'lost to follow-up'" in labels_outside(figure)
    plt.close(figure)


def test_an_outlier_is_clipped_with_its_values_and_the_rest_keep_the_scale():
    for outlier in (None, 1500.0):
        figure = af.plot_printed_vs_recomputed(_points(outlier))
        panel = figure.axes[1]
        top = panel.get_xlim()[1]
        assert 275.0 < top <= 2 * 275.0, "the scale ends a margin past the largest of the others, not at 1500"
        offsets = [xy for c in panel.collections for xy in c.get_offsets()]
        assert all(x <= top and y <= top for x, y in offsets)
        off = [t.get_text() for t in panel.texts if t.get_text().startswith("off scale")]
        assert off == (["off scale: printed 1500, recomputed 1500"] if outlier else [])
        plt.close(figure)
    assert "symmetric-log" in af.CAPTION and "edge" in af.CAPTION  # the choice is stated in the caption


def test_the_reconciliation_is_drawn_with_its_steps_and_key():
    """An arrow per moved number (none for the end of a range a step leaves where it is), each step's number in the
    panels, each step in the key; no key, no key panel."""
    moved, key = _moves()
    figure = af.plot_printed_vs_recomputed(_points(), moved, key)
    panels = [ax for ax in figure.axes if ax.axison]
    arrows = [t for ax in panels for t in ax.texts if t.arrow_patch is not None]
    assert len(arrows) == 3
    assert {t.get_text() for ax in panels for t in ax.texts} >= {"1", "2"}
    listed = [t.get_text() for ax in figure.axes if not ax.axison for t in ax.texts]
    assert {"1", "2", "none"} <= set(listed) and any("c-most*" in t for t in listed)
    plt.close(figure)
    plain = af.plot_printed_vs_recomputed(_points())
    assert len(plain.axes) == 2
    plt.close(plain)
