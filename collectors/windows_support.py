"""Helpers shared by the Windows collectors: ``reg query`` parsing, target paths, how a command ended.

Windows tools say "access denied" or "not found" in many ways (exit codes, stderr, localized text); every
collector needs the same verdict, so it is decided here once. Reasons are written for the technician.
"""

from __future__ import annotations

import enum
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from collectors.context import Context
from collectors.runner import CommandResult

# Denial texts of the tools we run, in English and the commonest localizations, plus the HRESULT.
_DENIED = re.compile(
    r"access is denied|access denied|don't have the correct permissions|requires elevation|"
    r"run as administrator|administrative privileges|"
    r"zugriff verweigert|acc[eè]s refus[ée]|accesso negato|acceso denegado|"
    r"0x80070005|FAILED 5:",
    re.IGNORECASE,
)
# "It is not there": a registry key or a service that does not exist. Not a failure of the collector.
_ABSENT = re.compile(
    r"unable to find the specified registry key|does not exist as an installed service|FAILED 1060|"
    r"No items found that satisfy the query|No events were found",
    re.IGNORECASE,
)


class Outcome(enum.Enum):
    OK = "ok"
    MISSING = "missing"  # the program is not on this machine
    DENIED = "denied"  # it ran, and refused: not elevated
    ABSENT = "absent"  # it ran, and what we asked for does not exist
    TIMED_OUT = "timed_out"
    FAILED = "failed"


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _matching_line(pattern: re.Pattern[str], text: str) -> str:
    """The tool's own sentence that matched, e.g. "Error: You don't have the correct permissions ..."."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if pattern.search(line):
            # "... FAILED 1060:" and "0x80070005" put the readable sentence on the next line.
            wants_next = line.endswith(":") or re.fullmatch(r".*0x[0-9A-Fa-f]{8}", line)
            if wants_next and index + 1 < len(lines):
                return f"{line} {lines[index + 1]}"[:240]
            return line[:240]
    return first_line(text)


def classify(result: CommandResult) -> tuple[Outcome, str]:
    """What a finished command means, with a one-line reason for the manifest."""
    if result.error:
        if result.error.startswith("command not found"):
            return Outcome.MISSING, f"{result.error} (not available on this Windows version)"
        return Outcome.FAILED, result.error
    if result.timed_out:
        return Outcome.TIMED_OUT, result.describe()
    if result.cancelled:
        return Outcome.FAILED, result.describe()
    out = result.text()
    err = result.stderr.decode("utf-8", errors="replace") if result.stderr else ""
    both = f"{out}\n{err}"
    if result.returncode != 0 or len(out) < 4096:
        # Only a short or failing output can be a refusal; a long listing merely mentioning the words is data.
        if _DENIED.search(both):
            return Outcome.DENIED, f"needs administrator rights: {_matching_line(_DENIED, both)}"
        if _ABSENT.search(both):
            return Outcome.ABSENT, _matching_line(_ABSENT, both)
    if result.returncode != 0:
        detail = first_line(err) or first_line(out)
        return Outcome.FAILED, f"exit code {result.returncode}" + (f": {detail}" if detail else "")
    return Outcome.OK, ""


@dataclass
class Step:
    result: CommandResult
    outcome: Outcome
    reason: str

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def text(self) -> str:
        return self.result.text()


def run_step(ctx: Context, argv: Sequence[str], name: str, *, timeout: float = 30.0,
             absent_is_normal: bool = False, store: bool = True, mask_secrets: bool = False) -> Step:
    """Run one command and file its output under ``name``; refusals and missing tools become skips.

    A command that ran but failed is still stored (its output is evidence) and makes the collector partial.
    ``absent_is_normal``: "no such key/service/item" is a finding, recorded as an exclusion (with the tool's
    words as the reason), not a failure, and no empty output file is stored for it.
    ``mask_secrets``: registry output; whole secret values are masked before the writer sees them.
    """
    result = ctx.run(argv, timeout=timeout)
    if mask_secrets and result.stdout:
        text = result.text()
        masked = mask_registry_secrets(text)
        if masked != text:
            result = replace(result, stdout=masked.encode("utf-8"))
    outcome, reason = classify(result)
    if outcome in (Outcome.MISSING, Outcome.DENIED):
        ctx.writer.skip(result.command, reason)
        return Step(result, outcome, reason)
    if outcome is Outcome.ABSENT and absent_is_normal:
        ctx.writer.exclude(result.command, reason)
        return Step(result, outcome, reason)
    if store:
        ctx.writer.add_command(name, result)  # a timeout marks the collector partial in there
    if outcome in (Outcome.FAILED, Outcome.ABSENT):
        ctx.writer.mark_partial(f"{result.command}: {reason}")
    return Step(result, outcome, reason)


def target_path(ctx: Context, base: str, *parts: str) -> Path:
    """A path on the examined system: ``base`` may be ``%ProgramData%`` or ``C:\\``; parts are joined natively.

    Joining the parts ourselves (not as one backslash string) keeps this right for offline roots and for
    tests that stand a folder in for a live Windows machine.
    """
    return ctx.root.resolve(base).joinpath(*parts)


@contextmanager
def scratch_dir(ctx: Context) -> Iterator[Path]:
    """A private folder for tools that write a file (``wevtutil epl``, ``reg export``); removed afterwards."""
    base = ctx.options.get("temp_dir") or None
    folder = Path(tempfile.mkdtemp(prefix="acronis-triage-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---- reg query

_VALUE = re.compile(r"^ {4}(?P<name>.*?) {4}(?P<type>REG_[A-Z_0-9]+)(?: {4}(?P<data>.*))?$")


@dataclass
class RegValue:
    name: str
    type: str
    data: str


@dataclass
class RegKey:
    path: str
    values: list[RegValue] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        lowered = name.lower()
        for value in self.values:
            if value.name.lower() == lowered:
                return value.data
        return default

    @property
    def leaf(self) -> str:
        return self.path.rsplit("\\", 1)[-1]


def parse_reg_query(text: str) -> list[RegKey]:
    """Keys and values from ``reg query KEY [/s]`` output (four-space separated columns).

    ``(Default)`` keeps its localized name; REG_MULTI_SZ data keeps reg's ``\\0`` separators.
    """
    keys: list[RegKey] = []
    current: RegKey | None = None
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if line.startswith("HKEY_") or line.startswith("HKLM\\") or line.startswith("HKCU\\"):
            current = RegKey(line.strip())
            keys.append(current)
            continue
        if current is None:
            continue
        m = _VALUE.match(line)
        if m:
            current.values.append(RegValue(m.group("name"), m.group("type"), (m.group("data") or "").strip()))
    return keys


# ---- installed programs (Windows Installer / uninstall entries)

UNINSTALL_KEYS: tuple[str, ...] = (
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall",
)
UNINSTALL_FIELDS: tuple[str, ...] = (
    "DisplayName", "DisplayVersion", "Publisher", "InstallDate", "InstallLocation", "UninstallString",
)


@dataclass
class UninstallListing:
    entries: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "<command>: <reason>" for keys that could not be read


def uninstall_entries(ctx: Context, *, timeout: float = 30.0) -> UninstallListing:
    """Every program with a DisplayName in the 64- and 32-bit uninstall keys (``reg query ... /s``)."""
    listing = UninstallListing()
    for key in UNINSTALL_KEYS:
        result = ctx.run(["reg", "query", key, "/s"], timeout=timeout)
        outcome, reason = classify(result)
        if outcome is Outcome.ABSENT:
            continue  # no WOW6432Node on 32-bit Windows
        if outcome is not Outcome.OK:
            listing.problems.append(f"{result.command}: {reason}")
            continue
        for regkey in parse_reg_query(result.text()):
            name = regkey.get("DisplayName")
            if not name:
                continue
            entry = {f: regkey.get(f) for f in UNINSTALL_FIELDS if regkey.get(f)}
            entry["key"] = regkey.path
            listing.entries.append(entry)
    return listing


# ---- secrets in registry output
# The writer's redaction masks one token after a secret-looking name; registry data can be several words or a
# multi-line hex dump (encrypted passwords), so the registry collectors mask whole values first.

_SECRET_NAME = (r"[\w.\- ]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|credential|private[_-]?key|"
                r"cookie)[\w.\- ]*")
_REG_QUERY_SECRET = re.compile(
    rf"^(?P<head> {{4}}{_SECRET_NAME} {{4}}REG_[A-Z_0-9]+ {{4}})(?P<val>\S.*?)(?P<eol>\r?)$",
    re.MULTILINE | re.IGNORECASE,
)
_REG_FILE_SECRET = re.compile(
    rf"^(?P<head>\"{_SECRET_NAME}\"=)(?P<val>\"(?:[^\"\\\r\n]|\\.)+\"|"
    r"(?P<hex>hex(?:\([0-9a-f]+\))?:)(?:[^\r\n]*\\\r?\n)*[^\r\n]*|dword:[0-9a-f]+)",
    re.MULTILINE | re.IGNORECASE,
)
MASK = "*****"


def mask_registry_secrets(text: str) -> str:
    """Mask whole values of secret-named registry entries in ``reg query`` output and ``.reg`` exports.

    Empty values stay visible: "no password set" is worth knowing.
    """

    def reg_file(m: re.Match[str]) -> str:
        if m.group("hex"):
            return f"{m.group('head')}{m.group('hex')}{MASK}"
        if m.group("val").startswith('"'):
            return f'{m.group("head")}"{MASK}"'
        return f"{m.group('head')}dword:{MASK}"

    text = _REG_QUERY_SECRET.sub(lambda m: f"{m.group('head')}{MASK}{m.group('eol')}", text)
    return _REG_FILE_SECRET.sub(reg_file, text)
