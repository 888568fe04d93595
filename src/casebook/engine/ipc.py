"""A kernel manager for papermill and nbclient that talks to its kernel over IPC sockets, never over TCP.

With TCP, the manager picks free ports and the kernel binds them later: two kernels started at the same moment (two
test runs, two builds) can pick the same port, and one dies before replying to kernel_info. IPC sockets live in a
folder of their own, so nothing is shared. The build's own kernels do the same (:mod:`casebook.engine.kernels`);
this class is for code that runs papermill itself: ``papermill.execute_notebook(...,
kernel_manager_class=IPCKernelManager)``.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager


class IPCKernelManager(AsyncKernelManager):
    def __init__(self, **kwargs):
        # IPC socket paths must stay under about 100 bytes: a short temporary folder, removed with the manager.
        sockets = tempfile.mkdtemp(prefix="casebook-k")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(Path(sockets) / "k"))
        super().__init__(**kwargs)
        weakref.finalize(self, shutil.rmtree, sockets, True)
