"""casebook.reports.sts_series.figures: the three figures of the case series, on report 2 and on a synthetic series."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from casebook import publish
from casebook.data.load import load_dataset
from casebook.publish.figures import COLUMN_MM, MM_PER_INCH, PAGE_MM, preview
from casebook.reports.sts_series import figures as sf
from casebook.reports.sts_series.synthetic import write_series


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return load_dataset("sts-series", write_series(tmp_path_factory.mktemp("syn"), seed=11, n_patients=9))


def _width_mm(fig) -> float:
    return fig.get_figwidth() * MM_PER_INCH


def test_trajectories_one_line_per_lesion_and_lost_lesions_end(tables):
    fig = sf.plot_size_trajectories(tables)
    assert _width_mm(fig) == pytest.approx(PAGE_MM)
    lines = [line for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(lines) == 7
    by_start = {float(line.get_ydata()[0]): line for line in lines}
    assert list(by_start[75.0].get_xdata()) == [0, 4]  # L6 lost after week 4: the line stops, no 0 at week 12
    assert list(by_start[85.0].get_xdata()) == [0, 4]
    assert list(by_start[80.0].get_xdata()) == [0, 4, 12]
    crosses = [line for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "X"]
    assert len(crosses) == 2
    assert sorted(float(c.get_ydata()[0]) for c in crosses) == [30.0, 35.0]
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "L1 Fingertip" in legend_texts and any("lost to follow-up" in t for t in legend_texts)
    plt.close(fig)


def test_reductions_label_lost_lesions_instead_of_drawing_zero(tables):
    fig = sf.plot_reductions(tables)
    ax = fig.axes[0]
    assert _width_mm(fig) == pytest.approx(COLUMN_MM)
    widths = sorted(round(p.get_width(), 1) for p in ax.patches)
    assert len(widths) == 12  # 7 lesions at week 4 + 5 measured at week 12
    assert 0.0 not in widths and 87.5 in widths
    assert [t.get_text() for t in ax.texts].count("lost to follow-up") == 2
    printed_ticks = [line for line in ax.get_lines() if np.allclose(line.get_xdata(), 80.0)]
    assert printed_ticks, "the printed 80% of L4 at week 12 is drawn"
    plt.close(fig)


def test_doses_show_range_volume_axis_and_injections(tables):
    fig = sf.plot_doses(tables, 150.0)
    ax_dose, ax_inj = fig.axes[0], fig.axes[1]
    assert _width_mm(fig) == pytest.approx(PAGE_MM)
    assert any("150 mg/ml" in ax.get_xlabel() for ax in ax_dose.child_axes)  # the secondary (volume) axis
    bars = sorted(round(p.get_width()) for p in ax_inj.patches if p.get_width() > 0)
    assert bars == [1, 1, 3, 3, 4, 4, 4]
    ranges = [
        tuple(line.get_xdata())
        for line in ax_dose.get_lines()
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] != line.get_xdata()[1]
    ]
    assert (100.0, 275.0) in ranges
    plt.close(fig)


@pytest.mark.slow  # saves every figure in PNG, SVG and PDF (seconds): make test, not make check
def test_saved_in_every_format_byte_identically(tables, tmp_path):
    first = publish.figure(sf.plot_size_trajectories(tables), sf.STEM_TRAJECTORIES, tmp_path / "a", ["png", "svg", "pdf"]).files
    second = publish.figure(sf.plot_size_trajectories(tables), sf.STEM_TRAJECTORIES, tmp_path / "b", ["png", "svg", "pdf"]).files
    assert [p.name for p in first] == [f"{sf.STEM_TRAJECTORIES}.{ext}" for ext in ("png", "svg", "pdf")]
    for a, b in zip(first, second, strict=False):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert all(stem.startswith("sts-series-") for stem in (sf.STEM_TRAJECTORIES, sf.STEM_REDUCTIONS, sf.STEM_DOSES))


@pytest.mark.slow  # a second or more: make test, not make check
def test_synthetic_series_gets_its_own_figures(synthetic, tmp_path):
    written = [
        p
        for fig, stem in (
            (sf.plot_size_trajectories(synthetic), sf.STEM_TRAJECTORIES),
            (sf.plot_reductions(synthetic), sf.STEM_REDUCTIONS),
            (sf.plot_doses(synthetic, 150.0), sf.STEM_DOSES),
        )
        for p in publish.figure(fig, stem, tmp_path, ["png"]).files
    ]
    assert all(p.stat().st_size > 10_000 for p in written)
    fig = sf.plot_size_trajectories(synthetic)
    n_lines = sum(1 for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "o")
    assert n_lines == len(synthetic["lesions"])
    plt.close(fig)


def test_preview_without_png_lists_the_files(tables, tmp_path):
    written = publish.figure(sf.plot_doses(tables), sf.STEM_DOSES, tmp_path, ["svg"]).files
    shown = preview(written)
    assert "sts-series-dose-and-injections.svg" in shown.data
