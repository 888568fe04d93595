"""``make bench``: the build against the plain-Python floor, in temporary copies of the project.

Measured in one run, on this machine (medians of ``--reps`` repetitions, each in a fresh project copy unless
said otherwise; the committed tree is never written):

  (a) clean full build of every notebook (``casebook build``, one job per core, empty cache);
  (b) the floor: the same casebook calls the notebooks make, as plain Python in one process (imports,
      computation, rendering of what the notebooks display, writing of every figure and table);
  (c) a no-op rebuild;
  (d) a rebuild after one data file changes (the notebooks that ran, against those that read it);
  (e) the notebook checks of ``make test`` (nbval's comparison of the committed notebooks with the clean build's);
  (f) a sweep of 50 synthetic case series through the report-2 notebook, with 1 job and with 2 jobs
      (``--sweep-reps`` repetitions, 1 by default: one repetition is about 5 minutes).

Prints a table with each target marked met or not and writes ``build/bench.json``.

It lives outside the package on purpose: it is a developer tool that needs the test helpers
(``tests/conftest.py``), and every file of ``src/casebook`` is part of the build's cache key, so tuning the
benchmark must not invalidate every cached notebook.

    python benchmarks/bench.py [--reps 5] [--sweep-reps 1] [--sweep-size 50] [--jobs N]
    python benchmarks/bench.py floor     # (b) alone, in the project CASEBOOK_ROOT points at
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAIN = Path(__file__).resolve().parents[1]
SERIES_NOTEBOOK = "notebooks/02-sts-series-intralesional-thiosulfate.ipynb"
CHANGED_FILE = "data/sts-series/measurements.csv"
FORMATS = ["png", "svg", "pdf"]
TARGETS = {"clean_over_floor": 0.70, "noop_s": 0.5, "sweep_speedup": 1.8, "fresh_venv_s": 30, "make_test_s": 150}
ENV = {
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


# --- (b) the floor: the notebooks' own code cells, in one plain process -------------------------------------------


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def floor() -> None:
    """Every notebook of the manifest, in build order, run cell by cell in this one process (no kernel).

    Read from the notebooks themselves, so it cannot drift from them: each notebook gets a fresh namespace, its
    default parameters (its own ``parameters`` cell) and IPython's display machinery with every format active,
    as in a kernel. CASEBOOK_ROOT names the project copy.
    """
    import contextlib

    from IPython.core.interactiveshell import InteractiveShell

    from casebook import paths
    from casebook.engine.manifest import read_manifest

    shell = InteractiveShell.instance()
    shell.display_formatter.active_types = list(shell.display_formatter.formatters)
    manifest = read_manifest()
    order = [run.notebook for wave in manifest.waves() for run in wave if run.set_name == "default"]
    for notebook in dict.fromkeys(order):
        shell.reset(new_session=False)
        os.chdir(paths.resolve(notebook).parent)
        for i, source in enumerate(_code_cells(paths.resolve(notebook)), start=1):
            with contextlib.redirect_stdout(io.StringIO()):
                result = shell.run_cell(source, silent=False, store_history=False)
            if not result.success:
                raise SystemExit(f"floor: {notebook}: cell {i} failed: {result.error_in_exec or result.error_before_exec}")


# --- measurements --------------------------------------------------------------------------------------------


def _copy(tmp: Path, name: str) -> Path:
    sys.path.insert(0, str(MAIN / "tests"))
    from helpers import copy_project  # the same project copies the tests use

    root = tmp / name
    shutil.rmtree(root, ignore_errors=True)
    return copy_project(root)


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        **ENV,
        "CASEBOOK_ROOT": str(root),
        "MPLCONFIGDIR": str(root / "build/.config/matplotlib"),
        "IPYTHONDIR": str(root / "build/.config/ipython"),
        "JUPYTER_CONFIG_DIR": str(root / "build/.config/jupyter"),
        "JUPYTER_DATA_DIR": str(root / "build/.local/jupyter"),
        "JUPYTER_RUNTIME_DIR": str(root / "build/.local/jupyter/runtime"),
    }


def _timed(cmd: list[str], root: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[1:4])} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc


def _build(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    return _timed([sys.executable, "-m", "casebook", "build", *args], root)


def _ran(stdout: str) -> list[str]:
    return sorted({line.split("done", 1)[1].split(" [", 1)[0].strip() for line in stdout.splitlines() if "] done " in line})


_ORIGINAL: dict[Path, str] = {}


def _toggle(root: Path) -> None:
    """Halve (or restore) one measured follow-up size: a valid edit of one data file that changes results."""
    path = root / CHANGED_FILE
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["week"] != "0" and r["status"] == "measured" and float(r["size_mm"]) > 0)
    original = _ORIGINAL.setdefault(root, row["size_mm"])
    row["size_mm"] = f"{float(original) / 2:g}" if row["size_mm"] == original else original
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _expected_after_change(root: Path) -> list[str]:
    """Notebooks whose recorded inputs include the changed file, and those ordered after them (``after``)."""
    sys.path.insert(0, str(MAIN / "src"))
    from casebook.engine import build, provenance

    readers = {e["notebook"] for e in provenance.read(root / "provenance.json").values() if CHANGED_FILE in e["inputs"]}
    runs = build.read_manifest(root / "notebooks" / "build.toml").runs
    return sorted(readers | {r.notebook for r in runs if set(r.after) & readers})


def _sweep_manifest(root: Path, size: int) -> tuple[Path, list[str]]:
    from casebook.reports.sts_series.synthetic import write_series

    stem = Path(SERIES_NOTEBOOK).stem
    lines = [f'[[notebook]]\npath = "{SERIES_NOTEBOOK}"']
    for i in range(1, size + 1):
        write_series(root / "data" / "sweep" / f"s{i:02d}", seed=1000 + i)
        lines.append(f'[notebook.sets.s{i:02d}]\ndata_dir = "data/sweep/s{i:02d}"')
    manifest = root / "sweep.toml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest, [f"{stem}--s{i:02d}" for i in range(1, size + 1)]


_SPIN = "sum(i * i for i in range(20_000_000))"


def parallel_ceiling() -> float:
    """The speed-up this machine gives two CPU-bound processes over one (2.0 on two real, idle cores)."""
    cmd = [sys.executable, "-c", _SPIN]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd) for _ in range(2)]
    for proc in procs:
        proc.wait()
    two = time.perf_counter() - start
    return 2 * one / two


def _same_artefacts(a: Path, b: Path) -> list[str]:
    """Figures and tables whose bytes differ between two project copies (empty: the same)."""
    names = {p.relative_to(root).as_posix() for root in (a, b) for d in ("figures", "tables") for p in (root / d).glob("*")}
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes()))


def _fresh_venv(tmp: Path) -> float | None:
    """A fresh clone's ``make venv`` with an empty uv cache (None where the clone or the index is not reachable)."""
    clone = tmp / "clone"
    if subprocess.run(["git", "clone", "-q", str(MAIN), str(clone)], capture_output=True).returncode != 0:
        return None
    env = {**os.environ, "UV_CACHE_DIR": str(tmp / "uv-cache")}
    start = time.perf_counter()
    proc = subprocess.run(["make", "-s", "venv"], cwd=clone, env=env, capture_output=True, text=True, timeout=1200)
    return time.perf_counter() - start if proc.returncode == 0 else None


