"""Checking a notebook's parameters inside the kernel.

A notebook's ``parameters`` cell declares each parameter with a type
annotation and a plain literal default (``data_dir: str = "data/sts-series"``).
Papermill injects overrides as plain assignments in a later cell, which carry
no annotation. ``check_parameters(globals())``, called in the cell after the
injected one, turns what papermill only warns about into errors: a name that
the parameters cell does not declare, or a value of the wrong type.
"""

from __future__ import annotations

import types

from casebook.exceptions import ParameterError

_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
_TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}


def _type_name(annotation) -> str:
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))


def check_parameters(namespace: dict) -> dict:
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
        expected = _TYPES.get(_type_name(annotation))
        bad_bool = isinstance(value, bool) and _type_name(annotation) in ("int", "float")
        if expected is not None and (not isinstance(value, expected) or bad_bool):
            raise ParameterError(
                f"parameter '{name}' must be {_type_name(annotation)}, got {type(value).__name__} {value!r}"
            )
        values[name] = value
    return values
