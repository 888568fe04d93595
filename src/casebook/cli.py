"""Command line: ``casebook validate``, ``build``, ``html``, ``publish`` and ``new-report`` (also ``python -m casebook``)."""

from __future__ import annotations

import argparse
import sys

from casebook.exceptions import CasebookError


def _validate(args: argparse.Namespace) -> int:
    if args.folder is not None:
        from casebook.data.load import validate_folder
        from casebook.registry import registry

        reports = list(registry())
        report = args.report or ("sts-series" if "sts-series" in reports else reports[0])
        kind, counts = validate_folder(report, args.folder, args.kind)
        print(f"{args.folder}: valid {report} dataset ({kind}): {len(counts)} tables, {sum(counts.values())} rows")
        for name, n in counts.items():
            print(f"  {name}: {n} rows")
        return 0
    counts = _validated()  # validated afresh whenever a data file, the package code or the lock changed
    print(f"data valid: {len(counts)} tables, {sum(counts.values())} rows")
    for name, n in counts.items():
        print(f"  {name}: {n} rows")
    return 0


def _validated() -> dict[str, int]:
    """Row counts of every valid table; bad data raises here, with every problem, before any kernel starts.

    Validation (pandas and pandera: about 1.5 s) is skipped when nothing it depends on changed since it last
    passed: the bytes of every file under data/, the package code and the lock (build/cache/validated.json).
    """
    import json

    from casebook import paths
    from casebook.engine.hashing import package_hashes, sha256_file, sha256_json
    from casebook.engine.io import write_text

    files = sorted(p for p in paths.DATA.rglob("*") if p.is_file())
    key = sha256_json({"data": {paths.relative(p): sha256_file(p) for p in files},
                       "package code": package_hashes(), "requirements.lock": sha256_file(paths.LOCK)})
    cache = paths.BUILD / "cache" / "validated.json"
    try:
        record = json.loads(cache.read_text(encoding="utf-8"))
        if record.get("key") == key and isinstance(record.get("counts"), dict):
            return record["counts"]
    except (OSError, ValueError):
        pass
    from casebook.audit.model import function_problems
    from casebook.data.load import validate_all
    from casebook.exceptions import DataValidationError

    counts = validate_all()
    problems = function_problems()  # a claim naming a function its report lacks: found here, not by the build
    if problems:
        raise DataValidationError(problems)
    try:
        write_text(cache, json.dumps({"key": key, "counts": counts}, indent=1, sort_keys=True) + "\n")
    except (OSError, CasebookError):
        pass  # only a cache: the build reports an unwritable build/ itself
    return counts


def _build(args: argparse.Namespace) -> int:
    from casebook.engine import build

    counts = _validated()
    runs = build.read_manifest(args.manifest)
    if not runs:
        print("data valid; no notebooks to build")
        return 0
    print(f"data valid: {len(counts)} tables, {sum(counts.values())} rows", flush=True)
    result = build.build(args.manifest, jobs=args.jobs, force=args.force, only=args.only,
                         echo=lambda line: print(line, flush=True), kernels=args.kernels)
    print(build.main_summary(result))
    return 0


def _html(args: argparse.Namespace) -> int:
    from casebook.publish.site import main_html

    return main_html()


def _publish(args: argparse.Namespace) -> int:
    """An author's series folder to a publication: the notebook casebook.author runs, executed with papermill."""
    from pathlib import Path

    from casebook.author.meta import series_id

    folder, out = Path(args.folder).resolve(), Path(args.out).resolve()
    if not folder.is_dir():
        raise CasebookError(f"{args.folder}: folder not found")
    from casebook.data.load import validate_folder

    validate_folder("sts-series", folder, None)  # bad data: every problem by file, line and column, nothing written
    from casebook.author.publication import run_notebook

    executed = run_notebook(folder, out, args.weeks)
    print(f"{folder.name}: publication written to {out} (notebook: {executed.name})")
    for f in sorted(p for p in out.rglob(f"{series_id(folder)}-*") if p.is_file() and p != executed):
        print(f"  {f.relative_to(out).as_posix()}")
    return 0


def _new_report(args: argparse.Namespace) -> int:
    from casebook.new_report import main

    return main(args.id, args.kind, args.title)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate every table under data/, or one data folder (e.g. your own case series)")
    v.add_argument("folder", nargs="?", help="a folder of CSV tables to validate as one report's dataset (default: all of data/)")
    v.add_argument("--report", help="the report whose schema the folder follows (default: sts-series, the case series)")
    v.add_argument("--kind", choices=("transcribed", "primary"),
                   help="transcribed from a publication, or primary data; used where the folder's study.csv declares no dataset_kind")
    v.set_defaults(func=_validate)
    b = sub.add_parser("build", help="validate the data, then execute every notebook of the build manifest")
    b.add_argument("--manifest", help="build manifest (default: notebooks/build.toml)")
    b.add_argument("--jobs", "-j", type=int, default=None, help="notebooks executed in parallel (default: number of cores)")
    b.add_argument("--force", action="store_true", help="execute every notebook, even those that are up to date")
    b.add_argument("--only", nargs="+", metavar="NAME", help="only these notebooks (stem or path)")
    b.add_argument("--kernels", choices=("fork", "fresh"), default=None,
                   help="fork kernels from a factory that imported [build] preload once (default), or start each afresh")
    b.set_defaults(func=_build)
    p = sub.add_parser("publish", help="an author's own case series folder to a publication: tables, figures, the "
                       "article (PDF, HTML, DOCX), the CARE checklist and the audit of a draft's claims")
    p.add_argument("folder", help="the series folder (CSV tables in report 2's schema; manuscript.toml, claims.csv optional)")
    p.add_argument("--out", required=True, help="the folder to write the publication to (created if needed)")
    p.add_argument("--weeks", type=int, nargs="+", help="follow-up weeks to report (default: every week measured)")
    p.set_defaults(func=_publish)
    n = sub.add_parser("new-report", help="a new report as one unit (data folder, package with its tests, notebook, "
                       "manifest entry) that validates, builds and publishes a placeholder article at once")
    n.add_argument("id", help="the report's id: lower-case words joined by '-' (data/<id>/, figures/<id>-*, ...)")
    n.add_argument("--kind", required=True, choices=("case", "series"), help="a single case report or a case series")
    n.add_argument("--title", help="the report's title (default: a placeholder naming the id)")
    n.set_defaults(func=_new_report)
    sub.add_parser("html", help="write the static HTML bundle build/site/ (opens with no server, no network)").set_defaults(func=_html)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except CasebookError as exc:
        print(f"casebook: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output was piped into a reader that stopped (`casebook validate | head`)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 0
    except KeyboardInterrupt:
        print("casebook: interrupted", file=sys.stderr)
        return 130