def _clean_and_floor(out: dict, reps: int, jobs: int, tmp: Path, say, built: Path | None) -> Path:
    """(a) and (b), side by side; returns a built project copy. With ``built`` (the test run's shared build), the
    clean build is not repeated: the floor is compared with it."""
    med = statistics.median
    clean, floors = [], []
    if built is not None:
        say(f"(a) clean full build: reusing {built}; (b) the floor, once")
        root = tmp / "clean"
        shutil.copytree(built, root, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "tmp"))
        plain = _copy(tmp, "floor")
        # a smoke run: the floor may reuse the build's kept reconciliations (casebook.audit.stored), as an
        # incremental build would; a timed floor (not quick) starts from a fresh copy, as a clean build does
        kept = built / "build" / "cache" / "reconcile"
        if kept.is_dir():
            shutil.copytree(kept, plain / "build" / "cache" / "reconcile")
        floors.append(_timed([sys.executable, str(Path(__file__).resolve()), "floor"], plain)[0])
    else:
        say(f"(a) clean full build and (b) the floor, side by side, {reps} x")
        for _i in range(reps):
            root = _copy(tmp, "clean")
            clean.append(_build(root, "--jobs", str(jobs))[0])
            plain = _copy(tmp, "floor")
            floors.append(_timed([sys.executable, str(Path(__file__).resolve()), "floor"], plain)[0])
    out["clean_build_runs_s"], out["floor_runs_s"] = clean, floors
    out["clean_build_s"] = med(clean) if clean else float("nan")
    out["floor_s"] = med(floors)
    out["floor_differs"] = _same_artefacts(root, plain)  # the floor must write what the build writes
    say(f"    floor and build write the same figures and tables: {not out['floor_differs']}")
    return root


