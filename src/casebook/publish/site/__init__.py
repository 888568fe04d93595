"""The static bundle for reviewers without Python: ``build/site/``, opened from the file system.

* ``build/site/notebooks/<name>.html``: one page per executed notebook (nbconvert, JupyterLab look): the notebook
  first, then its provenance (parameters, inputs with sha256, artefacts written) in a collapsed section.
* ``build/site/index.html``: links to every page, the CARE checklist of each report, every figure and table and the manuscripts, each
  with its provenance from ``provenance.json``, and the software versions of the build.
* ``build/site/figures/``, ``build/site/tables/``: copies of the artefacts, so links are relative and the folder
  can be zipped and mailed.

The bundle loads nothing over the network (:func:`~casebook.publish.site.html.check_offline`). It is incremental:
a page is rendered again only when what it shows changed (its notebook's bytes, the provenance, the list of pages,
the site's own code), keyed by content in ``build/cache/site.json``; with nothing changed ``casebook html`` only
reads hashes. Files of an earlier bundle that are no longer part of it are removed.
"""

from __future__ import annotations

import json
from pathlib import Path

from casebook import paths
from casebook.engine import provenance
from casebook.engine.hashing import sha256_bytes, sha256_file, sha256_json
from casebook.engine.io import write_bytes, write_text
from casebook.exceptions import CasebookError
from casebook.publish.index import artefacts, care_stem, manuscripts, notebook_paths, reports
from casebook.publish.site.html import Context, check_offline

SITE_DIR = "build/site"
_CACHE = "build/cache/site.json"
_CODE = [Path(__file__).parent / n for n in ("__init__.py", "html.py", "pages.py")] + [
    Path(__file__).parents[1] / "index.py"]


def site_notebooks() -> list[str]:
    """Project-relative paths of the executed notebooks: those of notebooks/build.toml, else notebooks/*.ipynb."""
    if paths.BUILD_MANIFEST.is_file():
        from casebook.engine.manifest import read_manifest  # a malformed manifest fails here as it fails the build

        return list(dict.fromkeys(run.notebook for run in read_manifest()))
    return [paths.relative(p) for p in notebook_paths()]


def _page(notebook: str) -> str:
    """Site-relative path of a notebook's page: it mirrors the project, so ``../figures/`` links keep working."""
    return str(Path(notebook).with_suffix(".html").as_posix())


class _Bundle:
    """One run of ``casebook html``: what is written, and the content key of each page."""

    def __init__(self, out: Path):
        self.out, self.written = out, set()
        try:
            self.keys = json.loads(paths.resolve(_CACHE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.keys = {}
        self.new_keys: dict[str, str] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """Whether ``rel`` is on disk as rendered for ``key`` (then it is kept, not rendered again)."""
        self.new_keys[rel] = key
        target = self.out / rel
        if self.keys.get(rel) == key and target.is_file() and sha256_file(target) == self.keys.get(rel + "#sha"):
            self.written.add(target.resolve())
            self.new_keys[rel + "#sha"] = self.keys[rel + "#sha"]
            return True
        return False

    def put(self, rel: str, data: str | bytes) -> None:
        target = self.out / rel
        if isinstance(data, str):
            check_offline(rel, data)
            data = data.encode("utf-8")
        if not (target.is_file() and target.read_bytes() == data):
            write_bytes(target, data)
        self.written.add(target.resolve())
        self.new_keys[rel + "#sha"] = sha256_bytes(data)

    def finish(self) -> None:
        for p in sorted(self.out.rglob("*"), reverse=True):
            if p.is_file() and p.resolve() not in self.written:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()
        text = json.dumps(self.new_keys, indent=1, sort_keys=True) + "\n"
        cache = paths.resolve(_CACHE)
        if not (cache.is_file() and cache.read_text(encoding="utf-8") == text):
            write_text(cache, text)


def build_site(out_dir: str | Path | None = None) -> Path:
    """Write the static bundle (only what changed); return the path of its index.html."""
    out = paths.resolve(out_dir or SITE_DIR)
    doc = provenance.read_document()
    nbs = site_notebooks()
    ctx = Context(prov=doc.get("artefacts", {}), pages={nb: _page(nb) for nb in nbs},
                  environment=doc.get("environment", {}))
    bundle = _Bundle(out)
    common = sha256_json({"code": [sha256_file(p) for p in _CODE], "provenance": doc, "pages": ctx.pages})
    exporter = None
    for nb in nbs:
        if not bundle.fresh(ctx.pages[nb], sha256_json([common, sha256_file(paths.resolve(nb))])):
            from casebook.publish.site.pages import _exporter, render_notebook

            exporter = exporter or _exporter()
            bundle.put(ctx.pages[nb], render_notebook(nb, ctx, exporter))
    found = artefacts()
    files = {f: sha256_file(paths.resolve(f)) for a in found for f in a.files}
    files.update({f: sha256_file(paths.resolve(f)) for group in manuscripts().values() for f in group})
    for f, sha in files.items():
        if not bundle.fresh(f, sha):
            bundle.put(f, paths.resolve(f).read_bytes())
    notebooks_text = [sha256_file(p) for p in notebook_paths()]
    if not bundle.fresh("index.html", sha256_json([common, files, notebooks_text])):
        from casebook.publish.site.pages import render_index

        bundle.put("index.html", render_index(ctx, found))
    bundle.finish()
    return out / "index.html"


def main_html() -> int:
    """``casebook html``: write the bundle and say where it is, counting as the index page counts."""
    index = build_site()
    found = artefacts()
    care = {care_stem(r) for r in reports()}
    figures = sum(a.kind == "figure" for a in found)
    tables = sum(a.kind == "table" and a.stem not in care for a in found)
    n_care = sum(a.kind == "table" and a.stem in care for a in found)
    pages = len(site_notebooks())
    print(f"wrote {paths.relative(index)}: {pages} notebook page(s), {figures} figure(s), {tables} table(s) "
          f"and {n_care} CARE checklist(s)")
    print(f"open {paths.relative(index)} in a browser (no server needed)")
    return 0


__all__ = ["CasebookError", "build_site", "main_html", "site_notebooks"]
