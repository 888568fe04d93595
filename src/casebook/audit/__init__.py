"""The claims audit: every number the reports print, recomputed from the data under a stated rule.

``compare`` holds the comparison rules, ``core`` the claims model, the recompute functions and the verdicts,
``figures`` the printed-versus-recomputed figure.
"""
