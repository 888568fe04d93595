"""Report 1 figures (casebook.reports.jdm_case.figures): honest timeline, readable labels, journal sizes, three formats."""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from casebook import load_dataset, publish
from casebook.publish.figures import DPI, MM_PER_INCH, PAGE_MM
from casebook.reports.jdm_case import analysis as case
from casebook.reports.jdm_case import figures as cf


@pytest.fixture(scope="module")
def data():
    return load_dataset("jdm-case")


@pytest.fixture(scope="module")
def events(data):
    return case.timeline_events(data)


def by_gid(fig, gid):
    return [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]


def drawn_texts(fig) -> list[Text]:
    """Visible, non-empty texts that Matplotlib actually draws (tick labels outside the view are culled)."""
    fig.canvas.draw()
    culled = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    culled |= {id(tick.label1), id(tick.label2)}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in culled]


def overlapping_texts(fig) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose rendered boxes overlap (legend texts included)."""
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer).shrunk(0.98, 0.9)) for t in drawn_texts(fig)]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def texts_outside(fig) -> list[str]:
    """Drawn texts that stick out of the figure."""
    texts = drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for t in texts:
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - 1 or e.x1 > box.x1 + 1 or e.y0 < box.y0 - 1 or e.y1 > box.y1 + 1:
            out.append(t.get_text())
    return out


def test_undated_events_drawn_hollow_dated_filled(events):
    fig = cf.timeline_figure(events)
    for e in events.itertuples():
        (marker,) = by_gid(fig, f"event-{e.order}")
        face = mcolors.to_hex(marker.get_markerfacecolor())
        edge = mcolors.to_hex(marker.get_markeredgecolor())
        if e.dated:
            assert face == edge, e.label
        else:
            assert face == "#ffffff" and edge != "#ffffff", e.label


def test_timeline_has_no_time_scale(events):
    fig = cf.timeline_figure(events)
    ax = fig.axes[0]
    assert not ax.axison  # events are ordered, never placed on a (possibly invented) time axis


def test_dated_events_show_their_printed_timing(events):
    fig = cf.timeline_figure(events)
    shown = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("timing-")}
    for e in events[events["dated"]].itertuples():
        first = shown[f"timing-{e.order}-0"]
        assert f"{e.time_value:g}" in first, (e.label, first)
    undated = set(events.loc[~events["dated"], "order"])
    assert not any(int(gid.split("-")[1]) in undated for gid in shown)


def test_printed_interval_is_bracketed(events):
    fig = cf.timeline_figure(events)
    ((start, end, label),) = case.known_intervals(events)
    assert by_gid(fig, f"interval-{start}-{end}")
    (text,) = by_gid(fig, f"interval-label-{start}-{end}")
    assert text.get_text() == "9 months"


def test_timeline_legend_explains_hollow_markers(events):
    fig = cf.timeline_figure(events)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert cf.UNDATED_LABEL in labels and cf.UNDATED_LABEL == "order known, date not reported"
    hollow = [h for h in fig.axes[0].get_legend().legend_handles if isinstance(h, Line2D) and h.get_label() == cf.UNDATED_LABEL]
    assert mcolors.to_hex(hollow[0].get_markerfacecolor()) == "#ffffff"


@pytest.mark.parametrize("name", ["timeline", "aldolase", "muscle-scores"])
def test_labels_do_not_overlap_or_leave_the_figure(data, events, name):
    fig = {
        "timeline": lambda: cf.timeline_figure(events),
        "aldolase": lambda: cf.aldolase_figure(case.lab_table(data)),
        "muscle-scores": lambda: cf.muscle_scores_figure(case.muscle_score_table(data)),
    }[name]()
    assert overlapping_texts(fig) == []
    assert texts_outside(fig) == []


def test_aldolase_against_its_upper_limit(data):
    fig = cf.aldolase_figure(case.lab_table(data))
    ax = fig.axes[0]
    heights = [round(p.get_height(), 1) for p in ax.patches]
    assert heights == [11.0, 19.3]
    for row in ("I01", "I08"):
        (uln,) = by_gid(fig, f"uln-{row}")
        assert set(uln.get_ydata()) == {7.3}
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "1.51 × ULN" in texts and "2.64 × ULN" in texts


def test_muscle_scores_as_fraction_of_maximum(data):
    fig = cf.muscle_scores_figure(case.muscle_score_table(data))
    widths = {p.get_gid(): round(p.get_width(), 1) for p in fig.axes[0].patches if (p.get_gid() or "").startswith("score-")}
    assert widths == {"score-M1": 67.3, "score-M2": 62.5}
    assert fig.axes[0].get_xlim() == (0, 100)


@pytest.mark.slow  # saves every figure in PNG, SVG and PDF (seconds): make test, not make check
def test_saved_in_three_formats_at_journal_size(data, events, tmp_path):
    publish.figure(cf.timeline_figure(events), cf.STEMS["timeline"], str(tmp_path))
    publish.figure(cf.aldolase_figure(case.lab_table(data)), cf.STEMS["aldolase"], str(tmp_path))
    for stem in ("jdm-case-timeline", "jdm-case-aldolase-vs-upper-limit"):
        for ext in ("png", "svg", "pdf"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 1000
    width_px = Image.open(tmp_path / "jdm-case-timeline.png").size[0]
    assert abs(width_px - PAGE_MM / MM_PER_INCH * DPI) <= 2
    assert abs(Image.open(tmp_path / "jdm-case-aldolase-vs-upper-limit.png").size[0] - 85 / MM_PER_INCH * DPI) <= 2


@pytest.mark.slow  # saves every figure in PNG, SVG and PDF (seconds): make test, not make check
def test_figures_are_byte_identical_between_runs(events, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    publish.figure(cf.timeline_figure(events), cf.STEMS["timeline"], str(a))
    publish.figure(cf.timeline_figure(events), cf.STEMS["timeline"], str(b))
    for ext in ("png", "svg", "pdf"):
        assert (a / f"jdm-case-timeline.{ext}").read_bytes() == (b / f"jdm-case-timeline.{ext}").read_bytes()
