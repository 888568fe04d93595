"""The formats every artefact is written in, defined once (light: no plotting or pandas import)."""

FIGURE_FORMATS = ("png", "svg", "pdf")
TABLE_FORMATS = ("csv", "md", "tex")
