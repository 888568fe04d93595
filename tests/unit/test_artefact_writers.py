"""Figures and tables are written atomically and byte-identically, with no dates or software stamps."""

from __future__ import annotations

import csv
import html
import io
import os
import shutil

import pandas as pd
import pytest

from casebook import CasebookError
from casebook.engine.io import atomic_path
from casebook.publish.figures import figure, save_figure
from casebook.publish.tables import write_table


def _plot(tmp_path, name):
    fig, ax = figure("column", 50)
    ax.plot([0, 4, 12], [70, 30, 5], marker="o", label="knee")
    ax.legend()
    return {p.suffix: p.read_bytes() for p in save_figure(fig, name, tmp_path)}


@pytest.mark.slow  # saves every figure in PNG, SVG and PDF (seconds): make test, not make check
def test_figures_are_byte_identical_and_unstamped(tmp_path):
    a = _plot(tmp_path / "a", "f")
    b = _plot(tmp_path / "b", "f")
    assert set(a) == {".png", ".svg", ".pdf"}
    assert a == b
    assert b"Matplotlib" not in a[".png"] and b"<dc:date>" not in a[".svg"] and b"CreationDate" not in a[".pdf"]


@pytest.mark.slow  # a second or more: make test, not make check
def test_png_is_300_dpi_and_column_wide(tmp_path):
    png = _plot(tmp_path, "f")[".png"]
    width = int.from_bytes(png[16:20], "big")
    assert abs(width - round(85 / 25.4 * 300)) <= 2


def test_tables_in_three_formats_escape_latex(tmp_path):
    df = pd.DataFrame({"site": ["Knee & elbow"], "reduction_%": [57]})
    out = {p.suffix: p.read_text() for p in write_table(df, "t", tmp_path, caption="A 100% caption")}
    assert out[".csv"] == "site,reduction_%\nKnee & elbow,57\n"
    assert r"Knee \& elbow" in out[".tex"] and r"\toprule" in out[".tex"] and r"100\%" in out[".tex"]
    assert "| Knee & elbow" in out[".md"]


def test_interrupted_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["t.csv"]


def test_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CasebookError, match="cannot write"):
        write_table(pd.DataFrame({"a": [1]}), "t", blocker / "sub")


def test_notebook_tables_show_numbers_as_printed_and_text_left_aligned():
    from casebook.publish.tables import show_table

    df = pd.DataFrame({"dose_mg": [12.5, 150.0], "site": ["knee", "<b>elbow</b>"], "n": [1, 2],
                       "mixed": pd.Series([62.5, 3.0], dtype=object)})
    shown = show_table(df, "t")
    text, page = repr(shown), shown._repr_html_()
    assert "12.500000" not in page and "150.000000" not in page and "3.0<" not in page
    assert ">12.5<" in page and ">150<" in page and ">3<" in page and "150.0" not in text
    assert "&lt;b&gt;elbow" in page  # data never becomes markup
    assert "text-align: left" in page
    # inline too: JupyterLab drops <style> elements from an untrusted notebook's outputs
    assert 'id="T_t_row0_col1" style="text-align: left;"' in page


FORMULA = '=HYPERLINK("https://example.org","click")'


def test_csv_cells_a_spreadsheet_would_execute_are_escaped_only_in_the_csv(tmp_path):
    """A planted formula is quoted in the CSV (OWASP); numbers, plain-number text and other text are not; the
    Markdown and LaTeX keep the text as it is, and the site's reader gets it back exactly."""
    from casebook.publish.csv_cells import unescape
    from casebook.publish.site.html import csv_table_html

    cells = [FORMULA, "+9 months", "-", "@SUM(A1)", "\t=1+1", "'=already quoted", "-10", "'(both)': as printed", "Knee"]
    df = pd.DataFrame({"site": cells, "reduction": [-10.0, 57.5, -7.5, 0, 1, 2, 3, 4, 5], "n": range(9)})
    out = {p.suffix: p.read_text() for p in write_table(df, "t", tmp_path)}
    rows = list(csv.reader(io.StringIO(out[".csv"])))
    assert [r[0] for r in rows[1:]] == ["'" + FORMULA, "'+9 months", "'-", "'@SUM(A1)", "'\t=1+1", "''=already quoted",
                                        "-10", "'(both)': as printed", "Knee"]
    assert [r[1] for r in rows[1:4]] == ["-10.0", "57.5", "-7.5"]  # numbers stay numbers
    assert [unescape(r[0]) for r in rows[1:]] == cells
    assert html.escape(FORMULA) in csv_table_html(out[".csv"]) and "&#x27;=HYPERLINK" not in csv_table_html(out[".csv"])
    assert FORMULA in out[".md"] and "'" + FORMULA not in out[".md"]
    assert "=HYPERLINK" in out[".tex"] and "'=HYPERLINK" not in out[".tex"]


def test_a_table_without_such_a_cell_is_written_as_pandas_writes_it(tmp_path):
    df = pd.DataFrame({"lesion": ["L2", "L4"], "change": [-0.143, -7.5], "note": ["grew", None],
                       "kind": pd.Categorical(["a", "b"])})
    (path,) = write_table(df, "t", tmp_path, formats=["csv"])
    assert path.read_text() == df.to_csv(index=False, lineterminator="\n")


def test_a_planted_formula_in_a_series_is_escaped_in_its_published_csv(tmp_path):
    """An author's site written as a formula reaches the published tables as text, escaped in the CSV only."""
    from casebook import load_dataset, paths, publish
    from casebook.reports.sts_series import published

    folder = tmp_path / "series"
    shutil.copytree(paths.DATA / "sts-series", folder)
    lesions = folder / "lesions.csv"
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    lesions.write_text(lesions.read_text().replace("L2,P2,Knee,", f"L2,P2,{quoted},", 1))
    data = load_dataset("sts-series", folder)
    for spec in (published.table1_table(data), published.lesions_table(data)):
        written = publish.table(spec, tables_dir=tmp_path / "tables")
        out = {p.suffix: p.read_text() for p in written.files}
        cells = [c for row in csv.reader(io.StringIO(out[".csv"])) for c in row]
        assert "'" + FORMULA in cells and FORMULA not in cells, spec.stem
        assert FORMULA in out[".md"] and "'=" not in out[".md"] and "'=" not in out[".tex"], spec.stem
