"""Nothing in casebook.audit knows a report: no claim id, report id or root-cause id of any report's register is
written in its source (a hand-kept table of labels for one report's claims, say); a new report's claims get their
figure, key and findings without an edit there."""

from __future__ import annotations

import ast
from pathlib import Path

from casebook import load_claims
from casebook.data.load import load_root_causes
from casebook.registry import registry

AUDIT = Path(__file__).resolve().parents[2] / "src" / "casebook" / "audit"


def register_ids() -> set[str]:
    """Every report id, claim id and root-cause id of the registers (through the report registry)."""
    causes = load_root_causes("")
    return set(registry()) | set(load_claims("")["claim_id"]) | set(causes["cause_id"])


def ids_written(sources: dict[str, str], ids: set[str]) -> list[str]:
    """Every string constant of the sources (a dict key, a label, a docstring's words left aside) that is an id."""
    out = []
    for name, text in sorted(sources.items()):
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in ids:
                out.append(f"{name} line {node.lineno}: {node.value!r}")
    return out


def test_the_audit_holds_no_table_of_a_reports_ids():
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(AUDIT.glob("*.py"))}
    ids = register_ids()
    assert len(ids) > 10 and sources
    assert ids_written(sources, ids) == []
    # Planted: a hand-kept label table for one claim of the register.
    claim = sorted(load_claims("")["claim_id"])[0]
    planted = {**sources, "figures.py": sources["figures.py"] + f'\n_LABELS = {{"{claim}": "a label"}}\n'}
    assert ids_written(planted, ids) == [f"figures.py line {planted['figures.py'].count(chr(10))}: {claim!r}"]
