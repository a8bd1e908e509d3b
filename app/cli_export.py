"""The export side of the command line: ``collect``'s format, encryption, volume, naming and redaction options,
``inspect BUNDLE`` and ``unmask MAP FILE``.

A pass phrase is never taken from the command line (every user of the machine can read it in the process list,
and shells keep it in their history): ``--password`` asks for it, ``--password-env NAME`` reads it from the
environment variable NAME, for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from acronis_triage.app import TOOL_NAME
from acronis_triage.app.terminal_text import json_for_terminal, printable

EXIT_USAGE = 64

INSPECT_EPILOG = """\
exit codes:
  0  every file matches its sha256 in manifest.json
  3  the bundle was read, but a file is missing, unlisted or does not match its sha256 (listed)
  1  the bundle cannot be read (not a bundle, damaged, wrong pass phrase); the reason on one line
  64 the command line is wrong (or no pass phrase for an encrypted bundle and no terminal to ask on)

examples:
  acronis-triage inspect x.zip
  acronis-triage inspect x.7z.001                    a split bundle: any volume, the others beside it
  PW=... acronis-triage inspect x.7z --password-env PW
"""

UNMASK_EPILOG = """\
The map is the private file `collect --redact full` wrote beside the bundle (never inside it). FILE is any text:
a log or report from the bundle, a reply from support; - reads standard input. The result goes to standard
output, or to --output.
"""


class PassphraseError(Exception):
    """No usable pass phrase; the message says how to give one."""


def add_collect_options(collect: argparse.ArgumentParser) -> None:
    from acronis_triage.app.export_formats import FORMATS

    out = collect.add_argument_group("export (what leaves the machine)")
    out.add_argument("--format", choices=FORMATS, default=None,
                     help="zip (default; opens natively on Windows) or 7z (smaller; LZMA2); an --output ending "
                     "in .7z means 7z")
    secret = out.add_mutually_exclusive_group()
    secret.add_argument("--password", action="store_true",
                        help="encrypt with AES-256 (the pass phrase is asked for; a .7z hides its file names too)")
    secret.add_argument("--password-env", metavar="NAME",
                        help="encrypt with the pass phrase in environment variable NAME (for scripts)")
    out.add_argument("--split", metavar="SIZE", type=_size,
                     help="write numbered volumes of at most SIZE (e.g. 25M) that 7-Zip joins: x.zip.001 ...")
    out.add_argument("--case-id", metavar="ID", type=_case_id,
                     help="the support case or ticket: recorded in the manifest and the first part of the "
                     "default name, <case-id>-<host>-<UTC time>.zip")
    out.add_argument("--redact", choices=("secrets", "full"), default="secrets",
                     help="secrets (default: passwords, tokens and keys masked) or full: also pseudonymise host, "
                     "domain and user names, e-mail, IP and MAC addresses, SIDs and profile paths, consistently "
                     "across the bundle; the private map is written beside the bundle")
    out.add_argument("--map", type=Path, metavar="FILE", dest="pseudonym_map",
                     help="--redact full: the pseudonym map to use and extend (made if missing); the same map for "
                     "one customer keeps repeated bundles consistent")
    out.add_argument("--customer", metavar="KEY",
                     help="--redact full: keep the map for this customer beside the bundle "
                     "(acronis-triage-KEY.map.json) and reuse it on later runs")
    out.add_argument("--keyword", action="append", default=[], metavar="WORD",
                     help="--redact full: also pseudonymise this word wherever it occurs (repeatable), e.g. the "
                     "customer's company or project names")
    out.add_argument("--keywords-file", type=Path, metavar="FILE",
                     help="--redact full: one keyword a line")


def _size(text: str) -> int:
    from acronis_triage.app.export import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _case_id(text: str) -> str:
    from acronis_triage.app.export import check_case_id

    try:
        return check_case_id(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def passphrase(args: argparse.Namespace, *, confirm: bool) -> str | None:
    """The pass phrase the options ask for: from the environment (--password-env), or asked on the terminal
    (--password; twice when it is set, not checked), or None."""
    name = getattr(args, "password_env", None)
    if name:
        value = os.environ.get(name)
        if value is None:
            raise PassphraseError(f"--password-env {name}: the environment variable {name} is not set")
        if not value:
            raise PassphraseError(f"--password-env {name}: the environment variable {name} is empty")
        return value
    if not getattr(args, "password", False):
        return None
    return ask_passphrase(confirm=confirm)


def ask_passphrase(*, confirm: bool) -> str:
    if not sys.stdin.isatty():
        raise PassphraseError("no terminal to ask for the pass phrase on; use --password-env NAME")
    first = getpass.getpass("pass phrase: ")
    if not first:
        raise PassphraseError("the pass phrase is empty")
    if confirm and getpass.getpass("pass phrase again: ") != first:
        raise PassphraseError("the two pass phrases differ")
    return first


def bundle_password(args: argparse.Namespace, paths: list[str]) -> str | None:
    """analyze: the pass phrase from --password-env, or asked for when one of the inputs is an encrypted bundle
    and there is a terminal; None otherwise (encrypted members are then skipped with the reason)."""
    if getattr(args, "password_env", None):
        return passphrase(args, confirm=False)
    from acronis_triage.app.inspect import is_encrypted

    if any(is_encrypted(Path(p)) for p in paths if p != "-") and sys.stdin.isatty():
        return ask_passphrase(confirm=False)
    return None


def collect_option_values(args: argparse.Namespace) -> dict[str, Any]:
    """The CollectOptions fields of the export options. Raises `PassphraseError` or ValueError (usage)."""
    keywords = [k for k in args.keyword if k.strip()]
    if args.keywords_file is not None:
        try:
            text = args.keywords_file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ValueError(f"--keywords-file {args.keywords_file}: {exc.strerror or exc}") from exc
        keywords += [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    fmt = args.format
    if fmt is None:
        fmt = "7z" if args.output is not None and str(args.output).lower().endswith(".7z") else "zip"
    return {
        "format": fmt,
        "password": passphrase(args, confirm=True),
        "split": args.split,
        "case_id": args.case_id,
        "redact": args.redact,
        "pseudonym_map": args.pseudonym_map,
        "customer": args.customer,
        "keywords": tuple(keywords),
    }


# ---- inspect


def add_inspect_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect", help="show a bundle's manifest and verify every file's checksum",
        description="Print the manifest summary of a bundle (collectors, products, redaction, files) and check "
        "every file against its sha256: .zip or .7z, split into volumes or not, encrypted or not.",
        epilog=INSPECT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bundle", type=Path, metavar="BUNDLE", help="the bundle, or any volume of a split one")
    p.add_argument("--password-env", metavar="NAME", help="the pass phrase is in environment variable NAME "
                   "(else it is asked for when needed)")
    p.add_argument("--json", action="store_true", help="print the manifest summary and the check as JSON")
    p.set_defaults(handler=cmd_inspect)


def cmd_inspect(args: argparse.Namespace) -> int:
    from acronis_triage.app.inspect import BundleProblem, PasswordNeeded, inspect_bundle, summary_lines

    path: Path = args.bundle
    if not path.is_file():
        return _fail(f"{path}: no such file", args.json)
    try:
        password = passphrase(args, confirm=False)
    except PassphraseError as exc:
        return _fail(str(exc), args.json, EXIT_USAGE)
    try:
        try:
            result = inspect_bundle(path, password)
        except PasswordNeeded:
            if password is not None:
                raise
            try:
                password = ask_passphrase(confirm=False)
            except PassphraseError as exc:
                return _fail(f"{path.name} is encrypted: {exc}", args.json, EXIT_USAGE)
            result = inspect_bundle(path, password)
    except BundleProblem as exc:
        return _fail(str(exc), args.json)
    code = 0 if result.ok else 3
    if args.json:
        m = result.manifest
        data = {
            "exit_code": code, "bundle": str(path), "format": result.format, "encrypted": result.encrypted,
            "volumes": [str(v) for v in result.volumes], "checked": result.checked, "problems": result.problems,
            "manifest": {k: m.get(k) for k in ("tool", "created_utc", "case_id", "host", "products", "collectors",
                                               "redaction", "export")},
            "files": len(m.get("files") or []),
        }
        sys.stdout.write(json_for_terminal(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        sys.stdout.write("".join(printable(line) + "\n" for line in summary_lines(result)))
    return code


def _fail(message: str, as_json: bool, code: int = 1) -> int:
    if as_json:
        sys.stdout.write(json.dumps({"exit_code": code, "reason": message}, ensure_ascii=False) + "\n")
    print(f"{TOOL_NAME}: {printable(message)}", file=sys.stderr)
    return code


# ---- unmask


def add_unmask_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "unmask", help="put the real names back into a pseudonymised text, with the private map",
        description="Replace every pseudonym of the map found in FILE by what it stands for. Runs locally: the "
        "map never leaves this computer.", epilog=UNMASK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("map", type=Path, metavar="MAP", help="the map collect --redact full wrote")
    p.add_argument("file", metavar="FILE", help="text to unmask, or - for standard input")
    p.add_argument("--output", "-o", type=Path, metavar="PATH", help="write here instead of standard output")
    p.set_defaults(handler=cmd_unmask)


def cmd_unmask(args: argparse.Namespace) -> int:
    from acronis_triage.app.unmask import UnmaskError, unmask_file

    try:
        count = unmask_file(args.map, args.file, args.output)
    except UnmaskError as exc:
        print(f"{TOOL_NAME}: {printable(str(exc))}", file=sys.stderr)
        return 1
    print(f"{TOOL_NAME}: {count} pseudonym(s) replaced", file=sys.stderr)
    return 0
