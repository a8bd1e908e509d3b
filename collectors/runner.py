"""Running external commands: a timeout that kills the whole process tree, no console window, capped output.

Collectors get a runner through their context (any `CommandRunner`), so tests replace it with one that plays
back outputs recorded on real machines (``tests/unit/collectors/replay_runner.py``, data in ``tests/data/``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import psutil

from acronis_triage.collectors.cancel import CancelToken

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024


@dataclass
class CommandResult:
    """What one command did. ``returncode`` is None when it never ran or was killed."""

    argv: tuple[str, ...]
    returncode: int | None
    stdout: bytes = b""
    stderr: bytes = b""
    duration_s: float = 0.0
    timed_out: bool = False
    cancelled: bool = False
    error: str = ""
    truncated: bool = False
    started_utc: str = ""  # empty for recorded outputs

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.error

    @property
    def command(self) -> str:
        return subprocess.list2cmdline(self.argv) if sys.platform == "win32" else " ".join(self.argv)

    def text(self, encoding: str | None = None) -> str:
        from acronis_triage.collectors.textdecode import decode_bytes

        return decode_bytes(self.stdout, encoding)

    def describe(self) -> str:
        """One line for the manifest and the log: what happened to the command."""
        if self.error:
            return self.error
        if self.timed_out:
            return f"timed out after {self.duration_s:.0f} s; process tree killed"
        if self.cancelled:
            return "cancelled; process tree killed"
        return f"exit code {self.returncode}"


class CommandRunner(Protocol):
    def __call__(
        self,
        argv: Sequence[str],
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        cancel: CancelToken | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        max_output: int = DEFAULT_MAX_OUTPUT,
    ) -> CommandResult: ...


def kill_process_tree(pid: int) -> None:
    """Kill a process and every descendant, whatever session or group they moved to."""
    try:
        parent = psutil.Process(pid)
        victims = [*parent.children(recursive=True), parent]
    except psutil.Error:
        victims = []
    if sys.platform != "win32":
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    for proc in victims:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=3)


def _read_capped(stream, sink: bytearray, cap: int, flags: dict[str, bool]) -> None:
    # Reading on our own threads keeps this portable (no select() on Windows pipes) and never blocks the
    # child on a full pipe: past the cap the rest is read and dropped.
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        room = cap - len(sink)
        if room > 0:
            sink += chunk[:room]
        if len(chunk) > max(room, 0):
            flags["truncated"] = True
    stream.close()


class SubprocessRunner:
    """The real runner. Thread-safe; one instance serves every collector."""

    def __init__(self, on_result: Callable[[CommandResult], None] | None = None) -> None:
        self._on_result = on_result

    def __call__(
        self,
        argv: Sequence[str],
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        cancel: CancelToken | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        max_output: int = DEFAULT_MAX_OUTPUT,
    ) -> CommandResult:
        argv = tuple(argv)
        result = self._run(argv, timeout, cancel, env, cwd, max_output)
        if self._on_result is not None:
            self._on_result(result)
        return result

    def _run(
        self,
        argv: tuple[str, ...],
        timeout: float,
        cancel: CancelToken | None,
        env: Mapping[str, str] | None,
        cwd: str | None,
        max_output: int,
    ) -> CommandResult:
        if not argv:
            return CommandResult(argv, None, error="empty command")
        exe = shutil.which(argv[0]) if not os.path.isabs(argv[0]) else argv[0]
        if exe is None or not os.path.exists(exe):
            return CommandResult(argv, None, error=f"command not found: {argv[0]}")
        if cancel is not None and cancel.is_cancelled():
            return CommandResult(argv, None, cancelled=True, error="not started: cancelled")
        kwargs: dict = {}
        if sys.platform == "win32":
            kwargs["creationflags"] = subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            kwargs["start_new_session"] = True
        run_env = None
        if env is not None:
            run_env = {**os.environ, **env}
        started_utc = datetime.now(UTC).isoformat(timespec="seconds")
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                [exe, *argv[1:]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=run_env,
                cwd=cwd,
                **kwargs,
            )
        except OSError as exc:
            return CommandResult(argv, None, error=f"could not start {argv[0]}: {exc.strerror or exc}")
        out, err = bytearray(), bytearray()
        flags = {"truncated": False}
        readers = [
            threading.Thread(target=_read_capped, args=(proc.stdout, out, max_output, flags), daemon=True),
            threading.Thread(target=_read_capped, args=(proc.stderr, err, max_output, flags), daemon=True),
        ]
        for reader in readers:
            reader.start()
        timed_out = cancelled = False
        deadline = start + timeout
        while True:
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_cancelled():
                cancelled = True
            elif time.monotonic() >= deadline:
                timed_out = True
            if cancelled or timed_out:
                kill_process_tree(proc.pid)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                break
        for reader in readers:
            # A grandchild that escaped the kill may still hold the pipe: do not wait for it forever.
            reader.join(timeout=2)
        return CommandResult(
            argv,
            None if (timed_out or cancelled) else proc.returncode,
            bytes(out),
            bytes(err),
            time.monotonic() - start,
            timed_out=timed_out,
            cancelled=cancelled,
            truncated=flags["truncated"],
            started_utc=started_utc,
        )
