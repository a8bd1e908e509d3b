"""Helpers shared by the Windows collectors: target paths, a scratch folder, ``reg query`` parsing, installed
programs and registry secrets. Running a command and judging its answer is OS-neutral: collectors.commands.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from acronis_triage.collectors.commands import Outcome, classify
from acronis_triage.collectors.context import Context


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
        outcome, reason = classify(result, ctx.target_os)
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
# Registry data can be several words or a multi-line hex dump (encrypted passwords); the shared redactor masks
# whole values of both `reg query` output and `.reg` exports, in linear time (the registry-specific patterns that
# were here backtracked over long lines: 36 KB took a second, and the time grew with the square of the length).

MASK = "*****"


def mask_registry_secrets(text: str) -> str:
    """Mask whole values of secret-named registry entries in ``reg query`` output and ``.reg`` exports.

    Empty values stay visible: "no password set" is worth knowing.
    """
    from acronis_triage.collectors.redact import Redactor

    return Redactor().redact_text(text)
