"""The data: CSV tables read as text, typed and checked by pandera schemas built from the data dictionaries.

``load`` reads and validates (every problem named by file, line and column), ``schema`` turns dictionary rows
into schemas, ``rules`` runs each report's cross-table rules. Nothing heavy is imported here.
"""
