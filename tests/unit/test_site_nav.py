"""The bar above every notebook page of the site lists each page once: one index, then the other notebooks."""

from __future__ import annotations

import pytest

from casebook import paths
from casebook.publish.index import notebook_paths
from casebook.publish.site.pages import nav_links

PAGES = {paths.relative(nb): f"notebooks/{nb.stem}.html" for nb in notebook_paths()}


@pytest.mark.parametrize("notebook", sorted(PAGES))
def test_the_bar_lists_each_page_once(notebook):
    links = nav_links(notebook, PAGES)
    labels, hrefs = [label for label, _ in links], [link for _, link in links]
    assert len(set(hrefs)) == len(hrefs) and len(set(labels)) == len(labels), links
    assert [label for label in labels if "index" in label] == ["index"], labels
    assert labels[0] == "index" and hrefs[0] == "../index.html"
    assert len(links) == len(PAGES), "every notebook but the index one, plus the index"
