"""Command line: ``casebook validate`` and ``casebook build`` (also ``python -m casebook``)."""

from __future__ import annotations

import argparse
import sys

from casebook.exceptions import CasebookError


def _validate(args: argparse.Namespace) -> int:
    from casebook.load import validate_all

    counts = validate_all()
    print(f"data valid: {len(counts)} tables, {sum(counts.values())} rows")
    for name, n in counts.items():
        print(f"  {name}: {n} rows")
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="validate every table under data/").set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except CasebookError as exc:
        print(f"casebook: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("casebook: interrupted", file=sys.stderr)
        return 130
