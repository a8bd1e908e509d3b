"""The per-user folders the tool keeps things in, by each system's convention: caches (compiled signature
database, parsed YAML), data (imported signature packs) and settings (partner profiles)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "acronis-triage"


def cache_dir() -> Path | None:
    """Caches, rebuilt when missing; None when ACRONIS_TRIAGE_NO_CACHE is set."""
    if os.environ.get("ACRONIS_TRIAGE_NO_CACHE"):
        return None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / APP


def data_dir() -> Path:
    """Data the user added (kept, not rebuilt)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP


def config_dir() -> Path:
    """Settings the user chose."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP
