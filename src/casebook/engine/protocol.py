"""The protocol between the build and the kernels it starts: environment variables, one per run.

The build gives every kernel (through its environment, fixed when the kernel starts) the names of files in that
kernel's own folder under ``build/tmp/``. Code running in the kernel appends one project-relative path per line:

``CASEBOOK_ARTEFACT_LOG``  every artefact written (:func:`casebook.engine.io.atomic_path`): provenance, cache, undo.
``CASEBOOK_INPUT_LOG``     every data file read (:func:`casebook.engine.io.record_input`): a change re-executes; and
                           every optional file looked for (``?path``, :func:`casebook.engine.io.look`): its
                           appearing or going re-executes.
``CASEBOOK_MODULE_LOG``    every ``casebook`` module imported (a hook installed by ``casebook/__init__``): the
                           run's cache depends on exactly those modules' code, not on the whole package.
``CASEBOOK_TEMP_LOG``      every temporary file, logged before it is written, so a killed run's are removed.
``CASEBOOK_BACKUP_DIR``    a folder where the first previous version of each overwritten artefact is kept (a hard
                           link), so a failed run's writes can be undone.
``CASEBOOK_ROOT``          the project root the kernel works in (a temporary copy, in the tests).

Two variables are read by the build itself: ``CASEBOOK_NO_KERNELS`` (set by ``make check``) makes any build that
would start a kernel fail at once, so the inner loop provably executes no notebook; ``CASEBOOK_KERNEL_SERVER``
names the socket of a kernel factory shared by many builds (:class:`casebook.engine.forked.KernelServer`; the test
suite's), which the build's workers fork their kernels from if it imported what their own factories would.

A line of the artefact and input logs may carry a scope (``SCOPE<TAB>path``, written inside
:func:`casebook.engine.io.scope`): an artefact written in a scope depends only on the inputs read in that scope and
outside every scope (:func:`scoped`), which is what its provenance entry lists.

Without these variables (a notebook opened in JupyterLab, papermill run by hand) nothing is logged.
"""

from __future__ import annotations

import os
from pathlib import Path

ARTEFACT_LOG_ENV = "CASEBOOK_ARTEFACT_LOG"
INPUT_LOG_ENV = "CASEBOOK_INPUT_LOG"
MODULE_LOG_ENV = "CASEBOOK_MODULE_LOG"
TEMP_LOG_ENV = "CASEBOOK_TEMP_LOG"
BACKUP_DIR_ENV = "CASEBOOK_BACKUP_DIR"
ROOT_ENV = "CASEBOOK_ROOT"
NO_KERNELS_ENV = "CASEBOOK_NO_KERNELS"
KERNEL_SERVER_ENV = "CASEBOOK_KERNEL_SERVER"

# The files of one kernel's folder.
ARTEFACT_LOG, INPUT_LOG, MODULE_LOG, TEMP_LOG, BACKUP_DIR = (
    "artefacts.log", "inputs.log", "modules.log", "temporary.log", "backup")
# And what its worker leaves there: the executed notebook, and its normalised bytes (the main process writes them as
# they are: reading and validating a notebook again would cost it half a second of nbformat's imports).
EXECUTED, NORMALIZED = "executed.ipynb", "normalized.ipynb"

# Fixed for every kernel so two builds (and two machines) write the same bytes.
FIXED_ENV = {"SOURCE_DATE_EPOCH": "0", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
# Tool state stays inside build/ unless the caller (the Makefile) already chose a place.
STATE_DIRS = {
    "MPLCONFIGDIR": ".config/matplotlib",
    "IPYTHONDIR": ".config/ipython",
    "JUPYTER_CONFIG_DIR": ".config/jupyter",
    "JUPYTER_DATA_DIR": ".local/jupyter",
    "JUPYTER_RUNTIME_DIR": ".local/jupyter/runtime",
}


def base_env(root: Path, build_dir: Path) -> dict[str, str]:
    """What every kernel of a build shares: determinism, tool state under build/, the project root."""
    env = dict(FIXED_ENV)
    for var, sub in STATE_DIRS.items():
        env[var] = os.environ.get(var) or str(build_dir / sub)
    env[ROOT_ENV] = str(root)
    return env


def kernel_env(root: Path, build_dir: Path, workdir: Path) -> dict[str, str]:
    """Environment of one kernel: :func:`base_env` and the logs in ``workdir``."""
    env = base_env(root, build_dir)
    env[ARTEFACT_LOG_ENV] = str(workdir / ARTEFACT_LOG)
    env[INPUT_LOG_ENV] = str(workdir / INPUT_LOG)
    env[MODULE_LOG_ENV] = str(workdir / MODULE_LOG)
    env[TEMP_LOG_ENV] = str(workdir / TEMP_LOG)
    env[BACKUP_DIR_ENV] = str(workdir / BACKUP_DIR)
    return env


SCOPE_SEP = "\t"
UNSCOPED = ""
LOOKED = "?"  # an input log line for a file looked for, not read (its existence counts, not its bytes)


def read_scoped(path: Path) -> list[tuple[str, str]]:
    """The distinct (scope, path) pairs of a log, sorted; a line without a scope has the scope ``UNSCOPED``."""
    if not path.is_file():
        return []
    lines = {line for line in path.read_text(encoding="utf-8").splitlines() if line}
    return sorted(tuple(line.split(SCOPE_SEP, 1)) if SCOPE_SEP in line else (UNSCOPED, line) for line in lines)


def read_log(path: Path) -> list[str]:
    """The distinct paths of a log, sorted, whatever their scope (a missing log is empty)."""
    return sorted({rel for _, rel in read_scoped(path)})


def scoped(inputs: list[tuple[str, str]], artefacts: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The inputs of each artefact written in a scope: those read in its scope or outside every scope (an artefact
    written in several scopes has each one's). An artefact written outside every scope is not listed: it depends on
    everything the run read."""
    by_scope: dict[str, set[str]] = {}
    for scope, rel in inputs:
        if rel.startswith(LOOKED):
            continue
        by_scope.setdefault(scope, set()).add(rel)
    common = by_scope.get(UNSCOPED, set())
    out: dict[str, set[str]] = {}
    unscoped = {rel for scope, rel in artefacts if scope == UNSCOPED}
    for scope, rel in artefacts:
        if scope != UNSCOPED and rel not in unscoped:
            out.setdefault(rel, set(common)).update(by_scope.get(scope, set()))
    return {rel: sorted(found) for rel, found in sorted(out.items())}


def append(env: str, line: str, scope: str = UNSCOPED) -> None:
    """Append ``line`` (in ``scope``, if one is given) to the log the environment variable ``env`` names, if the
    build set it."""
    log = os.environ.get(env)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write((f"{scope}{SCOPE_SEP}{line}" if scope else line) + "\n")
