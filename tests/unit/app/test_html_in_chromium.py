"""report.html and the escalation form open in a real browser with no console errors (issue 10).

Runs Debian's headless Chromium (installed by .ci/run); skipped where no Chromium is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chromium")
    bundle = folder / "d.zip"
    subprocess.run([sys.executable, "-m", "acronis_triage.app", "collect", "--demo", "--output", str(bundle),
                    "--quiet"], check=True)
    subprocess.run([sys.executable, "-m", "acronis_triage.app", "escalate", str(bundle)], check=False)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder / "unpacked")
    return folder


@pytest.mark.parametrize(("page", "heading"), [
    ("unpacked/report.html", "Acronis triage report"),
    ("unpacked/escalation/escalation_form.html", "Escalation to Acronis Service Provider Support"),
    ("d.zip.escalation.html", "Escalation to Acronis Service Provider Support"),
])
def test_page_renders_without_console_errors(unpacked: Path, tmp_path: Path, page: str, heading: str) -> None:
    url = (unpacked / page).as_uri()
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert heading in run.stdout
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Refused to" in line]
    assert console == []
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1100,1400",
                    f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
