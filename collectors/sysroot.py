"""Where collectors look: the live system, or an offline copy of one (``--root DIR``).

Collectors name paths as they are on the target system (``C:\\ProgramData\\Acronis``,
``/var/lib/Acronis``); `SystemRoot` maps them to real paths, so one collector serves a live Windows
machine, a copied Windows disk on a Linux desk, and the embedded demo.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

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

    def has(*parts: str) -> bool:
        return any((root / p).exists() for p in parts)

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
        if self.live:
            return Path(expanded)
        if self.os == "windows":
            m = _DRIVE.match(expanded)
            rest = expanded[m.end():] if m else expanded.lstrip("\\/")
            return self.path.joinpath(*[p for p in re.split(r"[\\/]+", rest) if p])
        return self.path.joinpath(expanded.lstrip("/"))

    def glob(self, pattern: str) -> list[Path]:
        """Files matching a target-system glob (``**`` allowed), sorted, case-insensitive on Windows."""
        real = self.resolve(pattern)
        text = str(real)
        if self.os == "windows" and not self.live:
            text = _case_insensitive(text, len(str(self.path)))
        return sorted(Path(p) for p in glob.glob(text, recursive=True))

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


def _case_insensitive(pattern: str, keep: int) -> str:
    # Windows paths are case-insensitive; offline copies live on case-sensitive file systems.
    head, tail = pattern[:keep], pattern[keep:]
    out = []
    for ch in tail:
        if ch.isalpha():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        elif ch in "[]":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return glob.escape(head) + "".join(out)
