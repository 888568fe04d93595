"""The engine is a library of its own: it knows no report and imports nothing from the packages that make content."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "src" / "casebook" / "engine"
FORBIDDEN = ("casebook.reports", "casebook.audit", "casebook.publish", "casebook.data")


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


@pytest.mark.parametrize("module", sorted(ENGINE.glob("*.py")), ids=lambda p: p.name)
def test_engine_module_imports_no_content_package(module):
    bad = [
        f"{module.name}:{line}: {name}"
        for line, name in imports(module)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert not bad, "the engine must not import content packages:\n" + "\n".join(bad)


def test_the_check_can_fail(tmp_path):
    offender = tmp_path / "x.py"
    offender.write_text("from casebook.reports import registry\nimport casebook.audit.core\n", encoding="utf-8")
    names = [n for _, n in imports(offender)]
    assert "casebook.reports" in names and "casebook.audit.core" in names
