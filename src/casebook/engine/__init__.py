"""The engine: executes notebooks headless with papermill, caches runs by content, records provenance.

It knows no report and imports nothing from ``casebook.reports``, ``casebook.audit`` or ``casebook.publish``
(a test checks this). Modules: ``build`` (the manifest, the plan and the parallel execution), ``parameters``,
``normalize`` (deterministic notebooks), ``provenance``, ``hashing``, ``io`` (atomic writes and the run logs
shared with the kernel). Nothing heavy is imported here.
"""
