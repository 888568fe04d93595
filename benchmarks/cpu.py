"""Where a command's CPU goes, by kind of process: ``python benchmarks/cpu.py -- make test``.

A test run starts hundreds of processes (builds, fork servers, kernel factories, kernels, Chromium, pandoc) that
outlive no test and are not all reaped by the process that started them, so neither ``time`` nor pytest's
``--durations`` sees their CPU. This samples every process's CPU time from ``/proc`` every quarter of a second
while the command runs, and sums it by kind (the first pattern of :data:`KINDS` its command line contains). It
also reads the whole machine's busy and idle time: a run whose cores are never idle is bound by CPU, and only less
work makes it faster. Processes that live under a quarter of a second are missed (a few seconds in all). Linux
only; nothing outside ``/proc`` is read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

KINDS = (
    ("chrom", "Chromium"), ("jupyter-lab", "JupyterLab"), ("zygote", "kernels forked by the build"),
    ("ipykernel", "fresh kernels"), ("forkserver", "build fork servers"), ("bench.py", "the bench"),
    ("typst", "typst"), ("pandoc", "pandoc"), ("casebook build", "build commands"), ("casebook html", "casebook html"),
    ("casebook validate", "casebook validate"), ("-m casebook", "other casebook commands"), ("nbval", "nbval"),
    ("-c import sys;exec", "test workers"), ("pytest", "pytest"),
)
TICK = os.sysconf("SC_CLK_TCK")


def kind(cmdline: str) -> str:
    return next((name for pattern, name in KINDS if pattern in cmdline), "other")


def machine() -> tuple[float, float]:
    """The whole machine's (busy, idle) CPU seconds since boot."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / TICK, idle / TICK


def sample(seen: dict, first: dict) -> None:
    """Every live process's CPU seconds into ``seen`` (key: pid and start time, so a reused pid is a new process)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        key = (pid, fields[19])
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        first.setdefault(key, cpu)
        old = seen.get(key, (0.0, ""))[1]
        seen[key] = (cpu, kind(cmdline) if cmdline else old)  # a process that became a zombie keeps its kind


def measure(command: list[str], interval: float = 0.25) -> dict:
    seen: dict = {}
    first: dict = {}
    sample(seen, first)
    before = dict(first)  # what the processes alive at the start had already used is not the command's
    done = threading.Event()

    def loop() -> None:
        while not done.wait(interval):
            sample(seen, first)

    sampler = threading.Thread(target=loop, daemon=True)
    busy0, idle0 = machine()
    start = time.monotonic()
    sampler.start()
    code = subprocess.call(command)
    done.set()
    sampler.join()
    sample(seen, first)
    busy1, idle1 = machine()
    by: dict[str, float] = {}
    for key, (cpu, name) in seen.items():
        by[name or "other"] = by.get(name or "other", 0.0) + cpu - before.get(key, 0.0)
    return {"code": code, "wall": time.monotonic() - start, "busy": busy1 - busy0, "idle": idle1 - idle0, "by": by}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")
    result = measure(command)
    print(f"\nwall {result['wall']:.0f} s; machine busy {result['busy']:.0f} core-s, idle {result['idle']:.0f} core-s",
          file=sys.stderr)
    for name, cpu in sorted(result["by"].items(), key=lambda item: -item[1]):
        if cpu >= 0.5:
            print(f"{cpu:8.1f}  {name}", file=sys.stderr)
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
