"""Where collectors look: the live system, or an offline copy of one (``--root DIR``).

Collectors name paths as they are on the target system (``C:\\ProgramData\\Acronis``,
``/var/lib/Acronis``); `SystemRoot` maps them to real paths, so one collector serves a live Windows
machine, a copied Windows disk on a Linux desk, and the embedded demo.

`SystemRoot` is also the only way collectors list, stat, open and read what is there (`glob`, `kind`,
`stat`, `open`, `read_bytes`): every one of them goes through one `PathGuard`, so no symbolic link, junction
or ``..`` leads out of an offline root, no named pipe or device is opened, a link loop costs nothing, and
what is refused comes back with the reason (`Refused`, or `Matches.refused` from a glob) for the manifest.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from os import stat_result
from pathlib import Path
from typing import BinaryIO

from acronis_triage.collectors.pathguard import Matches, PathGuard, Refused

__all__ = ["WINDOWS_DEFAULTS", "Matches", "Refused", "SystemRoot", "detect_layout", "host_os", "refusal_reason"]

_DRIVE = re.compile(r"^(?P<drive>[A-Za-z]):[\\/]")
_ENV = re.compile(r"%(?P<name>[A-Za-z_][A-Za-z0-9_()]*)%")

# Windows environment defaults, used for offline roots and as a fallback on a live system.
WINDOWS_DEFAULTS = {
    "PROGRAMDATA": r"C:\ProgramData",
    "ALLUSERSPROFILE": r"C:\ProgramData",
    "PROGRAMFILES": r"C:\Program Files",
    "PROGRAMFILES(X86)": r"C:\Program Files (x86)",
    "COMMONPROGRAMFILES": r"C:\Program Files\Common Files",
    "COMMONPROGRAMFILES(X86)": r"C:\Program Files (x86)\Common Files",
    "SYSTEMROOT": r"C:\Windows",
    "WINDIR": r"C:\Windows",
}


def host_os() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "darwin"
    return "linux"


def detect_layout(root: Path) -> str | None:
    """Which operating system an offline folder looks like, from marker folders; None if unknown."""

    guard = PathGuard(root)

    def present(part: str) -> bool:
        try:
            return guard.kind(root / part) is not None
        except OSError:
            return False  # a marker that is a link out of the folder, or unreadable, says nothing about it

    def has(*parts: str) -> bool:
        return any(present(p) for p in parts)

    if has("ProgramData", "Windows", "Program Files", "Users/Default"):
        return "windows"
    if has("Library/Application Support", "Library/LaunchDaemons", "System/Library", "Applications"):
        return "darwin"
    if has("etc", "var", "usr", "opt"):
        return "linux"
    return None


@dataclass
class SystemRoot:
    """The system being examined.

    Attributes:
        path: "/" (or the system drive) for the live system, the folder for an offline root.
        os: the target's operating system layout: ``windows``, ``linux`` or ``darwin``.
        live: True when ``path`` is the running system.
        env: Windows environment variables used to expand ``%ProgramData%``-style paths.
    """

    path: Path
    os: str
    live: bool
    env: dict[str, str] = field(default_factory=dict)
    guard: PathGuard = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The live system has no boundary; an offline root is one.
        self.guard = PathGuard(None if self.live else self.path,
                               show=lambda real: self.display(Path(real)), name="the root")

    @classmethod
    def live_system(cls) -> SystemRoot:
        target = host_os()
        env = {}
        if target == "windows":
            env = {**WINDOWS_DEFAULTS, **{k.upper(): v for k, v in os.environ.items()}}
            path = Path(os.environ.get("SYSTEMDRIVE", "C:") + "\\")
        else:
            path = Path("/")
        return cls(path=path, os=target, live=True, env=env)

    @classmethod
    def offline(cls, path: Path, os_name: str | None = None) -> SystemRoot:
        path = Path(path)
        if not path.is_dir():
            raise ValueError(f"offline root {path} is not a folder")
        layout = os_name or detect_layout(path)
        if layout is None:
            raise ValueError(
                f"cannot tell which system {path} holds: expected ProgramData/ (Windows), "
                "Library/ (macOS) or etc/, var/ (Linux) inside it"
            )
        return cls(path=path, os=layout, live=False, env=dict(WINDOWS_DEFAULTS) if layout == "windows" else {})

    def expand(self, target_path: str) -> str:
        """Expand ``%VAR%`` (Windows) and ``~`` is left alone: user folders are globbed explicitly."""
        if self.os != "windows":
            return target_path

        def sub(m: re.Match[str]) -> str:
            return self.env.get(m.group("name").upper(), m.group(0))

        return _ENV.sub(sub, target_path)

    def resolve(self, target_path: str) -> Path:
        """The real path of a path named as on the target system."""
        expanded = self.expand(target_path)
        if self.live and self.os == "windows":
            return Path(expanded)
        if self.live:
            # "/" in production; a test may stand a folder in for a live POSIX system.
            return self.path.joinpath(expanded.lstrip("/"))
        if self.os == "windows":
            m = _DRIVE.match(expanded)
            rest = expanded[m.end():] if m else expanded.lstrip("\\/")
            return self.path.joinpath(*[p for p in re.split(r"[\\/]+", rest) if p])
        return self.path.joinpath(expanded.lstrip("/"))

    def glob(self, pattern: str, *, include_hidden: bool = False, prune: Callable[[str], bool] | None = None,
             within: Path | None = None) -> Matches:
        """Files and folders matching a target-system glob (``**`` allowed), sorted, case-insensitive on Windows.

        Guarded: links are followed only inside the root (or ``within``, a folder the search must not leave);
        ``matches.refused`` lists what was met and refused, with the reason, and folders that could not be listed.
        ``prune(real_folder)`` keeps a folder out of the walk.
        """
        real = self.resolve(pattern)
        if within is not None:
            if real.parts[:len(within.parts)] != within.parts:
                raise ValueError(f"{pattern} does not lie in {within}")
            base, segments = within, list(real.parts[len(within.parts):])
        elif self.live:
            base, segments = Path(real.anchor), list(real.parts[1:])
        else:
            base, segments = self.path, list(real.parts[len(self.path.parts):])
        return self.guard.glob(base, segments, ignore_case=self.os == "windows" and not self.live,
                               include_hidden=include_hidden, prune=prune, within=within)

    def kind(self, real: Path) -> str | None:
        """``file``, ``dir``, or None when nothing is there; raises `Refused` for what must not be read."""
        return self.guard.kind(real)

    def stat(self, real: Path) -> stat_result:
        """``stat`` of a file or folder reached without leaving the root; `Refused` otherwise."""
        return self.guard.stat(real)

    def open(self, real: Path) -> BinaryIO:
        """A regular file opened for binary reading without leaving the root; `Refused` otherwise."""
        return self.guard.open(real)

    def read_bytes(self, real: Path, limit: int | None = None) -> bytes:
        """At most ``limit`` bytes from the start of a file (all of it when None), through `open`."""
        return self.guard.read_bytes(real, limit)

    def never_read(self, path: Path, reason: str) -> None:
        """Refuse one file whatever path reaches it (the bundle being written, when it lies inside the root)."""
        self.guard.never_read(path, reason)

    def display(self, real: Path) -> str:
        """How a real path is shown to people: as it is named on the target system."""
        if self.live:
            return str(real)
        try:
            rel = real.relative_to(self.path)
        except ValueError:
            return str(real)
        if self.os == "windows":
            return "C:\\" + "\\".join(rel.parts)
        return "/" + "/".join(rel.parts)


def refusal_reason(exc: OSError) -> str:
    """What to write in the manifest for a file that could not be read: the guard's reason verbatim."""
    if isinstance(exc, Refused):
        return exc.reason
    if getattr(exc, "winerror", None) == 32:
        return "locked by another program"
    return f"cannot read: {exc.strerror or exc}"
