"""Publishing: deterministic figures and tables, the index notebook's content, the CARE checklist, the site.

Nothing heavy is imported here.
"""
