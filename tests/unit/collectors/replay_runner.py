"""A `collectors.runner.CommandRunner` for tests: plays back outputs recorded on real machines (``tests/data/``).

It lives with the tests because no product code runs it: an offline root's ``_recorded/`` outputs are read as
files by the ``recorded_diagnostics`` collector.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.runner import DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_S, CommandResult


@dataclass
class Recording:
    """One recorded command: output files captured on a real machine."""

    stdout: bytes = b""
    stderr: bytes = b""
    returncode: int | None = 0
    error: str = ""
    delay_s: float = 0.0


@dataclass
class ReplayRunner:
    """Plays back recorded outputs, keyed by the command line with arguments (or by its first words).

    Unknown commands behave like a missing program, exactly as the real runner reports it.
    """

    recordings: dict[str, Recording] = field(default_factory=dict)
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, command: str, **kwargs) -> ReplayRunner:
        self.recordings[command] = Recording(**kwargs)
        return self

    def add_files(self, command: str, stdout: Path | None = None, stderr: Path | None = None,
                  returncode: int | None = 0) -> ReplayRunner:
        return self.add(
            command,
            stdout=stdout.read_bytes() if stdout else b"",
            stderr=stderr.read_bytes() if stderr else b"",
            returncode=returncode,
        )

    def _find(self, argv: tuple[str, ...]) -> Recording | None:
        for n in range(len(argv), 0, -1):
            key = " ".join(argv[:n])
            if key in self.recordings:
                return self.recordings[key]
        return None

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
        self.calls.append(argv)
        rec = self._find(argv)
        if rec is None:
            return CommandResult(argv, None, error=f"command not found: {argv[0]}")
        if rec.delay_s:
            end = time.monotonic() + min(rec.delay_s, timeout)
            while time.monotonic() < end:
                if cancel is not None and cancel.wait(0.05):
                    return CommandResult(argv, None, cancelled=True)
                time.sleep(0.01)
            if rec.delay_s > timeout:
                return CommandResult(argv, None, duration_s=timeout, timed_out=True)
        return CommandResult(
            argv,
            rec.returncode,
            rec.stdout[:max_output],
            rec.stderr[:max_output],
            rec.delay_s,
            error=rec.error,
            truncated=len(rec.stdout) > max_output,
        )
