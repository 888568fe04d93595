"""The publication: an article per report, a corrected edition and an editor's letter, built from data.

``values`` (the registry of named values computed from data, each with its provenance), ``template`` (the
author-editable article text: Markdown with ``{{ name }}`` values, figure and table blocks, cross-references),
``sources`` (what a sentence may cite, and whether a bound value agrees with it), ``prose`` (the summaries a report
generates, as cited text checked like an article), ``blocks`` (figures, tables and the generated sections a
template places), ``render`` (pandoc to HTML and DOCX, Typst to PDF, deterministically), ``corrigendum`` (the
audit's findings: corrections, queries, gaps, numbered as items), ``letter`` (the editor's letter listing them),
``annotate`` (where the corrected edition marks each item), ``build`` (what the manuscripts notebook calls).
Nothing heavy is imported here.
"""
