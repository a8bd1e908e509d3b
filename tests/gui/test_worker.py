"""The collection worker: a real pipeline run in a child process, its events, errors, cancellation and hard stop;
and the in-process seam (`run=`) the window tests use."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from sample_collectors import (
    AbsentCollector,
    CrashingCollector,
    ExitingCollector,
    NotesCollector,
    PidCollector,
    SlowCollector,
)

from acronis_triage.app.gui.collect_process import CHILD_NICENESS
from acronis_triage.app.gui.worker import CollectWorker, running_workers, stop_all
from acronis_triage.app.pipeline import EXIT_INCOMPLETE, CollectOptions, CollectResult
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import EngineEvent

TIMEOUT_MS = 30000


class Recorder:
    def __init__(self, worker: CollectWorker) -> None:
        self.events: list[EngineEvent] = []
        self.results: list[CollectResult] = []
        self.errors: list[tuple[str, str]] = []
        worker.signals.progressed.connect(self.events.append)
        worker.signals.result.connect(self.results.append)
        worker.signals.errored.connect(lambda summary, details: self.errors.append((summary, details)))

    def kinds(self, collector: str) -> list[str]:
        return [e.kind for e in self.events if e.collector == collector and e.kind != "progress"]

    def progressed(self, collector: str) -> bool:
        return any(e.collector == collector and e.kind == "progress" for e in self.events)

    def final_status(self, collector: str) -> Status | None:
        done = [e for e in self.events if e.collector == collector and e.kind == "finished"]
        return done[-1].status if done else None


def run_worker(qtbot: Any, worker: CollectWorker) -> Recorder:
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
    return recorder


def test_events_of_a_real_run_reach_the_gui_thread_in_order(qtbot: Any, bundle_path: Path) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path),
                           collectors=[NotesCollector, CrashingCollector, AbsentCollector])
    recorder = run_worker(qtbot, worker)

    assert recorder.kinds("test_notes") == ["planned", "started", "finished"]
    assert recorder.final_status("test_notes") == Status.OK
    assert recorder.final_status("test_crash") == Status.ERROR
    crash = next(e for e in recorder.events if e.collector == "test_crash" and e.kind == "finished")
    assert crash.text == "RuntimeError: the disk caught fire"
    assert recorder.final_status("test_absent") == Status.NOT_APPLICABLE
    assert any(e.kind == "phase" for e in recorder.events)
    # Exactly one ending: a result, or (while parts of the pipeline are missing) the error that stopped it.
    assert len(recorder.results) + len(recorder.errors) == 1
    assert running_workers() == []


def test_a_full_run_returns_an_incomplete_bundle_naming_the_crash(
        qtbot: Any, bundle_path: Path, full_pipeline: None) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path),
                           collectors=[NotesCollector, CrashingCollector, AbsentCollector])
    recorder = run_worker(qtbot, worker)

    assert recorder.errors == []
    (result,) = recorder.results
    assert result.exit_code == EXIT_INCOMPLETE
    assert result.bundle == bundle_path and bundle_path.is_file()
    assert "test_crash" in result.reason
    with zipfile.ZipFile(bundle_path) as archive:
        assert "collected/test_notes/notes.txt" in archive.namelist()


def test_cancel_ends_in_a_valid_partial_bundle(qtbot: Any, bundle_path: Path, full_pipeline: None) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[SlowCollector])
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
        qtbot.waitUntil(lambda: recorder.progressed("test_slow"), timeout=TIMEOUT_MS)
        worker.cancel("cancelled by the user")

    (result,) = recorder.results
    assert result.exit_code == EXIT_INCOMPLETE
    assert "cancelled by the user" in result.reason
    assert [o.status for o in result.outcomes] == [Status.CANCELLED]
    with zipfile.ZipFile(result.bundle) as archive:
        assert archive.testzip() is None
        assert "collected/test_slow/before_cancel.txt" in archive.namelist()


def test_cancel_reaches_the_engine_and_stops_the_collector(qtbot: Any, bundle_path: Path) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[SlowCollector])
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
        qtbot.waitUntil(lambda: recorder.progressed("test_slow"), timeout=TIMEOUT_MS)
        worker.cancel("cancelled by the user")
    assert worker.cancelled
    finished = [e for e in recorder.events if e.collector == "test_slow" and e.kind == "finished"]
    assert [(e.status, e.text) for e in finished] == [(Status.CANCELLED, "cancelled by the user")]


def test_an_exception_in_the_run_is_emitted_not_lost(qtbot: Any) -> None:
    def explode(options: CollectOptions, **kwargs: Any) -> CollectResult:
        raise ValueError("bad\nstate")

    worker = CollectWorker(CollectOptions(), run=explode)
    recorder = run_worker(qtbot, worker)
    assert recorder.results == []
    ((summary, details),) = recorder.errors
    assert summary == "ValueError: bad state"
    assert "Traceback" in details and "explode" in details
    assert running_workers() == []


def test_progress_floods_are_thinned_but_endings_always_arrive(qtbot: Any) -> None:
    def chatty(options: CollectOptions, *, on_event: Any, **kwargs: Any) -> CollectResult:
        on_event(EngineEvent("planned", "chatty", "Chatty"))
        on_event(EngineEvent("started", "chatty", "Chatty"))
        for i in range(5000):
            on_event(EngineEvent("progress", "chatty", fraction=i / 5000, text=str(i)))
        on_event(EngineEvent("finished", "chatty", status=Status.OK))
        return CollectResult(0)

    worker = CollectWorker(CollectOptions(), run=chatty, progress_interval_s=10.0)
    recorder = run_worker(qtbot, worker)
    progress = [e for e in recorder.events if e.kind == "progress"]
    assert len(progress) == 1
    assert recorder.kinds("chatty") == ["planned", "started", "finished"]
    assert len(recorder.results) == 1


def test_the_worker_passes_its_options_and_collectors_through(qtbot: Any) -> None:
    seen: dict[str, Any] = {}

    def spy(options: CollectOptions, **kwargs: Any) -> CollectResult:
        seen.update(kwargs, options=options)
        return CollectResult(1, reason="nothing to do")

    options = CollectOptions(demo=True, since_days=3)
    worker = CollectWorker(options, collectors=[NotesCollector], run=spy)
    run_worker(qtbot, worker)
    assert seen["options"] is options
    assert seen["collectors"] == [NotesCollector]
    assert seen["cancel"] is worker.cancel_token


def test_the_run_happens_in_a_child_process(qtbot: Any, bundle_path: Path, full_pipeline: None) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[PidCollector])
    recorder = run_worker(qtbot, worker)
    (result,) = recorder.results
    with zipfile.ZipFile(result.bundle) as archive:
        pid = int(archive.read("collected/test_pid/pid.txt"))
        nice = int(archive.read("collected/test_pid/nice.txt")) if hasattr(os, "nice") else None
    assert pid != os.getpid()
    if nice is not None:  # background work: below the window's priority
        assert nice == min(os.nice(0) + CHILD_NICENESS, 19)
    assert running_workers() == []


def test_a_cancel_right_after_start_still_ends_in_a_cancelled_bundle(
        qtbot: Any, bundle_path: Path, full_pipeline: None) -> None:
    # The cancel arrives while the child is still starting: it must neither be lost nor end the child by signal.
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[SlowCollector])
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
        worker.cancel("cancelled at once")
    assert recorder.errors == []
    (result,) = recorder.results
    assert result.exit_code == EXIT_INCOMPLETE
    assert "cancelled at once" in result.reason
    assert result.bundle == bundle_path and bundle_path.is_file()


def test_stop_now_ends_the_child_and_leaves_no_bundle(qtbot: Any, bundle_path: Path) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[SlowCollector])
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
        qtbot.waitUntil(lambda: recorder.progressed("test_slow"), timeout=TIMEOUT_MS)
        worker.stop_now()
    assert recorder.results == []
    ((summary, _details),) = recorder.errors
    assert "stopped at once" in summary
    assert list(bundle_path.parent.iterdir()) == []  # neither the bundle nor its unfinished part
    assert running_workers() == []


def test_a_child_that_dies_is_reported_and_its_part_removed(qtbot: Any, bundle_path: Path) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[ExitingCollector])
    recorder = run_worker(qtbot, worker)
    assert recorder.results == []
    ((summary, _details),) = recorder.errors
    assert "ended unexpectedly (exit code 3)" in summary
    assert list(bundle_path.parent.iterdir()) == []


def test_the_child_side_does_not_load_qt() -> None:
    # The child imports this module first; Qt would cost its start and has no business there.
    code = "import sys, app.gui.collect_process; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_stop_all_ends_every_run_when_the_application_quits(qtbot: Any, tmp_path: Path) -> None:
    workers = [CollectWorker(CollectOptions(demo=True, output=tmp_path / f"b{i}.zip"), collectors=[SlowCollector])
               for i in range(2)]
    recorders = [Recorder(worker) for worker in workers]
    for worker in workers:
        worker.start()
    qtbot.waitUntil(lambda: all(r.progressed("test_slow") for r in recorders), timeout=TIMEOUT_MS)
    stop_all()
    assert running_workers() == []
    qtbot.waitUntil(lambda: all(r.errors for r in recorders), timeout=TIMEOUT_MS)
    assert list(tmp_path.iterdir()) == []


def test_stop_now_right_after_start_ends_the_run_too(qtbot: Any, bundle_path: Path) -> None:
    worker = CollectWorker(CollectOptions(demo=True, output=bundle_path), collectors=[SlowCollector])
    recorder = Recorder(worker)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS):
        worker.start()
        worker.stop_now()
    assert recorder.results == []
    ((summary, _details),) = recorder.errors
    assert "stopped at once" in summary
    assert list(bundle_path.parent.iterdir()) == []
