"""Fixtures of the sts-series report's own tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def tables() -> dict:
    """The published series (report 2), validated; tests that change it work on ``helpers.copy_tables(tables)``."""
    from casebook import load_dataset

    return load_dataset("sts-series")