def _noop(out: dict, reps: int, jobs: int, root: Path, say) -> None:
    say(f"(c) no-op rebuild (casebook build + casebook html, as make build runs them), {reps} x")
    _timed([sys.executable, "-m", "casebook", "html"], root)
    noop = []
    for _ in range(reps):
        seconds, proc = _build(root, "--jobs", str(jobs))
        assert "nothing to execute" in proc.stdout, proc.stdout
        noop.append(seconds + _timed([sys.executable, "-m", "casebook", "html"], root)[0])
    out["noop_runs_s"], out["noop_s"] = noop, statistics.median(noop)


def _changed(out: dict, reps: int, jobs: int, root: Path, say, reused: tuple[Path, str] | None = None) -> None:
    """(d): with ``reused`` (a copy rebuilt after CHANGED_FILE changed, and that build's output: the test run's
    changed build), which notebooks ran is read from it and nothing is timed again."""
    if reused is not None:
        say(f"(d) rebuild after one data file changes ({CHANGED_FILE}): reusing {reused[0]}")
        out.update(changed_file=CHANGED_FILE, changed_file_runs_s=[], changed_file_notebooks=_ran(reused[1]),
                   changed_file_expected=_expected_after_change(reused[0]), changed_file_s=float("nan"))
        return
    say(f"(d) rebuild after one data file changes ({CHANGED_FILE}), {reps} x")
    changed, ran = [], set()
    for _ in range(reps):
        _toggle(root)
        seconds, proc = _build(root, "--jobs", str(jobs))
        changed.append(seconds)
        ran |= set(_ran(proc.stdout))
    out.update(changed_file=CHANGED_FILE, changed_file_runs_s=changed, changed_file_notebooks=sorted(ran),
               changed_file_expected=_expected_after_change(root), changed_file_s=statistics.median(changed))


def _nbval(out: dict, reps: int, root: Path, say, quick: bool) -> None:
    """(e) nbval as make test runs it: the committed notebooks against the clean build's, compared without a kernel."""
    say("(e) the notebook checks of make test (nbval)" + (": skipped in quick mode" if quick else f", {reps} x"))
    sys.path.insert(0, str(MAIN / "tests"))
    from helpers import run_nbval

    notebooks = sorted({str(p.relative_to(MAIN)) for p in (MAIN / "notebooks").glob("*.ipynb")})
    runs = []
    for _ in range(0 if quick else reps):
        start = time.perf_counter()
        out["test_notebooks_passed"] = run_nbval(MAIN, root, *notebooks).returncode == 0
        runs.append(time.perf_counter() - start)
    out["test_notebooks_runs_s"] = runs
    out["test_notebooks_s"] = statistics.median(runs) if runs else float("nan")


