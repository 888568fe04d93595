"""The static bundle (build/site/) and the index: pages, artefacts with provenance, offline, escaped.

The bundle is built in a temporary copy of the project (``CASEBOOK_ROOT``), in a subprocess, so the real
``build/site/`` is never touched.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from casebook import paths
from casebook.engine import provenance
from casebook.engine.hashing import sha256_file
from casebook.publish.figures import figure, save_figure
from casebook.publish.index import artefacts, notebook_paths, notebooks_markdown, summaries
from casebook.publish.site.html import external_loads
from casebook.publish.tables import write_table
from casebook.registry import registry

INJECTED = '<script>alert("casebook")</script>'
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _free_text(root: Path) -> dict[Path, list[str]]:
    """Every report's free-text columns (type string, no key, no reference; not a printed copy or a source; not its
    key/value table), by table file in the copy."""
    out = {}
    for report in registry().values():
        d = pd.read_csv(report.dictionary, dtype=str, keep_default_na=False)
        free = d[(d["type"] == "string") & (d["key"] != "yes") & (d["references"] == "")
                 & ~d["column"].str.contains("printed|source")]
        for table, g in free.groupby("table"):
            path = root / "data" / report.id / f"{table}.csv"
            if path.is_file() and table != report.kind_table:  # a key/value table's values are read as facts
                out[path] = list(g["column"])
    return out


def _first_table(root: Path) -> Path:
    """The first table of the first report: the data the demo notebook is recorded as reading."""
    report = next(iter(registry().values()))
    return root / "data" / report.id / f"{report.tables[0]}.csv"


def _copy_base(root: Path) -> None:
    """What every copy needs: the root marker, the lock and the data."""
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy2(paths.ROOT / name, root / name)
    shutil.copytree(paths.DATA, root / "data")


def _build_site(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEBOOK_ROOT": str(root), "MPLCONFIGDIR": str(root / "build" / "mpl")}
    env.pop("CASEBOOK_ARTEFACT_LOG", None)
    return subprocess.run(
        [sys.executable, "-m", "casebook", "html"], env=env, cwd=root, capture_output=True, text=True, timeout=240
    )


def _notebook(path: Path, cells) -> None:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nbformat.write(nb, path)


def _demo_notebooks(root: Path, png: str) -> None:
    """01-demo, executed, showing the figure; 00-index linking to it; and the manifest naming both."""
    (root / "notebooks").mkdir()
    _notebook(
        root / "notebooks" / "01-demo.ipynb",
        [
            new_markdown_cell("# Demo report\n\nShows one figure. Back to the [index](00-index.ipynb).", id="title"),
            new_code_cell('figures_dir: str = "figures"', id="parameters", metadata={"tags": ["parameters"]}, execution_count=1),
            new_code_cell(
                "show('figures/demo-size-trajectory.png')",
                id="figure",
                execution_count=2,
                outputs=[
                    new_output("display_data", data={"image/png": png, "text/plain": "<IPython.core.display.Image object>"})
                ],
            ),
        ],
    )
    _notebook(
        root / "notebooks" / "00-index.ipynb",
        [
            new_markdown_cell("# Index\n\nLinks: [demo](01-demo.ipynb).", id="title"),
        ],
    )
    (root / "notebooks" / "build.toml").write_text(
        '[[notebook]]\npath = "notebooks/01-demo.ipynb"\n\n[[notebook]]\npath = "notebooks/00-index.ipynb"\n', encoding="utf-8"
    )


def _demo_provenance(root: Path, case: Path, figs: list[Path], tables: list[Path]) -> None:
    """provenance.json recording the demo notebook's run: the data it read and the artefacts it wrote."""
    record = {
        "notebook": "notebooks/01-demo.ipynb",
        "parameter_set": "default",
        "parameters": {"figures_dir": "figures"},
        "inputs": {case.relative_to(root).as_posix(): sha256_file(case)},
        "artefacts": {
            paths_rel: sha256_file(root / paths_rel)
            for paths_rel in [f"figures/{p.name}" for p in figs]
            + [f"tables/{p.name}" for p in tables]
            + ["notebooks/01-demo.ipynb"]
        },
    }
    entries = provenance.entries(record)
    doc = {"artefacts": entries, "environment": {"python": "3.11", "pandas": "9.9.9-test"}}
    (root / "provenance.json").write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A small project: two executed notebooks, one figure, one table with a <script> in a data value,
    data/ with a <script> in a free-text column, and a provenance manifest; then the bundle built from it."""
    root = tmp_path_factory.mktemp("project")
    _copy_base(root)
    for table, columns in _free_text(root).items():  # free text: some of it shows in the CARE tables
        df = pd.read_csv(table, dtype=str, keep_default_na=False)
        df.loc[0, columns] = INJECTED
        df.to_csv(table, index=False)
    case = _first_table(root)

    fig, ax = figure("column", 40)
    ax.plot([0, 4, 12], [70, 30, 5], marker="o")
    figs = save_figure(fig, "demo-size-trajectory", root / "figures")
    tables = write_table(pd.DataFrame({"site": ["knee", INJECTED], "size_mm": [70, 30]}), "demo-sizes", root / "tables")
    _demo_notebooks(root, base64.b64encode(figs[0].read_bytes()).decode())
    _demo_provenance(root, case, figs, tables)
    # Changed after the build: the bundle must say so.
    (root / "tables" / "demo-sizes.md").write_text("edited by hand\n", encoding="utf-8")
    # Left over from an earlier bundle: must disappear.
    (root / "build" / "site" / "notebooks").mkdir(parents=True)
    (root / "build" / "site" / "notebooks" / "99-removed.html").write_text("old", encoding="utf-8")

    result = _build_site(root)
    assert result.returncode == 0, result.stderr
    assert "wrote build/site/index.html" in result.stdout
    return root


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _network_loads(soup: BeautifulSoup) -> list[str]:
    out = []
    for tag in soup.find_all(["script", "img", "iframe", "source", "embed", "audio", "video"]):
        if tag.get("src", "").strip().lower().startswith(("http:", "https:", "//")):
            out.append(str(tag)[:120])
    for tag in soup.find_all("link"):
        if tag.get("href", "").strip().lower().startswith(("http:", "https:", "//")):
            out.append(str(tag)[:120])
    return out


def test_pages_for_every_notebook_and_links_between_them(project):
    site = project / "build" / "site"
    assert (site / "index.html").is_file()
    for name in ("00-index", "01-demo"):
        assert (site / "notebooks" / f"{name}.html").is_file()
    assert not (site / "notebooks" / "99-removed.html").exists()
    index = _soup(site / "index.html")
    hrefs = {a["href"] for a in index.find_all("a", href=True)}
    assert {"notebooks/00-index.html", "notebooks/01-demo.html"} <= hrefs
    demo = _soup(site / "notebooks" / "01-demo.html")
    demo_hrefs = {a["href"] for a in demo.find_all("a", href=True)}
    assert "00-index.html" in demo_hrefs  # the Markdown link to 00-index.ipynb, rewritten
    assert "../index.html" in demo_hrefs
    assert demo.find("img", src=lambda s: s and s.startswith("data:image/png;base64,")) is not None


def test_every_figure_and_table_is_copied_and_shown(project):
    site = project / "build" / "site"
    for folder in ("figures", "tables"):
        for f in (project / folder).iterdir():
            assert (site / folder / f.name).read_bytes() == f.read_bytes()
    index = _soup(site / "index.html")
    img = index.find("img", src="figures/demo-size-trajectory.png")
    assert img is not None
    table = index.find(id="table-demo-sizes")
    assert table is not None and table.find("table", class_="data-table") is not None
    assert {a["href"] for a in table.find_all("a", href=True)} >= {
        "tables/demo-sizes.csv",
        "tables/demo-sizes.md",
        "tables/demo-sizes.tex",
    }


def test_each_artefact_has_its_provenance(project):
    doc = json.loads((project / "provenance.json").read_text(encoding="utf-8"))
    index = _soup(project / "build" / "site" / "index.html")
    for rel, entry in doc["artefacts"].items():
        if rel.startswith("notebooks/"):
            continue
        kind = "figure" if rel.startswith("figures/") else "table"
        section = index.find(id=f"{kind}-{Path(rel).stem}")
        assert section is not None, rel
        text = section.get_text(" ")
        assert entry["sha256"] in text and entry["notebook"] in text and entry["parameter_set"] in text, rel
        assert "pandas 9.9.9-test" in text, rel  # the versions, beside each artefact too
        (name, digest), = entry["inputs"].items()
        assert "figures_dir" in text and name in text and digest in text
    edited = index.find(id="table-demo-sizes").get_text(" ")
    assert "differs from provenance.json" in edited  # demo-sizes.md was changed after the build
    assert "9.9.9-test" in index.find(id="environment").find_next("table").get_text(" ")
    page = _soup(project / "build" / "site" / "notebooks" / "01-demo.html").get_text(" ")
    assert doc["artefacts"]["notebooks/01-demo.ipynb"]["sha256"] in page and "figures/demo-size-trajectory.png" in page


def test_no_resource_is_loaded_from_the_network(project):
    for page in (project / "build" / "site").rglob("*.html"):
        html_text = page.read_text(encoding="utf-8")
        assert external_loads(html_text) == [], page.name
        assert _network_loads(BeautifulSoup(html_text, "html.parser")) == [], page.name


def test_data_values_are_escaped(project):
    html_text = (project / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert INJECTED not in html_text and "<script" not in html_text.lower()
    assert html_text.count("&lt;script&gt;alert(&quot;casebook&quot;)&lt;/script&gt;") >= 2  # the table and CARE
    soup = BeautifulSoup(html_text, "html.parser")
    assert INJECTED in soup.find(id="table-demo-sizes").get_text()  # shown as text
    assert INJECTED in soup.find(id="care").find_next("table", class_="data-table").get_text()


def test_care_checklists_are_in_the_bundle(project):
    soup = _soup(project / "build" / "site" / "index.html")
    text = soup.get_text(" ")
    for report in registry():
        assert report in text
    care_tables = [t for t in soup.find_all("table", class_="data-table") if "care_item" in t.get_text()]
    assert len(care_tables) == len(registry()) and all(len(t.find("tbody").find_all("tr")) == 13 for t in care_tables)


def test_notebook_list_falls_back_to_the_folder(tmp_path):
    """Without notebooks/build.toml every notebook in notebooks/ gets a page."""
    _copy_base(tmp_path)
    (tmp_path / "notebooks").mkdir()
    _notebook(tmp_path / "notebooks" / "00-index.ipynb", [new_markdown_cell("# Index", id="title")])
    _notebook(tmp_path / "notebooks" / "05-extra.ipynb", [new_markdown_cell("# Extra", id="title")])
    result = _build_site(tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "build" / "site" / "notebooks").iterdir()) == ["00-index.html", "05-extra.html"]
    assert "No provenance.json yet" in (tmp_path / "build" / "site" / "index.html").read_text(encoding="utf-8")


# --- the index -----------------------------------------------------------------------------------------------


def test_every_committed_notebook_has_a_summary_and_is_linked():
    listed = notebooks_markdown()
    for nb in notebook_paths():
        assert nb.name in summaries(), (
            f"add a one-line summary of {nb.name} (its report's registry entry, or casebook.publish.index.OTHER_SUMMARIES)"
        )
        assert f"]({nb.name})" in listed


def test_artefact_listing_skips_temporary_and_foreign_files(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "tables").mkdir()
    for name in ("a.png", "a.svg", "a.pdf", ".a.png.x1.tmp", "notes.txt"):
        (tmp_path / "figures" / name).write_bytes(b"x")
    for name in ("t.csv", "t.md"):
        (tmp_path / "tables" / name).write_text("x\n")
    found = artefacts(tmp_path / "figures", tmp_path / "tables")
    assert [(a.kind, a.stem, a.formats) for a in found] == [("figure", "a", ("png", "svg", "pdf")), ("table", "t", ("csv", "md"))]


@pytest.mark.slow
def test_bundle_of_the_real_project(tmp_path):
    """The bundle of a copy of the committed project: a page per notebook, every manifest artefact shown."""
    assert paths.PROVENANCE.is_file(), "no provenance.json: run `make build`"
    _copy_base(tmp_path)
    for folder in ("notebooks", "figures", "tables"):
        if (paths.ROOT / folder).is_dir():
            shutil.copytree(paths.ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints", ".*.tmp"))
    shutil.copy2(paths.PROVENANCE, tmp_path / "provenance.json")
    result = _build_site(tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "build" / "site"
    for nb in notebook_paths():
        assert (site / "notebooks" / f"{nb.stem}.html").is_file(), nb.name
    doc = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    index_html = (site / "index.html").read_text(encoding="utf-8")
    for rel, entry in doc["artefacts"].items():
        if rel.startswith(("figures/", "tables/")):
            assert entry["sha256"] in index_html, f"{rel}: no provenance in the bundle"
            assert (site / rel).is_file(), rel
    for page in site.rglob("*.html"):
        assert external_loads(page.read_text(encoding="utf-8")) == [], page.name
