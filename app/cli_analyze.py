"""The ``analyze`` and ``signatures`` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ANALYZE_EPILOG = """\
PATH can be a log file (plain, .gz, UTF-8/UTF-16/cp1252), a folder (read recursively; binary files are
skipped), an acronis-triage bundle .zip, any other .zip (e.g. an Acronis system report; zips inside it are
opened one level deep), a .7z archive, or - for text pasted on standard input.

exit codes:
  0  everything was analyzed (with or without findings)
  2  analyzed, but some inputs were skipped or only partly read: an unreadable folder, a link, a bomb or
     oversized member, a cut gzip stream (each listed with the reason)
  1  nothing could be analyzed; the reason is printed on one line (with --json, also as JSON on stdout:
     {"exit_code": 1, "reason": ...})

examples:
  acronis-triage analyze "C:\\ProgramData\\Acronis\\BackupAndRecovery\\MMS\\mms.0.log"
  acronis-triage analyze bundle.zip --json > findings.json
  Get-Clipboard | acronis-triage analyze -
"""

SIGNATURES_EPILOG = """\
actions:
  list              id, severity, KB numbers and title of every signature
  validate [DIR]    check every signature file; exit 1 if any problem is found
  test [DIR]        run every positive and negative sample; exit 1 if any fails
  patterns [DIR]    every search pattern of the database, one per line (input for rg -f or grep -E -f)
  import PACK       install a signature pack (signatures and KB index) offline, after checking its sha256
                    (--sha256 HEX, or PACK.sha256 beside it) and every file in it; the newest pack newer than
                    the shipped database is used from then on
  pack OUT          write the knowledge in use as a pack (with OUT.sha256) for other machines: --pack-version V
  version           the version of the knowledge in use
