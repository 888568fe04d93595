"""Report 2's own tests, collected with the suite (pyproject.toml testpaths; make check runs them too)."""