def _sweep(out: dict, sweep_reps: int, sweep_size: int, tmp: Path, say, quick: bool) -> None:
    say(f"(f) sweep of {sweep_size} synthetic series, {sweep_reps} x with 1 job and with 2 jobs"
        + (": one series, one job, in quick mode" if quick else ""))
    sweeps: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(sweep_reps):
        for n in (1,) if quick else (1, 2):
            root = _copy(tmp, "sweep")
            manifest, slugs = _sweep_manifest(root, sweep_size)
            seconds, proc = _build(root, "--manifest", str(manifest), "--jobs", str(n), "--only", *slugs)
            assert len(_ran(proc.stdout)) == 1 and proc.stdout.count("] done ") == sweep_size, proc.stdout[-2000:]
            sweeps[n].append(seconds)
    nan = float("nan")
    out["sweep_1job_runs_s"], out["sweep_2jobs_runs_s"] = sweeps[1], sweeps[2]
    out["sweep_1job_s"] = statistics.median(sweeps[1]) if sweeps[1] else nan
    out["sweep_2jobs_s"] = statistics.median(sweeps[2]) if sweeps[2] else nan
    out["sweep_speedup"] = out["sweep_1job_s"] / out["sweep_2jobs_s"] if sweeps[2] else nan


def _targets(out: dict) -> dict:
    return {
        "clean_over_floor <= 0.70": out["clean_over_floor"] <= TARGETS["clean_over_floor"],
        "clean_over_floor <= 1.0": out["clean_over_floor"] <= 1.0,
        "noop_s <= 0.5": out["noop_s"] <= TARGETS["noop_s"],
        "changed file re-executes only its readers": out["changed_file_notebooks"] == out["changed_file_expected"],
        "sweep_speedup >= 1.8": out["sweep_speedup"] >= TARGETS["sweep_speedup"],
        "fresh venv <= 30 s": out["fresh_venv_s"] is not None and out["fresh_venv_s"] <= TARGETS["fresh_venv_s"],
        "make test <= 150 s": out["make_test_s"] is not None and out["make_test_s"] <= TARGETS["make_test_s"],
        "floor writes what the build writes": not out["floor_differs"],
    }


def measure(reps: int, sweep_reps: int, sweep_size: int, jobs: int, tmp: Path, say, quick: bool = False,
            with_test: bool = False, built: Path | None = None, changed: tuple[Path, str] | None = None) -> dict:
    out: dict = {"cores": os.cpu_count(), "jobs": jobs, "repetitions": reps, "sweep_repetitions": sweep_reps,
                 "sweep_size": sweep_size, "quick": quick}
    out["parallel_ceiling"] = 0.0 if quick else statistics.median(parallel_ceiling() for _ in range(3))
    say(f"two CPU-bound processes run {out['parallel_ceiling']:.2f}x as fast as one on this machine")
    root = _clean_and_floor(out, reps, jobs, tmp, say, built)
    _noop(out, reps, jobs, root, say)
    _nbval(out, reps, root, say, quick)  # before (d), which leaves the copy's data changed
    _changed(out, reps, jobs, root, say, changed)
    _sweep(out, sweep_reps, sweep_size, tmp, say, quick)
    out["fresh_venv_s"] = None if quick else _fresh_venv(tmp)
    say(f"(g) fresh clone make venv: {out['fresh_venv_s']}")
    out["make_test_s"] = None
    if with_test:
        say("(h) make test")
        start = time.perf_counter()
        subprocess.run(["make", "-s", "test"], cwd=MAIN, capture_output=True, text=True)
        out["make_test_s"] = time.perf_counter() - start
    out["clean_over_floor"] = out["clean_build_s"] / out["floor_s"]
    out["targets"] = _targets(out)
    return out


def _s(seconds) -> str:
    return "not measured" if seconds is None else f"{seconds:.1f} s"


