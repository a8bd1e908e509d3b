"""The ``acronis-triage`` command. With no arguments it opens the window; subcommands run headless.

Qt is imported only by the ``gui`` path, so the CLI runs on servers without a display or Qt libraries.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
from pathlib import Path
from typing import Any, NoReturn

from acronis_triage.app import TOOL_NAME, __version__
from acronis_triage.app.terminal_text import json_for_terminal, printable

EXIT_USAGE = 64  # sysexits' EX_USAGE; app.pipeline.EXIT_USAGE is the same number (not imported: it loads the engine)
MAX_SINCE_DAYS = 36500.0

COLLECT_EPILOG = """\
exit codes:
  0  the bundle is complete: every collector took everything it looked for
  2  the bundle was written, but something is missing: a collector was partial (something it looked
     for was skipped, with the reason), failed, timed out or was cancelled, or a collected file could
     not be analyzed (the manifest and the summary say which and why)
  1  nothing was written; the reason is printed on one line (also after Ctrl+C twice)
  64 the command line is wrong (unknown option or collector, impossible value); nothing was started

Ctrl+C once cancels and still writes a valid, partial bundle (exit 2); Ctrl+C again stops at once and
removes the unfinished file.

examples:
  acronis-triage collect                              collect from this machine (last 7 days)
  acronis-triage collect --demo --output demo.zip     the embedded demo machine, no Acronis needed
  acronis-triage collect --root /mnt/disk --since 3   an offline copy of a system
  acronis-triage collect --json > summary.json        machine-readable summary for RMM scripts