"""


def add_analyze_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze", help="analyze logs, folders, bundles or pasted text against the KB signatures",
        description="Match logs against the known-issue signatures (each tied to an Acronis KB article) and "
        "group the remaining errors and warnings into templates.",
        epilog=ANALYZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="file, folder, .zip, .7z (also split: x.7z.001 ..., and encrypted), or - for standard input")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--signatures", type=Path, metavar="DIR", help="use this signature folder")
    p.add_argument("--platform", choices=("windows", "linux", "macos"),
                   help="the logs come from this operating system: signatures of the others are left out")
    p.add_argument("--no-hyperscan", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--password-env", metavar="NAME",
                   help="pass phrase of encrypted bundles, from environment variable NAME (else asked for)")
    p.set_defaults(handler=cmd_analyze)


def add_signatures_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "signatures", help="list, validate and test the KB signature database",
        description="Work with the signature database (default: the one shipped with the tool).",
        epilog=SIGNATURES_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", choices=("list", "validate", "test", "patterns", "import", "pack", "version"))
    p.add_argument("directory", nargs="?", type=Path, metavar="DIR|PACK",
                   help="signature folder (import: the pack file; pack: the file to write)")
    p.add_argument("--sha256", metavar="HEX", help="import: the pack's expected sha256")
    p.add_argument("--pack-version", metavar="YYYY.MM.DD[.N]", help="pack: the version to give the pack")
    p.add_argument("--signatures", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_signatures)


def _fail(message: str) -> int:
    print(f"acronis-triage: {message}", file=sys.stderr)
    return 1


def _load(directory: Path | None):  # type: ignore[no-untyped-def]
    from acronis_triage.analyzers.signatures import load_signatures

    if directory is not None and not directory.is_dir():
        return None
    return load_signatures(directory)


def cmd_analyze(args: argparse.Namespace) -> int:
    from acronis_triage.analyzers.analyze import analyze_paths

    def fail(message: str, result: Any = None) -> int:
        # --json promises JSON on stdout whatever happens (as collect does): the reason, and what was skipped
        if args.json:
            data = result.to_json() if result is not None else {
                "findings": [], "related": [], "unmatched": [], "skipped": [], "stats": {}}
            _print_json({"exit_code": 1, "reason": message, **data})
        return _fail(message)

    sigset = _load(args.signatures)
    if sigset is None:
        return fail(f"signature folder not found: {args.signatures}")
    if not sigset.signatures:
        return fail(f"no usable signatures in {sigset.directory} ({len(sigset.problems)} problems; "
                    "run `acronis-triage signatures validate`)")
    from acronis_triage.analyzers.inputs import archive_password
    from acronis_triage.app.cli_export import PassphraseError, bundle_password

    try:
        password = bundle_password(args, list(args.paths))
    except PassphraseError as exc:
        return fail(str(exc))
    try:
        with archive_password(password):
            result = analyze_paths(list(args.paths), sigset, use_hyperscan=False if args.no_hyperscan else None,
                                   platform=args.platform)
    except KeyboardInterrupt:
        return fail("interrupted")
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        return fail(f"analysis failed: {type(exc).__name__}: {exc}")
    if result.stats.files == 0:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in result.skipped[:3]) or "no input"
        return fail(f"nothing could be analyzed ({reasons})", result)
    code = 2 if result.skipped else 0
    if args.json:
        reason = f"{len(result.skipped)} input(s) skipped (listed with the reason)" if code else ""
        _print_json({"exit_code": code, "reason": reason, **result.to_json()})
    else:
        sys.stdout.write(format_report(result))
    for problem in result.signature_problems[:5]:
        print(f"acronis-triage: warning: {problem}", file=sys.stderr)
    if code:
        print(f"acronis-triage: {len(result.skipped)} input(s) skipped; see the list", file=sys.stderr)
    return code


def _print_json(data: dict[str, Any]) -> None:
    # One write: json.dump writes every token on its own (thousands of writes, each a system call when
    # stdout is unbuffered): 50-110 ms for the findings of a 200 MB log, against 25 ms.
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def format_report(result: Any) -> str:
    out: list[str] = []
    s = result.stats
    out.append(f"Analyzed {s.files} file(s), {s.bytes / 2**20:.1f} MiB, {s.events} events examined "
               f"in {s.seconds:.1f} s.")
    out.append("")
    if not result.findings:
        out.append("No known issue confirmed." if result.unmatched else "No known issue found.")
    for f in result.findings:
        seen = ""
        if f.first_seen:
            seen = f", first {f.first_seen.isoformat()}"
            if f.last_seen and f.last_seen != f.first_seen:
                seen += f", last {f.last_seen.isoformat()}"
        out.append(f"[{f.severity.upper()}] {f.title}  ({f.signature}; {f.count}x{seen})")
        for kb in f.kb:
            out.append(f"    KB {kb.number}: {kb.url}" + (f"  {kb.title}" if kb.title else ""))
        if f.error_chain:
            out.append("    Error chain: " + " > ".join(
                c.hex + (f" {c.text}" if c.text else "") for c in f.error_chain))
        for ev in f.evidence:
            out.append(f"    {ev.file}:{ev.line}: {ev.text[:200]}")
        if f.workaround:
            out.append("    Workaround:")
            out.extend(f"      [ ] {step}" for step in f.workaround)
        if f.information_needed:
            out.append("    Support will ask for: " + "; ".join(f.information_needed))
        out.append("")
    if result.unmatched:
        out.append("Errors and warnings no signature explains (grouped):")
        for u in result.unmatched:
            out.append(f"  {u.count:>6}x {u.level:<7} {u.template[:160]}")
            if u.example:
                out.append(f"          e.g. {u.example.file}:{u.example.line}")
            for code in u.codes:
                extra = "; ".join(x for x in (code.component and f"module: {code.component}",
                                               code.message and f"Acronis prints it as: {code.message}") if x)
                out.append(f"          code: {code.description}" + (f" ({extra})" if extra else ""))
            if u.lookup_url:
                out.append(f"          look up: {u.lookup_url}")
            if u.related:
                out.append("          possibly related, not confirmed:")
                for r in u.related:
                    label = "KB" if r.kind == "kb" else "doc"
                    out.append(f"            {label} {r.kb} (score {r.score:.1f}) {r.title[:100]}  {r.url}")
        out.append("")
    folded = getattr(result, "folded", None)
    if folded is not None and folded.events:
        out.extend(folded_lines(folded))
        out.append("")
    if result.skipped:
        out.append("Skipped:")
        out.extend(f"  {sk.path}: {sk.reason}" for sk in result.skipped)
        out.append("")
    return "\n".join(out)


def folded_lines(folded: Any) -> list[str]:
    """What the bounds on unmatched templates folded (`analyzers.model.FoldedTemplates`), in words."""
    past = f", and the {folded.templates:,} less frequent past the {folded.grouped_cap:,} grouped" \
        if folded.templates else ""
    out = [f"Folded: {folded.events:,} more error/warning events, not grouped into templates of their own (templates "
           f"first seen after {folded.tracked_cap:,} distinct ones{past}), counted by event code and shape in "
           f"{folded.group_count:,} group(s):"]
    out.extend(f"  {g.count:>6}x {g.level:<7} {(g.template or g.key)[:160]}" for g in folded.groups)
    if folded.group_count > len(folded.groups):
        out.append(f"  ... and {folded.group_count - len(folded.groups):,} smaller group(s)")
    return out


def cmd_signatures(args: argparse.Namespace) -> int:
    if args.action in ("import", "pack", "version"):
        return _knowledge_action(args)
    directory = args.directory or args.signatures
    sigset = _load(directory)
    if sigset is None:
        return _fail(f"signature folder not found: {directory}")
    if args.action == "list":
        for sig in sorted(sigset.signatures, key=lambda s: s.id):
            kb = ",".join(k.number for k in sig.kb) or "-"
            print(f"{sig.id}\t{sig.severity}\t{kb}\t{sig.title}")
        _print_problems(sigset.problems)
        return 1 if sigset.problems else 0
    if args.action == "validate":
        _print_problems(sigset.problems)
        print(f"{len(sigset.signatures)} signatures valid, {len(sigset.problems)} problems "
              f"in {sigset.directory}")
        return 1 if sigset.problems else 0
    if args.action == "patterns":
        from acronis_triage.analyzers.signatures.database import PatternDatabase

        db = PatternDatabase.build(sigset.signatures, use_hyperscan=False)
        for pattern in db.rg_patterns():
            print(pattern)
        return 0
    from acronis_triage.analyzers.signatures.selftest import run_samples

    failures = run_samples(sigset)
    for failure in failures:
        print(failure)
    _print_problems(sigset.problems)
    total = sum(len(s.positive) + len(s.negative) for s in sigset.signatures)
    print(f"{total - len(failures)}/{total} samples passed in {len(sigset.signatures)} signatures")
    return 1 if failures or sigset.problems else 0


def _print_problems(problems: list[Any]) -> None:
    for p in problems:
        print(f"problem: {p}", file=sys.stderr)


def _knowledge_action(args: argparse.Namespace) -> int:
    from acronis_triage.analyzers.knowledge import PackError, build_pack, current, import_pack

    if args.action == "version":
        k = current()
        print(f"{k.version}\t{'shipped' if k.source == 'shipped' else k.source}")
        return 0
    if args.directory is None:
        return _fail(f"signatures {args.action} needs a file: signatures {args.action} PACK.zip")
    try:
        if args.action == "pack":
            if not args.pack_version:
                return _fail("signatures pack needs --pack-version YYYY.MM.DD[.N]")
            digest = build_pack(args.directory, args.pack_version)
            print(f"{args.directory}: knowledge {args.pack_version}, sha256 {digest} (also in "
                  f"{args.directory.name}.sha256)")
            return 0
        k = import_pack(args.directory, args.sha256)
    except PackError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write the pack: {exc.strerror or exc}")
    print(f"imported: knowledge {k.version} is now in use ({k.source})")
    return 0