def table(r: dict) -> str:
    t = r["targets"]
    mark = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    rows = [
        ("(a) clean full build", f"{r['clean_build_s']:.2f} s", ""),
        ("(b) floor (plain Python, 1 process)", f"{r['floor_s']:.2f} s", ""),
        ("    (a)/(b)", f"{r['clean_over_floor']:.2f}",
         f"<= 1.0: {mark(t['clean_over_floor <= 1.0'])}; <= 0.70 (the aim): {mark(t['clean_over_floor <= 0.70'])}"),
        ("    floor writes what the build writes", "", mark(t["floor writes what the build writes"])),
        ("(c) no-op make build (build + html)", f"{r['noop_s']:.2f} s", f"<= 0.5 s: {mark(t['noop_s <= 0.5'])}"),
        (
            f"(d) rebuild after {r['changed_file']} changes",
            f"{r['changed_file_s']:.2f} s",
            f"only its readers: {mark(t['changed file re-executes only its readers'])}",
        ),
        ("    notebooks that ran", "", ", ".join(Path(n).stem[:2] for n in r["changed_file_notebooks"])),
        ("    notebooks that read it (or come after)", "", ", ".join(Path(n).stem[:2] for n in r["changed_file_expected"])),
        (
            "(e) notebook checks of make test (nbval)",
            f"{r['test_notebooks_s']:.2f} s",
            "" if r.get("test_notebooks_passed") else "(nbval FAILED)",
        ),
        (f"(f) sweep of {r['sweep_size']} series, 1 job", f"{r['sweep_1job_s']:.2f} s", ""),
        (f"(f) sweep of {r['sweep_size']} series, 2 jobs", f"{r['sweep_2jobs_s']:.2f} s", ""),
        ("    speed-up", f"{r['sweep_speedup']:.2f}", f">= 1.8: {mark(t['sweep_speedup >= 1.8'])}"),
        ("    machine ceiling (2 CPU-bound processes)", f"{r['parallel_ceiling']:.2f}", ""),
        ("(g) fresh clone make venv (empty uv cache)", _s(r["fresh_venv_s"]), f"<= 30 s: {mark(t['fresh venv <= 30 s'])}"),
        ("(h) make test", _s(r["make_test_s"]), f"<= 150 s: {mark(t['make test <= 150 s'])}"),
    ]
    w0, w1 = max(len(a) for a, _, _ in rows), max(len(b) for _, b, _ in rows)
    head = (
        f"casebook bench: {r['cores']} core(s) (os.cpu_count), build --jobs {r['jobs']}, medians of {r['repetitions']} "
        f"(sweep: {r['sweep_repetitions']})"
    )
    return "\n".join([head, *(f"  {a:<{w0}}  {b:>{w1}}  {c}".rstrip() for a, b, c in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=["all", "floor"], default="all")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--sweep-reps", type=int, default=1)
    parser.add_argument("--sweep-size", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(MAIN / "build" / "bench.json"))
    parser.add_argument("--quick", action="store_true",
                        help="every measurement once on the smallest inputs (make test runs this: a broken bench fails CI)")
    parser.add_argument("--with-test", action="store_true", help="also time make test (about 3 minutes)")
    parser.add_argument("--built", help="a built project copy to reuse instead of a clean build (quick mode, in make test)")
    parser.add_argument("--changed", nargs=2, metavar=("ROOT", "LOG"),
                        help=f"a copy rebuilt after {CHANGED_FILE} changed, and that build's output, to reuse for (d)")
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.sweep_reps, args.sweep_size = 1, 1, 1
    if args.what == "floor":
        floor()
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    try:
        result = measure(args.reps, args.sweep_reps, args.sweep_size, args.jobs, tmp,
                         lambda line: print(line, file=sys.stderr, flush=True), quick=args.quick, with_test=args.with_test,
                         built=Path(args.built) if args.built else None,
                         changed=(Path(args.changed[0]), Path(args.changed[1]).read_text(encoding="utf-8")) if args.changed else None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(table(result))
    print(f"written: {os.path.relpath(out, MAIN)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
