"""The claims audit: every statement of the reports, recomputed from the data under a reading declared in advance.

Modules: ``model`` (readings, the data, the registry of recompute functions, which live with their reports),
``readings`` (building blocks of readings), ``compare`` (the comparison rules), ``verdicts`` (each claim judged under
its primary reading), ``results`` (the results table and the root causes), ``views`` (tables, the figure's points,
the summary), ``reconcile`` and ``findings`` (the hypotheses that explain the flagged claims), ``explain`` (what they
say about each claim, for the figure and the editor's letter), ``figures`` (printed against recomputed). Nothing
here knows a report: the register (``data/claims.csv``), the declared readings (``data/claim-readings.csv``) and the root causes
(``data/root-causes.csv``) drive it.

The API, for the notebook and for generated articles (loaded on first use)::

    from casebook import audit, load_claims
    claims = load_claims()                       # the register, validated
    data = audit.load_data(claims)               # each report's validated tables
    results = audit.audit(claims, data)          # one row per claim, columns audit.OUTPUT_COLUMNS:
    #   claim_id, report, location, statement, printed, primary_reading, primary_value, alternatives,
    #   verdict (consistent | inconsistent | ambiguous | not derivable | transcribed), reason, root_cause, ...
    causes = audit.root_causes(results)          # cause_id, report, explanation, arithmetic, claim_ids, ...
    audit.problem_counts(results)                # inconsistent claims against independent problems
    audit.verdict_counts(results)                # checks (consistent, inconsistent, ambiguous) apart from transcriptions

``audit.audit(claims, data, readings=None, causes=None)`` takes other tables of declared readings or root causes
in the schema of ``data/data-dictionary.csv``; ``audit.check_claim`` judges one claim on its own.
"""

_LAZY = {
    "AuditData": "model", "Reading": "model", "load_data": "model", "recompute": "model", "readings_for": "model",
    "parse_args": "model", "VERDICTS": "model", "CHECKS": "model", "OUTPUT_COLUMNS": "model",
    "check_claim": "verdicts", "ClaimResult": "verdicts", "audit_results": "verdicts",
    "audit": "results", "root_causes": "results", "problem_counts": "results", "CAUSE_COLUMNS": "results",
    "reading_declarations": "views",
    "reconciliation": "findings", "reconciled": "findings", "agreement": "findings", "check_agreement": "findings",
    "moves": "explain", "figure_key": "explain", "explanations": "explain",
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
