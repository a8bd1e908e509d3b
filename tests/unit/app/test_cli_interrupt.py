"""Ctrl+C during ``collect``: once cancels into a valid partial bundle, twice stops at once, always.

Each test runs the real command in a child process with a test collector put in its registry, and sends it
real SIGINTs, as a terminal does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from hang_guard import HANG_GUARD_S

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[3]

DRIVER = """
import re, sys, time
import acronis_triage.app.pipeline as pipeline
from acronis_triage.app.cli import main
from acronis_triage.collectors.base import Collector

class Busy(Collector):
    name = "busy"
    title = "Busy"
    timeout_s = 600

    def collect(self, ctx):
        ctx.writer.add_text("before.txt", "taken before the interrupt\\n", source="test")
        print("BUSY", file=sys.stderr, flush=True)
        MODE

real = pipeline.discover

def discover():
    found = real()
    found.collectors[:] = [Busy]
    return found

pipeline.discover = discover
sys.exit(main(["collect", "--output", sys.argv[1], "--quiet"]))
"""

# A regular expression that backtracks for hours inside one native call, holding the GIL all along: no
# Python signal handler can run until it returns.
HOG = 're.match(r"(a+)+$", "a" * 64 + "b")'
# Python code that ignores its cancel token: the handler can run, the collector never stops by itself.
SLEEPER = "while True: time.sleep(0.01)"


def _start(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], Path]:
    script = tmp_path / "driver.py"
    script.write_text(textwrap.dedent(DRIVER).replace("MODE", mode))
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, str(script), str(out / "b.zip")], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "BUSY" in line or not line:
            break
    time.sleep(0.3)
    return proc, out


def _finish(proc: subprocess.Popen[str], timeout: float = HANG_GUARD_S) -> str:
    # Busy never ends by itself (HOG backtracks for hours, SLEEPER loops): the child exiting is the evidence,
    # the timeout only a hang guard.
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"still running {timeout:g} s after the Ctrl+C")
    return err


@pytest.mark.parametrize("mode", [HOG, SLEEPER], ids=["native-call-holding-the-GIL", "python-code"])
def test_second_ctrl_c_stops_at_once_and_removes_the_unfinished_bundle(tmp_path: Path, mode: str) -> None:
    proc, out = _start(tmp_path, mode)
    assert list(out.glob(".b.zip.*.part")), "the run should be writing its unfinished bundle"
    proc.send_signal(signal.SIGINT)
    time.sleep(0.4)
    proc.send_signal(signal.SIGINT)
    err = _finish(proc)
    assert "interrupted twice; stopped at once; the unfinished bundle was removed, nothing was written" in err
    assert list(out.iterdir()) == []
    if mode == SLEEPER:
        assert proc.returncode == 1  # the run's own handler stopped it
    else:
        assert proc.returncode in (1, -signal.SIGKILL)  # the watchdog had to kill it


def test_first_ctrl_c_cancels_into_a_valid_partial_bundle(tmp_path: Path) -> None:
    proc, out = _start(tmp_path, SLEEPER)
    proc.send_signal(signal.SIGINT)
    err = _finish(proc)
    assert proc.returncode == 2, err
    assert "cancelling; finishing a partial bundle (Ctrl+C again to stop at once)" in err
    bundle = out / "b.zip"
    with zipfile.ZipFile(bundle) as zf:
        assert zf.read("collected/busy/before.txt") == b"taken before the interrupt\n"
    assert sorted(p.name for p in out.iterdir()) == ["b.zip", "b.zip.sha256"]
