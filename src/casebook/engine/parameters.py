"""A notebook's parameters: declared in its ``parameters`` cell, checked before the build starts and in the kernel.

A notebook's ``parameters`` cell declares each parameter with a type
annotation and a plain literal default (``data_dir: str = "data/sts-series"``).
Papermill injects overrides as plain assignments in a later cell, which carry
no annotation. ``check_parameters(globals())``, called in the cell after the
injected one, turns what papermill only warns about into errors: a name that
the parameters cell does not declare, or a value of the wrong type.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass

from casebook.exceptions import BuildError, ParameterError

_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


def _type_name(annotation) -> str:
    if isinstance(annotation, types.UnionType):
        return str(annotation)  # 'float | None'
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))


def _expected(name: str):
    """The Python types a declared type admits; ``T | None`` (an optional parameter) admits None too."""
    base, _, rest = name.partition(" | ")
    if rest == "None" and base in _TYPES:
        found = _TYPES[base]
        return (*(found if isinstance(found, tuple) else (found,)), type(None))
    return _TYPES.get(name)


# How to pass a value of each container type from the command line (papermill's -p passes text).
_HOW = {
    "list": "pass a list as YAML with papermill's -y, e.g. -y '{name}: [4, 12]' (-p passes text)",
    "dict": "pass a mapping as YAML with papermill's -y, e.g. -y '{name}: {{key: value}}' (-p passes text)",
    "bool": "pass true or false with papermill's -y, e.g. -y '{name}: true'",
}


_TOML = {"list": "write a TOML list in the manifest, e.g. {name} = [4, 12]",
         "dict": "write a TOML table in the manifest, e.g. {name} = {{ key = \"value\" }}",
         "bool": "write true or false (no quotes) in the manifest"}


def _type_message(name: str, expected: str, value, source: str) -> str:
    base, _, optional = expected.partition(" | ")
    shown = f"{base} (or None)" if optional == "None" else expected
    message = f"parameter '{name}' must be {shown}, got {type(value).__name__} {value!r}"
    how = (_TOML if source == "manifest" else _HOW).get(base)
    return f"{message}; {how.format(name=name)}" if how and isinstance(value, str) else message


def check_parameters(namespace: dict, source: str = "papermill") -> dict:
    """Return the declared parameters and their values; raise ParameterError on unknown or mistyped ones."""
    declared = dict(namespace.get("__annotations__", {}))
    if not declared:
        raise ParameterError("the parameters cell declares no parameter (write them as `name: type = literal`)")
    unknown = sorted(
        name
        for name, value in namespace.items()
        if not name.startswith("_")
        and name not in _KERNEL_NAMES
        and name not in declared
        and not isinstance(value, (types.ModuleType, types.FunctionType, type))
        and not callable(value)
    )
    if unknown:
        raise ParameterError(
            f"unknown parameter(s): {', '.join(unknown)}; this notebook accepts: {', '.join(sorted(declared))}"
        )
    values = {}
    for name, annotation in declared.items():
        value = namespace[name]
        expected = _expected(_type_name(annotation))
        bad_bool = isinstance(value, bool) and _type_name(annotation).partition(" | ")[0] in ("int", "float")
        if expected is not None and (not isinstance(value, expected) or bad_bool):
            raise ParameterError(_type_message(name, _type_name(annotation), value, source))
        values[name] = value
    return values


# --- before any kernel starts: what a notebook declares, and what a run injects ---------------------------


@dataclass(frozen=True)
class Declared:
    """A notebook's parameters as its ``parameters`` cell declares them: defaults and type annotations."""

    notebook: str
    defaults: dict
    annotations: dict  # name -> annotation name ("str", "list", ...), for annotated parameters


def declared_parameters(rel: str, nb: dict) -> Declared:
    """Parse (never execute) the single ``parameters`` cell: ``name: type = literal`` or ``name = literal``.

    A default that is not a plain literal is kept as its source text (the notebook tests report it).
    """
    tagged = parameters_cells(nb)
    if len(tagged) != 1:
        raise BuildError(f"{rel}: needs exactly one cell tagged 'parameters', found {len(tagged)}")
    try:
        tree = ast.parse(cell_source(nb["cells"][tagged[0]]))
    except SyntaxError as exc:
        raise BuildError(f"{rel}: the parameters cell is not valid Python (line {exc.lineno}): {exc.msg}") from exc
    defaults, annotations = {}, {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            targets, value = [node.target], node.value
            if isinstance(node.annotation, (ast.Name, ast.BinOp)):
                annotations[node.target.id] = ast.unparse(node.annotation)  # 'str', 'float | None'

        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            targets, value = node.targets, node.value
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError):
            default = ast.unparse(value)
        for target in targets:
            defaults[target.id] = default
    return Declared(rel, defaults, annotations)


def parameters_cells(nb: dict) -> list[int]:
    return [i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", [])]


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def injected_parameters(label: str, declared: Declared, overrides: dict) -> dict:
    """The overrides a run injects, checked against the declaration: unknown names and wrong types fail here,
    before any kernel starts, with the same rules the notebook's own ``check_parameters`` cell applies."""
    unknown = sorted(set(overrides) - set(declared.defaults))
    if unknown:
        raise ParameterError(
            f"{label}: unknown parameter(s) {', '.join(unknown)}; "
            f"{declared.notebook} accepts: {', '.join(sorted(declared.defaults))}"
        )
    effective = {**declared.defaults, **overrides}
    checked = {n: effective[n] for n in declared.annotations}
    try:
        if overrides and checked:
            check_parameters({"__annotations__": declared.annotations, **checked}, source="manifest")
    except ParameterError as exc:
        raise ParameterError(f"{label}: {exc}") from None
    return dict(overrides)
