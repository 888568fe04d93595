"""casebook: rebuild and audit two clinical reports on sodium thiosulfate for calcinosis.

The public API is small; everything else lives in subpackages by job: ``casebook.engine`` executes and
records notebooks, ``casebook.data`` loads and validates the CSV tables, ``casebook.reports.<id>`` rebuilds
one report, ``casebook.audit`` recomputes every claim, ``casebook.publish`` writes tables, figures and the site.
"""

from casebook.exceptions import (
    BuildError,
    CasebookError,
    DataValidationError,
    NotebookExecutionError,
    ParameterError,
    Problem,
)


def _record_imports() -> None:
    """Under the build, log every ``casebook`` module the kernel imports (``CASEBOOK_MODULE_LOG``, see
    :mod:`casebook.engine.protocol`): a run's cache then depends on exactly the code it used."""
    import os
    import sys

    log = os.environ.get("CASEBOOK_MODULE_LOG")
    if not log:
        return

    def write(names) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.writelines(f"{n}\n" for n in names)

    class _Recorder:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == __name__:
                write([name])
            return None  # only watching: the normal finders import the module

    write(sorted(m for m in sys.modules if m.split(".")[0] == __name__))
    sys.meta_path.insert(0, _Recorder())


_record_imports()

# Imported on first use: ``import casebook.engine.build`` (the command line, the build's workers) must not pay for
# pandas and pandera, which only the kernels and validation need.
_LAZY = {
    "load_claims": "casebook.data.load",
    "load_dataset": "casebook.data.load",
    "load_dictionary": "casebook.data.load",
    "validate_all": "casebook.data.load",
    "write_series": "casebook.reports.sts_series.synthetic",
    "check_parameters": "casebook.engine.parameters",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casebook' has no attribute {name!r}")


__all__ = [
    "check_parameters",
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
