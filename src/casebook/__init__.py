"""casebook: rebuild and audit two clinical reports on sodium thiosulfate for calcinosis.

The public API is small; everything else lives in single-purpose modules, used by name
(``casebook.build.build``, ``casebook.audit.audit``, ``casebook.series``, ``casebook.case``).
"""

from casebook.exceptions import (
    BuildError,
    CasebookError,
    DataValidationError,
    NotebookExecutionError,
    ParameterError,
    Problem,
)

# Imported on first use: ``import casebook.build`` (the command line, the build's workers) must not pay for
# pandas and pandera, which only the kernels and validation need.
_LAZY = {
    "load_claims": "casebook.load",
    "load_dataset": "casebook.load",
    "load_dictionary": "casebook.load",
    "validate_all": "casebook.load",
    "write_series": "casebook.synthetic",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casebook' has no attribute {name!r}")


__all__ = [
    "write_series",
    "BuildError",
    "CasebookError",
    "DataValidationError",
    "NotebookExecutionError",
    "ParameterError",
    "Problem",
    "load_claims",
    "load_dataset",
    "load_dictionary",
    "validate_all",
]
__version__ = "0.1.0"
