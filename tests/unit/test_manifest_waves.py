"""The order the build runs notebooks in, for the whole manifest and for a part of it (--only)."""

import pytest

from casebook.engine.manifest import Manifest, Run
from casebook.exceptions import BuildError

A, B, C = "notebooks/a.ipynb", "notebooks/b.ipynb", "notebooks/c.ipynb"


def test_after_orders_the_waves():
    m = Manifest((Run(C, "default", after=(A, B)), Run(A, "default"), Run(B, "default", after=(A,))))
    assert [[r.notebook for r in wave] for wave in m.waves()] == [[A], [B], [C]]


def test_a_part_of_the_manifest_does_not_wait_for_what_it_leaves_out():
    m = Manifest((Run(A, "default"), Run(C, "default", after=(A,))))
    assert [[r.notebook for r in wave] for wave in m.waves([m.runs[1]])] == [[C]]


def test_a_real_cycle_is_named():
    m = Manifest((Run(A, "default", after=(B,)), Run(B, "default", after=(A,))))
    with pytest.raises(BuildError, match="cycle"):
        m.waves()
