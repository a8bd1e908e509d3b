"""Running collectors: concurrently in a bounded pool, each under its own timeout, none able to stop the run.

Collectors run on daemon threads, not a ThreadPoolExecutor: a collector stuck in a read that Python cannot
interrupt must not keep the process alive at exit. When its time is over it is marked ``timeout``, its
cancel token fires (killing any command it started) and its writer closes; the run goes on.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from acronis_triage.collectors.base import Cancelled, Collector, CollectorFailed, NotApplicable, Status
from acronis_triage.collectors.bundle import BundleWriter, DiskFull, SkipRecord
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context, Facts
from acronis_triage.collectors.runner import CommandRunner
from acronis_triage.collectors.sysroot import SystemRoot

CANCEL_GRACE_S = 1.5
TICK_S = 0.05  # a timeout or the cancel grace is acted on this long after it falls due, at most
PROGRESS_EVERY_S = 0.05  # per collector: a collector reporting each of 100,000 files sends ~20 events a second


@dataclass
class CollectorOutcome:
    """How one collector ended; one entry of ``collectors`` in the manifest."""

    name: str
    title: str
    status: Status
    reason: str = ""
    started: str = ""
    duration_s: float = 0.0
    skipped: list[SkipRecord] = field(default_factory=list)
    excluded: list[SkipRecord] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "status": str(self.status),
            "reason": self.reason,
            "started": self.started,
            "duration_s": round(self.duration_s, 3),
        }
        if self.skipped:
            data["skipped"] = [s.to_json() for s in self.skipped]
        if self.excluded:
            data["excluded"] = [s.to_json() for s in self.excluded[:50]]
            if len(self.excluded) > 50:
                data["excluded_more"] = len(self.excluded) - 50
        return data


class EventKind(enum.StrEnum):
    """The kinds of `EngineEvent`. A str enum: drivers compare with the plain words too."""

    PLANNED = "planned"
    STARTED = "started"
    PROGRESS = "progress"  # at most every `PROGRESS_EVERY_S` per collector, and its 100 %
    FINISHED = "finished"
    PHASE = "phase"  # the pipeline's steps after collection
    BUNDLE = "bundle"  # ``text``: the unfinished bundle's path, for a driver that must remove it when stopping at once


@dataclass
class EngineEvent:
    """What the engine tells its driver (CLI or GUI): planned, started, progress and finished per collector; the
    pipeline adds phase and bundle (`EventKind`)."""

    kind: EventKind
    collector: str = ""
    title: str = ""
    status: Status | None = None
    fraction: float | None = None
    text: str = ""


EventCallback = Callable[[EngineEvent], None]


@dataclass
class RunSettings:
    root: SystemRoot
    since: datetime
    until: datetime
    runner: CommandRunner
    facts: Facts
    options: dict[str, Any] = field(default_factory=dict)
    max_workers: int = 4


class _Job:
    def __init__(self, collector: Collector, ctx: Context) -> None:
        self.collector = collector
        self.ctx = ctx
        self.thread: threading.Thread | None = None
        self.started_mono = 0.0
        self.started_utc = ""
        self.outcome: CollectorOutcome | None = None
        self.done = threading.Event()
        self.disk_full: DiskFull | None = None

    @property
    def name(self) -> str:
        return self.collector.name


class Engine:
    """Runs a set of collectors into one bundle and reports each one's outcome."""

    def __init__(self, settings: RunSettings, bundle: BundleWriter, cancel: CancelToken,
                 on_event: EventCallback | None = None) -> None:
        self.settings = settings
        self.bundle = bundle
        self.cancel = cancel
        self.on_event = on_event or (lambda event: None)
        self.disk_full: DiskFull | None = None
        self._emit_lock = threading.Lock()
        self._finish_lock = threading.Lock()
        self._wake = threading.Event()  # set when a collector ends or the run is cancelled
        cancel.on_cancel(self._wake.set)

    def _emit(self, event: EngineEvent) -> None:
        with self._emit_lock:
            try:
                self.on_event(event)
            except Exception:  # noqa: BLE001 - a broken listener must not break collection
                pass

    def _make_job(self, collector: Collector) -> _Job:
        token = CancelToken(self.cancel)
        s = self.settings
        name = collector.name

        last = [-PROGRESS_EVERY_S]

        def progress(fraction: float | None, text: str) -> None:
            # Thinned here, where it costs one clock read, instead of an event, a lock and a listener per file.
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and fraction != 1.0:
                return
            last[0] = now
            self._emit(EngineEvent(EventKind.PROGRESS, name, collector.title, fraction=fraction, text=text))

        ctx = Context(
            root=s.root, since=s.since, until=s.until, writer=self.bundle.for_collector(name, token),
            cancel=token, progress=progress, runner=s.runner, facts=s.facts, options=s.options,
        )
        return _Job(collector, ctx)

    def run(self, classes: Iterable[type[Collector]]) -> list[CollectorOutcome]:
        jobs: list[_Job] = []
        outcomes: list[CollectorOutcome] = []
        for cls in classes:
            try:
                collector = cls()
            except Exception as exc:  # noqa: BLE001
                outcomes.append(CollectorOutcome(cls.name, cls.title, Status.ERROR,
                                                 f"could not start: {type(exc).__name__}: {exc}"))
                continue
            jobs.append(self._make_job(collector))
        for job in jobs:
            self._emit(EngineEvent(EventKind.PLANNED, job.name, job.collector.title))
        first = [j for j in jobs if j.collector.priority <= 0]
        rest = sorted((j for j in jobs if j.collector.priority > 0), key=lambda j: j.collector.priority)
        for phase in (first, rest):
            self._run_phase(phase)
        by_name = {o.name: o for o in outcomes}
        for job in jobs:
            assert job.outcome is not None
            by_name[job.name] = job.outcome
        return [by_name[n] for n in [*(o.name for o in outcomes), *(j.name for j in jobs)]]

    def _run_phase(self, jobs: list[_Job]) -> None:
        # The loop sleeps until something happens: a collector ends (its thread sets the wake-up event), the run
        # is cancelled (the token's callback sets it), the next timeout falls due or the cancel grace ends. It
        # used to poll every 50 ms, which was most of a demo collection's time (0.43 of 0.64 s).
        wake = self._wake
        slots = max(1, self.settings.max_workers)
        pending = list(jobs)
        running: list[_Job] = []
        cancel_seen_at: float | None = None
        while pending or running:
            wake.clear()  # before looking, so that a collector ending from here on wakes the wait below
            # Settle the collectors that ended or overran first, so that their slots are free for the pending ones
            # below (and a full disk cancels those before they start).
            now = time.monotonic()
            for job in list(running):
                if job.done.is_set():
                    running.remove(job)
                    if job.disk_full is not None and self.disk_full is None:
                        self.disk_full = job.disk_full
                        self.cancel.cancel(str(job.disk_full))
                elif now - job.started_mono > job.collector.timeout_s:
                    reason = f"timed out after {job.collector.timeout_s:g} s"
                    job.ctx.cancel.cancel(reason)
                    self._finish(job, Status.TIMEOUT, reason)
                    running.remove(job)
            deadline: float | None = None
            if self.cancel.is_cancelled():
                if cancel_seen_at is None:
                    cancel_seen_at = time.monotonic()
                    for job in pending:
                        self._finish(job, Status.CANCELLED, f"not started: {self.cancel.reason}")
                    pending = []
                if time.monotonic() - cancel_seen_at > CANCEL_GRACE_S:
                    for job in running:
                        self._finish(job, Status.CANCELLED, self.cancel.reason)
                    running = []
                    break
                deadline = cancel_seen_at + CANCEL_GRACE_S + TICK_S
            while pending and len(running) < slots:
                job = pending.pop(0)
                self._start(job)
                running.append(job)
            if not running:  # every free slot was filled, so nothing is pending either
                break
            if any(job.done.is_set() for job in running):
                continue
            for job in running:
                due = job.started_mono + job.collector.timeout_s + TICK_S
                deadline = due if deadline is None else min(deadline, due)
            wake.wait(max(0.0, deadline - time.monotonic()) if deadline is not None else None)

    def _start(self, job: _Job) -> None:
        job.started_mono = time.monotonic()
        job.started_utc = datetime.now(UTC).isoformat(timespec="seconds")
        self._emit(EngineEvent(EventKind.STARTED, job.name, job.collector.title))
        job.thread = threading.Thread(target=self._body, args=(job,), name=f"collector-{job.name}", daemon=True)
        job.thread.start()

    def _body(self, job: _Job) -> None:
        ctx = job.ctx
        try:
            verdict = job.collector.check(ctx)
            if not verdict:
                self._finish(job, Status.NOT_APPLICABLE, verdict.reason)
                return
            job.collector.collect(ctx)
        except NotApplicable as exc:
            self._finish(job, Status.NOT_APPLICABLE, exc.reason)
        except Cancelled:
            reason = ctx.cancel.reason or "cancelled"
            self._finish(job, Status.TIMEOUT if reason.startswith("timed out") else Status.CANCELLED, reason)
        except CollectorFailed as exc:
            self._finish(job, Status.ERROR, str(exc))
        except DiskFull as exc:
            job.disk_full = exc
            self._finish(job, Status.ERROR, str(exc))
        except Exception as exc:  # noqa: BLE001 - a crashing collector is recorded, never fatal
            self._finish(job, Status.ERROR, f"{type(exc).__name__}: {exc}")
        else:
            writer = ctx.writer
            if writer.partial_reasons or writer.skipped:
                reasons = writer.partial_reasons + [f"{s.what}: {s.reason}" for s in writer.skipped]
                self._finish(job, Status.PARTIAL, "; ".join(reasons[:3]) + (
                    f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""))
            else:
                self._finish(job, Status.OK, "")
        finally:
            job.done.set()
            self._wake.set()

    def _finish(self, job: _Job, status: Status, reason: str) -> None:
        # First verdict wins: a collector that times out and then returns stays "timeout".
        with self._finish_lock:
            if job.outcome is not None:
                return
            job.ctx.writer.closed = True
            duration = time.monotonic() - job.started_mono if job.started_mono else 0.0
            job.outcome = CollectorOutcome(
                job.name, job.collector.title, status, reason, job.started_utc, duration,
                skipped=list(job.ctx.writer.skipped), excluded=list(job.ctx.writer.excluded),
            )
        self._emit(EngineEvent(EventKind.FINISHED, job.name, job.collector.title, status=status, text=reason))
