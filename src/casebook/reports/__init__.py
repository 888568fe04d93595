"""The reports the workbook rebuilds: one subpackage each, found by looking, never listed by hand.

The registry and the contract a report keeps live below every layer that reads them (:mod:`casebook.registry`,
:mod:`casebook.hooks`); this package only holds the reports. Adding a report is adding its data folder, its
subpackage, its notebook and its entry in ``notebooks/build.toml`` (see CONTRIBUTING.md).
"""

from casebook.registry import Report, get, registry  # for code written before the registry moved down

__all__ = ["Report", "get", "registry"]
