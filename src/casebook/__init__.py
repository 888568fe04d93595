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
from casebook.load import load_claims, load_dataset, load_dictionary, validate_all
from casebook.synthetic import write_series

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
