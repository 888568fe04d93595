"""``make bench``: the build against the plain-Python floor, in temporary copies of the project.

Measured in one run, on this machine (medians of ``--reps`` repetitions, each in a fresh project copy unless
said otherwise; the committed tree is never written):

  (a) clean full build of every notebook (``casebook build``, one job per core, empty cache);
  (b) the floor: the same casebook calls the notebooks make, as plain Python in one process (imports,
      computation, rendering of what the notebooks display, writing of every figure and table);
  (c) a no-op rebuild;
  (d) a rebuild after one data file changes (the notebooks that ran, against those that read it);
  (e) the notebook checks of ``make test`` (nbval, ``-n 2 --dist loadfile``, over notebooks/);
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
TARGETS = {"clean_over_floor": 1.5, "noop_s": 0.5, "sweep_speedup": 1.8}
ENV = {
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


# --- (b) the floor: what the notebooks do, as plain calls ---------------------------------------------------


def _show(obj) -> None:
    """What Jupyter's display formatter does with a cell's result: every rich representation, and repr."""
    if obj is None:
        return
    for method in ("_repr_html_", "_repr_markdown_", "_repr_png_", "_repr_svg_"):
        fn = getattr(obj, method, None)
        if callable(fn):
            fn()
    repr(obj)


def floor() -> None:
    """Every report, as the notebooks run it, in this process (CASEBOOK_ROOT names the project copy)."""
    import contextlib

    with contextlib.redirect_stdout(io.StringIO()):
        _floor_jdm_case()
        _floor_sts_series()
        _floor_claims_audit()
        _floor_index()


def _floor_jdm_case(data_dir="data/jdm-case", figures_dir="figures", tables_dir="tables", formats=FORMATS):
    from casebook import load_dataset
    from casebook.publish.tables import show_table
    from casebook.reports.jdm_case import analysis as case
    from casebook.reports.jdm_case import figures as case_figures
    from casebook.reports.jdm_case import summary as case_summary

    data = load_dataset("jdm-case", data_dir)
    description = case_summary.describe(data)
    _show(case_summary.show(description))
    _show(show_table(case_summary.number_sources(description, data), "jdm-case-number-sources"))
    for name in ("findings", "laboratory", "muscle-scores", "treatments", "criteria", "timeline"):
        _show(case.publish_table(name, data, tables_dir))
    _show(case_figures.save(case_figures.timeline_figure(case.timeline_events(data)), "timeline", figures_dir, formats))
    _show(case_figures.save(case_figures.aldolase_figure(case.lab_table(data)), "aldolase", figures_dir, formats))
    _show(
        case_figures.save(case_figures.muscle_scores_figure(case.muscle_score_table(data)), "muscle-scores", figures_dir, formats)
    )


def _floor_sts_series(
    data_dir="data/sts-series", figures_dir="figures", tables_dir="tables", formats=FORMATS, weeks=(4, 12), concentration=150.0
):
    from IPython.display import Markdown

    from casebook import load_dataset
    from casebook.publish.tables import show_table
    from casebook.reports.sts_series import analysis as series
    from casebook.reports.sts_series import figures as series_figures
    from casebook.reports.sts_series import summary as series_summary

    weeks = list(weeks)
    data = load_dataset("sts-series", data_dir)
    _show(
        show_table(
            series.table1(data, weeks, view="printed", with_flag=True),
            "sts-series-table1",
            highlight={series.DIFFERS_FLAG: "#fde3c8"},
        )
    )
    "\n".join(series.table1_notes(data, view="printed"))
    comparison = series.compare_table1(data, weeks)
    _show(show_table(comparison[~comparison["same"]].drop(columns="same"), "sts-series-table1-check"))
    _show(show_table(series.table1(data, weeks, view="corrected"), "sts-series-table1-corrected"))
    series.write_table1(data, tables_dir, weeks, view="printed")
    series.write_table1(data, tables_dir, weeks, view="corrected")
    reductions = series.rounded(series.reductions(data, weeks), 1)
    _show(
        show_table(
            reductions.assign(flag=reductions["reduction_differs"]), "sts-series-reductions", highlight={"flag": "#fde3c8"}
        )
    )
    _show(show_table(series.rounded(series.injected_volumes(data, concentration), 3), "sts-series-doses"))
    _show(show_table(series.injections(data), "sts-series-injections"))
    _show(show_table(series.patient_summary(data, weeks), "sts-series-patients"))
    _show(show_table(series.rounded(series.lesion_summary(data, weeks), 1), "sts-series-lesions"))
    _show(show_table(series.outcomes_table(data, weeks), "sts-series-outcomes"))
    series.write_derived_tables(data, tables_dir, weeks, concentration)
    _show(series_figures.preview(series_figures.save_size_trajectories(data, figures_dir, formats, weeks)))
    _show(series_figures.preview(series_figures.save_reductions(data, figures_dir, formats, weeks)))
    _show(series_figures.preview(series_figures.save_doses(data, figures_dir, formats, concentration)))
    _show(Markdown(series_summary.case_summary(data, weeks, concentration)))
    series_summary.write_summary(data, tables_dir, weeks, concentration)


def _floor_claims_audit(figures_dir="figures", tables_dir="tables", formats=FORMATS):
    from IPython.display import Markdown

    from casebook import paths
    from casebook.audit import core as audit
    from casebook.audit import figures as audit_figures
    from casebook.data.load import load_claims
    from casebook.publish.figures import save_figure, show
    from casebook.publish.tables import show_table, write_table

    claims = load_claims(paths.resolve("data/claims.csv"))
    data = audit.load_data("data/sts-series", "data/jdm-case")
    _show(show_table(claims.groupby(["report", "rule"]).size().rename("claims").reset_index(), "claims-audit-register-counts"))
    results = audit.audit(claims, data)
    _show(show_table(audit.verdict_counts(results), "claims-audit-verdict-counts"))
    shown = results[
        ["claim_id", "location", "printed", "recomputed", "verdict", "readings", "arithmetic", "grim", "note"]
    ].assign(_inconsistent=results["verdict"] == "inconsistent", _not_derivable=results["verdict"] == "not derivable")
    _show(show_table(shown, "claims-audit-register", highlight={"_inconsistent": "#f6c9c0", "_not_derivable": "#e6e6e6"}))
    fig = audit_figures.plot_printed_vs_recomputed(audit.numeric_points(results, claims, data))
    save_figure(fig, audit_figures.STEM, figures_dir, formats)
    _show(show(paths.resolve(figures_dir) / f"{audit_figures.STEM}.png"))
    grim = audit.grim_table(results).assign(_impossible=lambda t: t["grim"].str.contains("impossible"))
    _show(show_table(grim, "claims-audit-grim", highlight={"_impossible": "#fbe3c2"}))
    printed = claims.set_index("claim_id")["printed"]
    _show(
        show_table(
            audit.missing_lesion_scenarios(
                data,
                lesions=8,
                injections=21,
                week4_mean=printed["sts-results-reduction-w4"],
                week12_mean=printed["sts-results-reduction-w12"],
                complete_pct=printed["sts-results-complete-remission"],
                remaining_mean=printed["sts-results-remaining-mean"],
            ),
            "claims-audit-missing-lesion",
        )
    )
    _show(Markdown(audit.summary(results)))
    write_table(
        audit.output_table(results),
        "claims-audit",
        tables_dir,
        caption="Claims audit: every number printed in the two reports, recomputed from the data",
    )


def _floor_index(figures_dir="figures", tables_dir="tables"):
    from IPython.display import Markdown

    from casebook.publish import index
    from casebook.publish.tables import styled, write_table

    _show(Markdown(index.notebooks_markdown()))
    for report in ("jdm-case", "sts-series"):
        table, caption = index.care_table(report)
        write_table(table, index.care_stem(report), tables_dir, caption=caption)
        _show(styled(table, f"care-{report}"))
    _show(Markdown(index.artefacts_markdown(figures_dir, tables_dir)))


# --- measurements --------------------------------------------------------------------------------------------


def _copy(tmp: Path, name: str) -> Path:
    sys.path.insert(0, str(MAIN / "tests"))
    from conftest import copy_project  # the same project copies the tests use

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
    runs = build.read_manifest(root / "notebooks" / "build.toml")
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


def measure(reps: int, sweep_reps: int, sweep_size: int, jobs: int, tmp: Path, say) -> dict:
    out: dict = {
        "cores": os.cpu_count(),
        "jobs": jobs,
        "repetitions": reps,
        "sweep_repetitions": sweep_reps,
        "sweep_size": sweep_size,
    }
    out["parallel_ceiling"] = statistics.median(parallel_ceiling() for _ in range(3))
    say(f"two CPU-bound processes run {out['parallel_ceiling']:.2f}x as fast as one on this machine")

    say(f"(a) clean full build, {reps} x")
    clean = []
    for _i in range(reps):
        root = _copy(tmp, "clean")
        clean.append(_build(root, "--jobs", str(jobs))[0])
    out["clean_build_runs_s"] = clean

    say(f"(b) floor: plain Python in one process, {reps} x")
    floors = []
    for _i in range(reps):
        root = _copy(tmp, "floor")
        floors.append(_timed([sys.executable, str(Path(__file__).resolve()), "floor"], root)[0])
    out["floor_runs_s"] = floors

    say(f"(c) no-op rebuild, {reps} x")
    root = _copy(tmp, "incremental")
    _build(root, "--jobs", str(jobs))  # populate the cache (not timed)
    noop = []
    for _ in range(reps):
        seconds, proc = _build(root, "--jobs", str(jobs))
        assert "nothing to execute" in proc.stdout, proc.stdout
        noop.append(seconds)
    out["noop_runs_s"] = noop

    say(f"(d) rebuild after one data file changes ({CHANGED_FILE}), {reps} x")
    changed, ran = [], set()
    for _ in range(reps):
        _toggle(root)
        seconds, proc = _build(root, "--jobs", str(jobs))
        changed.append(seconds)
        ran |= set(_ran(proc.stdout))
    out["changed_file"] = CHANGED_FILE
    out["changed_file_runs_s"] = changed
    out["changed_file_notebooks"] = sorted(ran)
    out["changed_file_expected"] = _expected_after_change(root)

    say(f"(e) notebook checks of make test (nbval), {reps} x")
    root = _copy(tmp, "nbval")
    nbval = []
    for _ in range(reps):
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--rootdir",
            str(root),
            "-n",
            "2",
            "--dist",
            "loadfile",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(MAIN / "tests" / "nbval-sanitize.cfg"),
            "notebooks",
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=root, env=_env(root), capture_output=True, text=True, timeout=1800)
        nbval.append(time.perf_counter() - start)
        out["test_notebooks_passed"] = proc.returncode == 0
    out["test_notebooks_runs_s"] = nbval

    say(f"(f) sweep of {sweep_size} synthetic series, {sweep_reps} x with 1 job and with 2 jobs")
    sweeps: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(sweep_reps):
        for n in (1, 2):
            root = _copy(tmp, "sweep")
            manifest, slugs = _sweep_manifest(root, sweep_size)
            seconds, proc = _build(root, "--manifest", str(manifest), "--jobs", str(n), "--only", *slugs)
            assert len(_ran(proc.stdout)) == 1 and proc.stdout.count("] done ") == sweep_size, proc.stdout[-2000:]
            sweeps[n].append(seconds)
    out["sweep_1job_runs_s"], out["sweep_2jobs_runs_s"] = sweeps[1], sweeps[2]

    med = statistics.median
    out.update(
        clean_build_s=med(clean),
        floor_s=med(floors),
        noop_s=med(noop),
        changed_file_s=med(changed),
        test_notebooks_s=med(nbval),
        sweep_1job_s=med(sweeps[1]),
        sweep_2jobs_s=med(sweeps[2]),
    )
    out["clean_over_floor"] = out["clean_build_s"] / out["floor_s"]
    out["sweep_speedup"] = out["sweep_1job_s"] / out["sweep_2jobs_s"]
    out["targets"] = {
        "clean_over_floor <= 1.5": out["clean_over_floor"] <= TARGETS["clean_over_floor"],
        "noop_s <= 0.5": out["noop_s"] <= TARGETS["noop_s"],
        "changed file re-executes only its readers": out["changed_file_notebooks"] == out["changed_file_expected"],
        "sweep_speedup >= 1.8": out["sweep_speedup"] >= TARGETS["sweep_speedup"],
    }
    return out


def table(r: dict) -> str:
    t = r["targets"]
    mark = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    rows = [
        ("(a) clean full build", f"{r['clean_build_s']:.2f} s", ""),
        ("(b) floor (plain Python, 1 process)", f"{r['floor_s']:.2f} s", ""),
        ("    (a)/(b)", f"{r['clean_over_floor']:.2f}", f"<= 1.5: {mark(t['clean_over_floor <= 1.5'])}"),
        ("(c) no-op rebuild", f"{r['noop_s']:.2f} s", f"<= 0.5 s: {mark(t['noop_s <= 0.5'])}"),
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
    args = parser.parse_args(argv)
    if args.what == "floor":
        floor()
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    try:
        result = measure(
            args.reps, args.sweep_reps, args.sweep_size, args.jobs, tmp, lambda line: print(line, file=sys.stderr, flush=True)
        )
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
