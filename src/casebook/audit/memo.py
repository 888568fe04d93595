"""What recompute functions derive from a table, kept while the reconciliation searches.

The search recomputes the same claims on thousands of variants of a report's tables; each variant is a new set of
objects that never changes in place, so a value derived from given table objects (their rows as dicts, a join) can be
kept for as long as the search runs, keyed by the objects' identity. Outside :func:`memo` nothing is kept: a caller
that edits a table in place (a test planting a defect) always gets a fresh result.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

_STORE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("casebook_memo", default=None)


@contextlib.contextmanager
def memo(store: dict | None = None) -> Iterator[None]:
    """Keep derived values inside this block, in ``store`` (a new one by default; pass the same dict to keep them
    across blocks). Nested blocks share the outer one's store."""
    if _STORE.get() is not None:
        yield
        return
    token = _STORE.set({} if store is None else store)
    try:
        yield
    finally:
        _STORE.reset(token)


def kept(objects: tuple, name: Any, make: Callable[[], Any]) -> Any:
    """``make()``, once per identity of ``objects`` and ``name`` inside :func:`memo`; every time outside it. The store
    holds the objects themselves, so an id is never reused for another object while it is kept."""
    store = _STORE.get()
    if store is None:
        return make()
    key = (name, *map(id, objects))
    hit = store.get(key)
    if hit is None:
        hit = store[key] = (objects, make())
    return hit[1]
