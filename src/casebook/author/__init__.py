"""An author's own case series to a publication (``casebook publish DATA_DIR --out OUT_DIR``).

``meta`` reads the folder's ``manuscript.toml`` (title, authors, affiliations, keywords); ``article`` writes the
article from the data; ``care`` grades the CARE checklist; ``draft`` audits the authors' own draft claims;
``publication`` writes it all (:func:`publish_series`). The top layer: it uses the reports, the manuscript tools,
the audit and publishing, and nothing below imports it.
"""

from __future__ import annotations


def publish_series(*args, **kwargs):
    from casebook.author.publication import publish_series as run

    return run(*args, **kwargs)
