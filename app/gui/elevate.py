"""Starting the tool again with administrator rights, where the platform lets a program ask for them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from acronis_triage.app import TOOL_NAME


def _own_command() -> list[str]:
    # A frozen build is its own executable; otherwise the same interpreter runs the package.
    return [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "acronis_triage.app"]


def can_restart_elevated() -> bool:
    """Windows asks through UAC; Linux desktops through polkit (pkexec). macOS has no way for a window."""
    if sys.platform == "win32":
        return True
    return sys.platform.startswith("linux") and shutil.which("pkexec") is not None


def manual_command() -> str:
    """What the user can do by hand where the window cannot ask."""
    if sys.platform == "win32":
        return "right-click acronis-triage and choose “Run as administrator”"
    return f"sudo -E {TOOL_NAME}"


def restart_elevated() -> str | None:
    """Start a new instance with administrator rights. None when it was started, else the reason it was not."""
    command = _own_command()
    if sys.platform == "win32":
        import ctypes
        import subprocess as _subprocess

        params = _subprocess.list2cmdline(command[1:])
        code = ctypes.windll.shell32.ShellExecuteW(None, "runas", command[0], params, None, 1)  # type: ignore[attr-defined]
        return None if code > 32 else f"Windows did not start it (code {code}; the request may have been declined)"
    pkexec = shutil.which("pkexec")
    if pkexec is None:
        return f"no way to ask for administrator rights here; run: {manual_command()}"
    # pkexec clears the environment: the new window needs the display and its key.
    env = [f"{name}={os.environ[name]}" for name in ("DISPLAY", "XAUTHORITY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR")
           if os.environ.get(name)]
    try:
        subprocess.Popen([pkexec, "env", *env, *command], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        return f"pkexec could not be started: {exc.strerror or exc}"
    return None
