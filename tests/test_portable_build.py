"""The portable build (issue 13): `python packaging/build.py` builds here and the built program works with no
Python on the PATH (the script's own smoke test: --version, collect --demo, analyze, escalate, the window)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None,
                       reason="PyInstaller is not installed (pip install -e '.[build]')"),
    pytest.mark.skipif(sys.platform != "linux", reason="the CI workflow builds the Windows and macOS artifacts"),
]


def test_build_and_smoke_test() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], capture_output=True, text=True,
                            timeout=1200, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "smoke: collect, analyze (bundle and stdin), escalate and the window work" in result.stdout
    assert (ROOT / "dist" / "acronis-triage" / "acronis-triage-cli").is_file()
