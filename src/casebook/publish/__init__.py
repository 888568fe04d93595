"""Publishing: the one API notebooks use to publish a table or a figure, and what it builds on.

``casebook.publish.table`` and ``casebook.publish.figure`` (see :mod:`casebook.publish.artefacts`) write
deterministic, atomically written files and return what the notebook shows. The modules: ``tables``
(CSV/Markdown/LaTeX, styled notebook tables), ``figures`` (PNG/SVG/PDF with a fixed style), ``index`` (the index
notebook's content), ``care`` (the CARE checklist), ``site`` (the static HTML bundle). Nothing heavy is
imported here: the functions are loaded on first use.
"""

_LAZY = {"table": "casebook.publish.artefacts", "figure": "casebook.publish.artefacts",
         "shown": "casebook.publish.artefacts", "Published": "casebook.publish.artefacts",
         "TableSpec": "casebook.publish.artefacts"}
__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casebook.publish' has no attribute {name!r}")
