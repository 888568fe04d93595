"""The report contract: the modules a report's subpackage may hold, and what each must define.

Each hook is a :class:`typing.Protocol` (the module seen as an object: its functions are the protocol's methods);
:data:`HOOKS` lists them with the module name the workbook looks for. The registry
(:mod:`casebook.registry`) checks every report against them when it loads; CONTRIBUTING.md ("Adding a report")
lists the same hooks, and a test compares the two (:func:`contract_table`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Protocol

TEMPLATE = "article.md"  # the article template beside a report's modules


class Rules(Protocol):
    def check(self, tables: dict, files: dict) -> list:
        """Logical rules across the report's (schema-valid) tables: ``Problem`` s naming file, line and column."""


class Care(Protocol):
    def items(self, tables: dict) -> dict:
        """The CARE items judged from the structured data: item -> list of ``casebook.publish.care.Element``."""


class Claims(Protocol):
    """its recompute functions, each registered on import with `@recompute(name, kind=...)`"""


class Values(Protocol):
    def values(self, tables: dict) -> list:
        """The named values the article template may use (``casebook.manuscript.values.Value``)."""

    def blocks(self, tables: dict, figures_dir: str, corrected: bool) -> list:
        """The figures and tables the article template places (``casebook.manuscript.template.Block``)."""


class Summary(Protocol):
    def summaries(self, tables: dict) -> list:
        """The prose the report generates from its data, as cited text (``casebook.manuscript.prose.Prose``)."""


@dataclass(frozen=True)
class Hook:
    module: str  # the module's name in the report's subpackage
    protocol: Any  # the Protocol it keeps
    required_with: str = ""  # a file beside the modules whose presence makes this module required

    @property
    def functions(self) -> tuple[tuple[str, int], ...]:
        """(name, positional arguments) of every function the module must define."""
        found = []
        for name, member in vars(self.protocol).items():
            if inspect.isfunction(member) and not name.startswith("_"):
                found.append((name, len(inspect.signature(member).parameters) - 1))
        return tuple(found)

    @property
    def doc(self) -> str:
        calls = ", ".join(f"{name}({', '.join(self.arguments(name))})" for name, _ in self.functions)
        return f"the {self.module} hook: {calls}" if calls else f"the {self.module} hook"

    def arguments(self, name: str) -> list[str]:
        return list(inspect.signature(vars(self.protocol)[name]).parameters)[1:]


HOOKS: tuple[Hook, ...] = (
    Hook("rules", Rules),
    Hook("care", Care),
    Hook("claims", Claims),
    Hook("values", Values, required_with=TEMPLATE),
    Hook("summary", Summary),
)


def contract_table() -> list[tuple[str, str, str]]:
    """(module, functions, when required) of every hook: the rows CONTRIBUTING.md must show."""
    rows = []
    for hook in HOOKS:
        calls = (", ".join(f"`{name}({', '.join(hook.arguments(name))})`" for name, _ in hook.functions)
                 or f"none: {hook.protocol.__doc__.strip()}")
        rows.append((f"`{hook.module}.py`", calls, f"with `{hook.required_with}`" if hook.required_with else "optional"))
    return rows
