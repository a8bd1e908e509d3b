"""The ``analyze`` and ``signatures`` subcommands (being built; see issue "Analyzers")."""

from __future__ import annotations

import argparse


def add_analyze_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyze logs, folders, bundles or pasted text against the KB signatures")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=lambda args: _unavailable())


def add_signatures_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signatures", help="list, validate and test the KB signature database")
    p.set_defaults(handler=lambda args: _unavailable())


def _unavailable() -> int:
    import sys

    print("acronis-triage: this command is not available yet", file=sys.stderr)
    return 1
