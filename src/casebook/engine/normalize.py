"""Make an executed notebook deterministic before it is written.

Papermill and nbclient record start/end times, durations, absolute input and
output paths and a random id for the injected-parameters cell; the kernel
records its exact Python version. None of that belongs in a committed
regression reference, so it is removed or fixed here.
"""

from __future__ import annotations

import copy

import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Only the minor version: the lock pins the packages, not the Python patch release.
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11",
}
INJECTED_TAG = "injected-parameters"
INJECTED_ID = "injected-parameters"
_VOLATILE_CELL_METADATA = ("papermill", "execution", "ExecuteTime")


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without timestamps, durations, paths or random ids; execution counts renumbered 1..n."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = nbformat.NotebookNode(KERNELSPEC)
    nb.metadata["language_info"] = nbformat.from_dict(LANGUAGE_INFO)
    count = 0
    for cell in nb.cells:
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]  # papermill adds empty tag lists; Jupyter does not
        if INJECTED_TAG in cell.metadata.get("tags", []) and "id" in cell:
            cell["id"] = INJECTED_ID
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
    return nb


def normalized_bytes(path) -> bytes:
    """The executed notebook at ``path``, normalised, as the bytes to commit."""
    return dumps(normalize(nbformat.read(path, as_version=4))).encode("utf-8")


def dumps(nb: nbformat.NotebookNode) -> str:
    """JSON exactly as Jupyter saves it (indent 1, sorted keys, trailing newline), so saves do not churn."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"
