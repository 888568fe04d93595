"""The engine: executes notebooks headless with papermill, caches runs by content, records provenance.

It knows no report and imports nothing from ``casebook.reports``, ``casebook.audit`` or ``casebook.publish``
(a test checks this). Modules: ``build`` (the manifest, the plan and the parallel execution), ``parameters``,
``normalize`` (deterministic notebooks), ``provenance``, ``hashing``, ``io`` (atomic writes and the run logs
shared with the kernel). Nothing heavy is imported here.
"""

import sys as _sys

# jsonschema (under nbformat, hence papermill) imports the optional rfc3987_syntax, which compiles a Lark grammar at
# import: 1.3-2.8 s in every process that reads a notebook, for an "iri" format no notebook schema uses. Marking it
# absent makes jsonschema skip that one checker. Here, not in build.py: the pool's fork server imports the engine
# (and then papermill) in a fresh interpreter; there it cost 2.8 s at the start of every build (measured).
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
