"""A read that never returns (a dead network share, a FIFO nobody writes) stalls only its own collector.

The collector is abandoned at its timeout; every other collector goes on writing and the run finalizes a valid
bundle whose manifest says which collector timed out. The stalled read blocks until the test ends, so the run
finishing at all is the evidence; each run happens on a helper thread joined with a generous deadline, so a
regression shows as a failed assertion instead of a hung test session.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hang_guard import HANG_GUARD_S
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.bundle import BundleWriter, verify_bundle
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context, Facts
from acronis_triage.collectors.engine import Engine, RunSettings
from acronis_triage.collectors.sysroot import SystemRoot

STALL_TIMEOUT_S = 1.0
DEADLINE_S = HANG_GUARD_S


class _BlockingReader(io.RawIOBase):
    """A file whose first read blocks until ``release`` is set (what a hung SMB or NFS read looks like)."""

    def __init__(self, release: threading.Event, started: threading.Event, real: Any = None) -> None:
        super().__init__()
        self._release = release
        self._started = started
        self._served = False
        self._real = real  # a real file behind it, for the fstat the writer makes on what it opened

    def fileno(self) -> int:
        if self._real is None:
            raise io.UnsupportedOperation("fileno")
        return self._real.fileno()

    def close(self) -> None:
        if self._real is not None:
            self._real.close()
        super().close()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return 0

    def readinto(self, buffer: Any) -> int:
        if self._served:
            self._started.set()
            self._release.wait()
            return 0
        # The head (sniffed before the copy) comes back at once; the copy itself then hangs.
        self._served = True
        data = (b"2024-05-01T10:00:00 I00000000: start\n" * 200)[: len(buffer)]
        buffer[: len(data)] = data
        return len(data)


def _collectors(stalled_path: Path, wrote: list[str], stall_started: threading.Event) -> list[type[Collector]]:
    class Stalls(Collector):
        name = "stalls"
        title = "Stalls in a read"
        timeout_s = STALL_TIMEOUT_S
        priority = 10

        def collect(self, ctx: Context) -> None:
            ctx.writer.add_file(stalled_path, "stuck.log")

    class Busy(Collector):
        name = "busy"
        title = "Writes many small files"
        timeout_s = 30.0
        priority = 10

        def collect(self, ctx: Context) -> None:
            # Starts writing only once the other collector is stuck inside its read.
            stall_started.wait(10)
            for i in range(20):
                rec = ctx.writer.add_text(f"part{i}.txt", f"line {i}\n", source="test")
                wrote.append(rec.path)

    return [Stalls, Busy]


def _run_with_deadline(tmp_path: Path, classes: list[type[Collector]]) -> dict[str, Any]:
    writer = BundleWriter(tmp_path / "bundle.zip")
    writer.open()
    since, until = Context.default_window(7)
    settings = RunSettings(SystemRoot.live_system(), since, until, ReplayRunner(), Facts(is_admin=False))
    box: dict[str, Any] = {}

    def run() -> None:
        engine = Engine(settings, writer, CancelToken())
        outcomes = engine.run(classes)
        box["outcomes"] = {o.name: o for o in outcomes}
        writer.reopen_for_append()
        box["bundle"] = writer.finalize({"schema_version": 1, "collectors": [o.to_json() for o in outcomes]})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE_S)
    if thread.is_alive():
        pytest.fail(f"the run did not finish within {DEADLINE_S:g} s: one stalled read stalled everything")
    return box


def _check(box: dict[str, Any], wrote: list[str]) -> None:
    outcomes = box["outcomes"]
    assert outcomes["stalls"].status == Status.TIMEOUT
    assert outcomes["busy"].status == Status.OK
    assert len(wrote) == 20
    manifest = verify_bundle(box["bundle"])
    by_name = {c["name"]: c for c in manifest["collectors"]}
    assert by_name["stalls"]["status"] == "timeout"
    assert by_name["stalls"]["reason"] == f"timed out after {STALL_TIMEOUT_S:g} s"
    paths = {f["path"] for f in manifest["files"]}
    assert set(wrote) <= paths
    assert not any(p.startswith("collected/stalls/") for p in paths)


def test_a_read_that_blocks_forever_stalls_only_its_collector(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "share" / "mms.0.log"
    source.parent.mkdir()
    source.write_text("placeholder\n")
    release, stall_started = threading.Event(), threading.Event()
    real_open = SystemRoot.open

    # Sources are opened through the system root's guarded open; the one for the share hangs in its read.
    def fake_open(self: SystemRoot, path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(source):
            return io.BufferedReader(_BlockingReader(release, stall_started, real_open(self, path, *args, **kwargs)))
        return real_open(self, path, *args, **kwargs)

    monkeypatch.setattr(SystemRoot, "open", fake_open)
    wrote: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    try:
        box = _run_with_deadline(out, _collectors(source, wrote, stall_started))
    finally:
        release.set()
    _check(box, wrote)


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs")
def test_a_fifo_is_skipped_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "mms.0.log"
    os.mkfifo(fifo)
    # Nobody ever writes: opening it for reading alone would block, reading it would never end.
    stall_started = threading.Event()
    stall_started.set()
    wrote: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    box = _run_with_deadline(out, _collectors(fifo, wrote, stall_started))
    outcomes = box["outcomes"]
    assert outcomes["stalls"].status == Status.PARTIAL
    # refused by the guarded open from its lstat (the writer's own check would say so too): never opened
    assert outcomes["stalls"].skipped[0].reason in ("a named pipe (FIFO), not a regular file: never opened",
                                                    "not a regular file (a FIFO); not opened")
    assert outcomes["busy"].status == Status.OK and len(wrote) == 20
    verify_bundle(box["bundle"])
