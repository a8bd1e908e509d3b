"""The command runner: exit codes, missing programs, timeouts that kill the whole tree, cancel, caps."""

from __future__ import annotations

import sys
import threading
import time

import psutil
from hang_guard import HANG_GUARD_S, returns_within
from replay_runner import ReplayRunner

from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.runner import SubprocessRunner

PY = sys.executable


def _children_gone(before: set[int], timeout: float = HANG_GUARD_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = {p.pid for p in psutil.Process().children(recursive=True)}
        if not (now - before):
            return True
        time.sleep(0.05)
    return False


def test_output_and_exit_code() -> None:
    result = SubprocessRunner()([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"])
    assert result.returncode == 3
    assert result.stdout.strip() == b"out"
    assert result.stderr.strip() == b"err"
    assert not result.ok
    assert result.describe() == "exit code 3"
    assert result.started_utc.endswith("+00:00")


def test_missing_program_is_reported_not_raised() -> None:
    result = SubprocessRunner()(["definitely-not-a-command-xyz", "--help"])
    assert result.returncode is None
    assert result.error == "command not found: definitely-not-a-command-xyz"


def test_timeout_kills_grandchildren_too() -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    # Both outlive the hang guard: the runner returns in time only by killing them, the grandchild (which holds
    # the output pipes) included.
    sleep = f"time.sleep({3 * HANG_GUARD_S:g})"
    code = (
        "import subprocess, sys, time;"
        f"subprocess.Popen([{PY!r}, '-c', 'import time; {sleep}']);"
        f"{sleep}"
    )
    result = returns_within(HANG_GUARD_S, SubprocessRunner(), [PY, "-c", code], timeout=1.0)
    assert result.timed_out
    assert result.returncode is None
    assert "process tree killed" in result.describe()
    assert _children_gone(before)


def test_cancel_stops_a_running_command() -> None:
    token = CancelToken()
    before = {p.pid for p in psutil.Process().children(recursive=True)}

    def cancel_once_it_runs() -> None:
        deadline = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < deadline and not {p.pid for p in psutil.Process().children()} - before:
            time.sleep(0.02)
        token.cancel()

    threading.Thread(target=cancel_once_it_runs, daemon=True).start()
    # It would sleep past the hang guard: the runner returns in time only because the cancel stops it.
    sleeps = [PY, "-c", f"import time; time.sleep({3 * HANG_GUARD_S:g})"]
    result = returns_within(HANG_GUARD_S, SubprocessRunner(), sleeps, timeout=3 * HANG_GUARD_S, cancel=token)
    assert result.cancelled
    assert _children_gone(before)


def test_flooding_output_is_capped() -> None:
    result = SubprocessRunner()([PY, "-c", "import sys; sys.stdout.write('x' * 3_000_000)"], max_output=1000)
    assert len(result.stdout) == 1000
    assert result.truncated
    assert result.returncode == 0


def test_replay_runner_plays_back_and_misses_like_real() -> None:
    runner = ReplayRunner().add("vssadmin list writers", stdout=b"Writer name: 'System Writer'", returncode=0)
    assert runner(["vssadmin", "list", "writers"]).stdout.startswith(b"Writer name")
    assert runner(["fltmc"]).error == "command not found: fltmc"
    assert runner.calls == [("vssadmin", "list", "writers"), ("fltmc",)]
