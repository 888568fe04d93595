"""The report contract is code (casebook.hooks), checked when the registry loads, and CONTRIBUTING.md agrees with it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from casebook import registry as reg
from casebook.exceptions import CasebookError
from casebook.hooks import HOOKS, contract_table

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("report_id", list(reg.registry()))
def test_every_report_keeps_the_contract(report_id):
    assert reg.contract_problems(reg.get(report_id).source_dir) == []


def _copy(report_id: str, tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    shutil.copytree(reg.get(report_id).source_dir, folder, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    return folder


@pytest.mark.parametrize("report_id", list(reg.registry()))
def test_a_missing_hook_function_is_named(report_id, tmp_path):
    folder = _copy(report_id, tmp_path)
    present = [h for h in HOOKS if h.functions and (folder / f"{h.module}.py").is_file()]
    assert present, f"{report_id} has no hook with functions to remove"
    hook = present[0]
    name, _ = hook.functions[0]
    path = folder / f"{hook.module}.py"
    path.write_text(re.sub(rf"^def {name}\(", f"def renamed_{name}(", path.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    assert any(f"{hook.module}.py defines no {name}()" in p for p in reg.contract_problems(folder))


def test_a_hook_taking_too_few_arguments_is_named(tmp_path):
    (tmp_path / "rules.py").write_text("def check(tables):\n    return []\n", encoding="utf-8")
    assert reg.contract_problems(tmp_path) == ["rules.py: check() must take 2 positional argument(s) "
                                               "(the rules hook: check(tables, files))"]


def test_an_article_without_values_is_named(tmp_path):
    (tmp_path / "article.md").write_text("# Title\n", encoding="utf-8")
    assert reg.contract_problems(tmp_path) == ["values.py is missing: a report with article.md must have it"]


def test_the_registry_refuses_a_report_that_breaks_the_contract(monkeypatch, tmp_path):
    report = reg.get(next(iter(reg.registry())))
    (tmp_path / "care.py").write_text("def other(tables):\n    return {}\n", encoding="utf-8")
    monkeypatch.setattr(reg.Report, "source_dir", property(lambda self: tmp_path))
    monkeypatch.setattr(reg.importlib, "import_module", lambda name: type("M", (), {"REPORT": report}))
    with pytest.raises(CasebookError, match=rf"report '{report.id}' .* breaks the report contract .*care.py defines no items\(\)"):
        reg._load("any")


def _contributing_table() -> list[tuple[str, str, str]]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Adding a report", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip() for line in section.splitlines() if line.strip().startswith("| `")]
    return [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in rows]


def test_contributing_lists_the_contract():
    assert _contributing_table() == contract_table(), (
        "CONTRIBUTING.md 'Adding a report' must show the hooks of casebook.hooks, one row each:\n"
        + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in contract_table()))


def test_the_contributing_check_can_fail(monkeypatch):
    monkeypatch.setattr("casebook.hooks.HOOKS", HOOKS[:-1])
    from casebook import hooks

    assert _contributing_table() != hooks.contract_table()
