"""The claims audit: every number the reports print, recomputed from the data under a stated rule.

``model`` (readings, the data, the registry of recompute functions, which live with their reports),
``readings`` (building blocks of readings), ``compare`` (the comparison rules), ``verdicts`` (each claim judged),
``views`` (tables, the figure's points, the summary), ``figures`` (printed against recomputed). The public API is
loaded on first use: ``casebook.audit.audit(claims, data)``.
"""

_LAZY = {
    "AuditData": "model", "Reading": "model", "load_data": "model", "recompute": "model", "readings_for": "model",
    "parse_args": "model", "VERDICTS": "model", "OUTPUT_COLUMNS": "model",
    "audit": "verdicts", "check_claim": "verdicts", "ClaimResult": "verdicts",
    "numeric_points": "views", "output_table": "views", "verdict_counts": "views", "grim_table": "views",
    "register_counts": "views", "register_view": "views", "summary": "views", "TABLE_CAPTION": "views",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casebook.audit' has no attribute {name!r}")