"""


class UsageParser(argparse.ArgumentParser):
    """argparse, but a wrong command line exits 64 (EX_USAGE) with one line, not 2: exit code 2 means
    "bundle written, something missing" here. Subcommand parsers are made of the same class."""

    last_error = ""

    def error(self, message: str) -> NoReturn:
        UsageParser.last_error = f"{self.prog}: error: {message}"
        self.exit(EXIT_USAGE, f"{self.prog}: error: {printable(message)} (see `{self.prog} --help`)\n")


def _since_days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_SINCE_DAYS):
        raise argparse.ArgumentTypeError(
            f"must be a number of days greater than 0 and at most {MAX_SINCE_DAYS:g}, not {text!r}")
    return value


def _version_text() -> str:
    try:
        from acronis_triage.analyzers.knowledge import describe

        knowledge = describe()
    except Exception as exc:  # noqa: BLE001 - --version must answer even with a broken pack folder
        knowledge = f"knowledge unknown ({type(exc).__name__})"
    return f"{TOOL_NAME} {__version__}, {knowledge}"


def build_parser() -> argparse.ArgumentParser:
    parser = UsageParser(
        prog=TOOL_NAME,
        description="Collect Acronis logs and system facts, match them against known issues from the Acronis "
        "knowledge base, and write a support bundle with a pre-filled escalation form. "
        "Without a subcommand, opens the window.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version_text())
    sub = parser.add_subparsers(dest="command", metavar="{collect,analyze,escalate,inspect,unmask,signatures,gui}")

    collect = sub.add_parser(
        "collect", help="collect logs and diagnostics into a bundle",
        description="Collect Acronis logs, configuration and OS diagnostics, analyze them and write a "
        "verified .zip bundle with manifest.json, findings, report.html and the escalation form.",
        epilog=COLLECT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = collect.add_mutually_exclusive_group()
    where.add_argument("--demo", action="store_true",
                       help="collect from the embedded demo machine (Windows layout with known problems)")
    where.add_argument("--root", type=Path, metavar="DIR",
                       help="collect from an offline copy of a system (Windows, Linux or macOS layout); "
                       "collectors that need the live system are skipped with the reason")
    collect.add_argument("--since", type=_since_days, default=None, metavar="DAYS",
                         help="time window in days (default: 7; for an offline root the window ends at its newest log "
                         "unless --since is given)")
    collect.add_argument("--output", "-o", type=Path, metavar="PATH",
                         help="bundle file or folder (default: ./acronis-triage-<host>-<time>.zip)")
    collect.add_argument("--only", action="append", default=[], metavar="NAME",
                         help="run only this collector (repeatable)")
    collect.add_argument("--exclude", action="append", default=[], metavar="NAME",
                         help="do not run this collector (repeatable)")
    collect.add_argument("--no-slow", action="store_true",
                         help="skip slow optional collectors (e.g. Acronis's own system report)")
    collect.add_argument("--workers", type=int, default=4, metavar="N", help="collectors run at once (default: 4)")
    collect.add_argument("--signatures", type=Path, metavar="DIR", help="use this signature folder")
    collect.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    collect.add_argument("--list", action="store_true", help="list the collectors and exit")
    collect.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    from acronis_triage.app.cli_export import add_collect_options, add_inspect_parser, add_unmask_parser

    add_collect_options(collect)
    collect.set_defaults(handler=cmd_collect)

    from acronis_triage.app.cli_analyze import add_analyze_parser, add_signatures_parser

    add_analyze_parser(sub)
    from acronis_triage.app.cli_escalate import add_escalate_parser

    add_escalate_parser(sub)
    add_signatures_parser(sub)
    add_inspect_parser(sub)
    add_unmask_parser(sub)

    gui = sub.add_parser("gui", help="open the window (the default without a subcommand)",
                         description="Open the window. With --guided, the guided mode for an end user: a few steps in "
                         "plain words, from consent to a saved file and what to send to whom.")
    gui.add_argument("--guided", action="store_true",
                     help="the guided mode for an end user instead of the technician's window")
    gui.add_argument("--preset", metavar="NAME",
                     help="with --guided: what to collect (backup-fails, agent-offline, general; or a preset file)")
    gui.add_argument("--case-id", metavar="ID", help="with --guided: your case number, shown to the user and put "
                     "in the file name and the bundle")
    gui.add_argument("--demo", action="store_true",
                     help="with --guided: collect from the built-in demo machine, to show the steps")
    # For the build's smoke test: open the window, then close it after this many milliseconds.
    gui.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    gui.set_defaults(handler=cmd_gui)
    return parser


def _guided_choice(args: argparse.Namespace) -> tuple[object, str] | int:
    """The preset and case ID of `gui --guided`, or the exit code of a wrong command line (checked before
    any window opens, so the technician sees the mistake where they typed it)."""
    from acronis_triage.app.gui.guided.presets import DEFAULT_PRESET, PresetError, check_case_id, load_preset

    try:
        preset = load_preset(args.preset or DEFAULT_PRESET)
        case_id = check_case_id(args.case_id) if args.case_id is not None else ""
    except PresetError as exc:
        print(f"{TOOL_NAME} gui: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    return preset, case_id


def cmd_gui(args: argparse.Namespace) -> int:
    guided = getattr(args, "guided", False)
    if not guided and (getattr(args, "preset", None) or getattr(args, "case_id", None) or getattr(args, "demo", False)):
        print(f"{TOOL_NAME} gui: error: --preset, --case-id and --demo belong to --guided", file=sys.stderr)
        return EXIT_USAGE
    choice = _guided_choice(args) if guided else None
    if isinstance(choice, int):
        return choice
    # Qt aborts the whole process, with a misleading text, when the display or a library of its xcb plugin is
    # missing: asked first, without Qt, so the user reads one sentence instead.
    from acronis_triage.app.gui.preflight import problem

    reason = problem(TOOL_NAME)
    if reason is not None:
        print(reason, file=sys.stderr)
        return 1
    try:
        # Only the window asked for is imported: the guided one opens without loading the technician's.
        if choice is not None:
            from acronis_triage.app.gui.guided.main import run_guided
        else:
            from acronis_triage.app.gui.main import run_gui
    except ImportError as exc:
        print(f"{TOOL_NAME}: the window cannot open: {exc}. Use `{TOOL_NAME} collect` instead.", file=sys.stderr)
        return 1
    if choice is not None:
        preset, case_id = choice
        return run_guided(preset, case_id=case_id, demo=args.demo,  # type: ignore[arg-type]
                          quit_after_ms=getattr(args, "quit_after", None))
    return run_gui([], quit_after_ms=getattr(args, "quit_after", None))


def cmd_collect(args: argparse.Namespace) -> int:
    from acronis_triage.app.cli_progress import ProgressPrinter
    from acronis_triage.app.interrupt import InterruptGuard
    from acronis_triage.app.pipeline import EXIT_NOTHING_WRITTEN, CollectOptions, run_collect
    from acronis_triage.collectors.cancel import CancelToken
    from acronis_triage.collectors.engine import EngineEvent, EventKind

    if args.list:
        return _list_collectors()
    from acronis_triage.app.cli_export import PassphraseError, collect_option_values

    try:
        export_values = collect_option_values(args)
    except (PassphraseError, ValueError) as exc:
        return _collect_usage_error(str(exc), args.json)
    options = CollectOptions(
        root=args.root, demo=args.demo, since_days=args.since or 7.0, window_explicit=args.since is not None,
        output=args.output,
        only=tuple(args.only), exclude=tuple(args.exclude), include_slow=not args.no_slow,
        max_workers=max(1, args.workers), signatures_dir=args.signatures, **export_values,
    )
    printer = ProgressPrinter(sys.stderr, enabled=not args.quiet)
    cancel = CancelToken()
    with InterruptGuard(cancel) as guard:

        def on_event(event: EngineEvent) -> None:
            if event.kind == EventKind.BUNDLE:
                guard.set_part(event.text)
            printer(event)

        result = run_collect(options, on_event=on_event, cancel=cancel)
    printer.done(result)
    if result.redaction and not args.quiet:
        from acronis_triage.app.inspect import redaction_lines

        for line in redaction_lines(result.redaction):
            print(printable(line), file=sys.stderr)
    if args.json:
        sys.stdout.write(json_for_terminal(json.dumps(result.summary(), indent=2, ensure_ascii=False)) + "\n")
    if result.exit_code in (EXIT_NOTHING_WRITTEN, EXIT_USAGE):
        print(f"{TOOL_NAME}: {printable(result.reason)}", file=sys.stderr)
    return result.exit_code


def _collect_usage_error(message: str, as_json: bool) -> int:
    if as_json:
        summary: dict[str, Any] = {"exit_code": EXIT_USAGE, "bundle": None, "reason": message, "seconds": 0,
                                   "collectors": [], "products": [], "findings": []}
        sys.stdout.write(json_for_terminal(json.dumps(summary, indent=2, ensure_ascii=False)) + "\n")
    print(f"{TOOL_NAME} collect: error: {printable(message)}", file=sys.stderr)
    return EXIT_USAGE


def _list_collectors() -> int:
    from acronis_triage.collectors.registry import discover

    found = discover()
    for cls in found.collectors:
        flags = []
        if cls.needs_live:
            flags.append("live")
        if cls.needs_admin:
            flags.append("admin")
        if cls.is_slow():
            flags.append(f"slow ~{cls.expected_duration_s:g}s")
        print(printable(f"{cls.name:24} {'/'.join(cls.platforms):22} {','.join(flags):16} {cls.description}"))
    for module, reason in found.load_errors:
        print(printable(f"! {module}: {reason}"), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv:
        return cmd_gui(argparse.Namespace())
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code == EXIT_USAGE and argv[:1] == ["collect"] and "--json" in argv:
            # Scripts that asked for JSON get it on every exit of collect, a wrong command line included.
            summary: dict[str, Any] = {"exit_code": EXIT_USAGE, "bundle": None, "reason": UsageParser.last_error,
                                       "seconds": 0, "collectors": [], "products": [], "findings": []}
            sys.stdout.write(json_for_terminal(json.dumps(summary, indent=2, ensure_ascii=False)) + "\n")
        raise
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code = int(handler(args))
    except KeyboardInterrupt:
        return 1
    except BrokenPipeError:
        return 1
    # Everything the run built is garbage now; freezing it spares the collector a last walk over it at exit.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
