"""Analysis entry points for the app: log sources (or paths) in, an `AnalysisResult` out.

``analyze_sources`` is what the collection pipeline calls on a bundle's collected members; ``analyze_paths``
is the CLI's ``analyze PATH...`` (files, folders, bundles, zips, .7z, ``-`` for stdin).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import selectors
import signal
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from acronis_triage.analyzers.model import AnalysisResult, Finding, LogSource, Skipped, UnmatchedTemplate
from acronis_triage.analyzers.scan import (
    CancelCheck,
    Cancelled,
    FileScan,
    Scanner,
    Segment,
    SignatureHits,
    finish,
    merge_segments,
    release_read_buffer,
)
from acronis_triage.analyzers.signatures import Signature, SignatureSet, load_signatures
from acronis_triage.analyzers.timewindow import EventWindow, event_window
from acronis_triage.analyzers.unmatched import UnmatchedCollector, preload_drain

Progress = Callable[[float | None, str], None]
_SEVERITY_ORDER = {"critical": 0, "error": 1, "warning": 2, "info": 3}
_scanners: dict[tuple[int, bool | None], tuple[SignatureSet, Scanner]] = {}


def get_scanner(signatures: SignatureSet, use_hyperscan: bool | None = None) -> Scanner:
    """The compiled database for this signature set, compiled once per process."""
    key = (id(signatures), use_hyperscan)
    cached = _scanners.get(key)
    if cached is None or cached[0] is not signatures:
        cached = _scanners[key] = (signatures, Scanner(signatures, use_hyperscan=use_hyperscan))
    return cached[1]


def analyze_sources(
    sources: Iterable[LogSource | Skipped],
    signatures: SignatureSet | None = None,
    *,
    cancel: CancelCheck | None = None,
    progress: Progress | None = None,
    use_hyperscan: bool | None = None,
    platform: str | None = None,
    naive_zone: Any = None,
    window: EventWindow | None = None,
) -> AnalysisResult:
    """Scan every source once against every signature. Unreadable sources become `Skipped`; never raises for
    bad input. A cancelled run returns what was finished, with the rest listed as skipped. With `platform`
    (windows, linux, darwin/macos), signatures of other operating systems are left out: their errors are then
    reported like any other unexplained error. `naive_zone` (a tzinfo) is the zone of times written without one:
    the analyzed machine's local time. `window`: the collection's time window; events dated outside it are
    counted (`time_window` in the JSON), not matched."""
    from acronis_triage.analyzers.formats.timeparse import naive_zone as zone_of_naive_times

    with zone_of_naive_times(naive_zone), event_window(window):
        return _analyze_sources(sources, signatures, cancel=cancel, progress=progress,
                                use_hyperscan=use_hyperscan, platform=platform, window=window)


def _analyze_sources(
    sources: Iterable[LogSource | Skipped],
    signatures: SignatureSet | None,
    *,
    cancel: CancelCheck | None,
    progress: Progress | None,
    use_hyperscan: bool | None,
    platform: str | None,
    window: EventWindow | None = None,
) -> AnalysisResult:
    started = time.monotonic()
    sigset = (signatures if signatures is not None else load_signatures()).for_platform(platform)
    result = AnalysisResult(signature_problems=[str(p) for p in sigset.problems], window=window)
    scanner = get_scanner(sigset, use_hyperscan)
    items = list(sources)
    total = sum(s.size or 0 for s in items if isinstance(s, LogSource)) or None
    readable = [item for item in items if isinstance(item, LogSource)]
    result.skipped.extend(item for item in items if isinstance(item, Skipped))
    combiner = Combiner(sigset, result)

    def take(outcome: FileScan | Skipped) -> None:
        if isinstance(outcome, Skipped):
            result.skipped.append(outcome)
        else:
            combiner.add(outcome)

    workers = _worker_count(readable)
    if workers > 1:
        _scan_parallel(scanner, readable, workers, cancel, progress, total, sink=take)
    else:
        _scan_serial(scanner, readable, cancel, progress, total, sink=take)
    combiner.finish()
    result.stats.seconds = time.monotonic() - started
    if progress is not None:
        progress(1.0, "Analysis finished")
    return result


Sink = Callable[[FileScan | Skipped], None]


PARALLEL_MIN_BYTES = 64 * 2**20
SEGMENT_MIN_BYTES = 8 * 2**20  # the smallest part a file is cut into (each part costs ~1 ms to set up and merge)


def _worker_count(sources: list[LogSource]) -> int:
    """Two processes when there is enough to read (in several files, or in one big file cut into parts), fork is
    available and every source opens a reader of its own in each process (each keeps its own hyperscan scratch;
    the compiled database is inherited, not recompiled)."""
    # os.fork exactly where multiprocessing offers "fork"; not importing multiprocessing saves ~6 ms per run
    if not sources or not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    if threading.active_count() > 1:  # forking a threaded process (the GUI) is unsafe: stay in-process
        return 1
    if not all(s.fork_safe for s in sources):  # a reader shared across fork reads the other process's bytes
        return 1
    if sum(s.size or 0 for s in sources) < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


Task = tuple[int, Segment | None]  # a source's index, and the part of it (None: the whole source)


def _plan(scanner: Scanner, sources: list[LogSource], workers: int) -> list[Task]:
    """The tasks in the order they are handed out: files largest first, and parts that shrink towards the end
    (each at most 1/(2 x workers) of what is left, at least `SEGMENT_MIN_BYTES`), so that the workers finish
    together. Only a file that needs cutting is opened here; one that cannot be cut stays whole."""
    order = sorted(range(len(sources)), key=lambda i: -(sources[i].size or 0))
    left = sum(s.size or 0 for s in sources)
    tasks: list[Task] = []
    for i in order:
        size = sources[i].size or 0
        wanted, at = [], 0
        while size - at > 0:
            piece = max(SEGMENT_MIN_BYTES, (left - at) // (2 * workers))
            if size - at - piece < SEGMENT_MIN_BYTES:
                break
            at += piece
            wanted.append(at)
        left -= size
        segments: list[Segment] = []
        if wanted:
            try:
                segments = scanner.segments(sources[i], wanted)
            except (OSError, ValueError):
                segments = []  # the scan of the whole file reports what is wrong with it
        if len(segments) > 1:
            tasks.extend((i, seg) for seg in segments)
        else:
            tasks.append((i, None))
    return tasks


def _scan_one(scanner: Scanner, source: LogSource, cancel: CancelCheck | None = None,
              on_bytes: Callable[[int], None] | None = None, segment: Segment | None = None) -> FileScan | Skipped:
    try:
        return scanner.scan(source, cancel=cancel, on_bytes=on_bytes, segment=segment)
    except Cancelled:
        return Skipped(source.name, "analysis cancelled")
    except OSError as exc:
        return Skipped(source.name, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the analysis
        return Skipped(source.name, f"could not be analyzed ({type(exc).__name__}: {exc})")


def _scan_serial(scanner: Scanner, sources: list[LogSource], cancel: CancelCheck | None, progress: Progress | None,
                 total: int | None, sink: Sink | None = None) -> list[FileScan | Skipped]:
    """Each source in order; its outcome handed to `sink` as soon as it is known (or returned in a list)."""
    out: list[FileScan | Skipped] = []
    take = sink or out.append
    done = 0

    def on_bytes(count: int) -> None:
        nonlocal done
        done += count

    for n, source in enumerate(sources):
        if cancel is not None and cancel.is_cancelled():
            take(Skipped(source.name, "analysis cancelled"))
            continue
        if progress is not None:
            fraction = done / total if total else n / max(len(sources), 1)
            progress(min(fraction, 1.0), f"Analyzing {source.name}")
        take(_scan_one(scanner, source, cancel, on_bytes))
    return out


def _scan_parallel(scanner: Scanner, sources: list[LogSource], workers: int, cancel: CancelCheck | None,
                   progress: Progress | None, total: int | None,
                   sink: Sink | None = None) -> list[FileScan | Skipped]:
    """Scan in `workers` processes: this one and `workers - 1` forked children. Each takes the next task (a file,
    or a part of a big one: `_plan`) from a shared task pipe when it is free, so a core slowed down by other
    work, or one large file, does not leave the other core idle at the end. The parent scanning too saves one
    process (its fork, its copy-on-write faults and the pickling of its results); before its first task it loads
    what the end of the analysis needs (Drain3, the KB index), while the child is already scanning. Plain fork +
    pipe: ProcessPoolExecutor's queues, feeder and manager threads cost ~0.2 s per run here.

    The children inherit the compiled database (each makes its own hyperscan scratch, and opens its own reader of
    every source it scans) and write each result, pickled, to a spill file of their own as soon as it is done
    (``pwrite``: no shared offset), with a 24-byte record of where in a pipe to the parent. The parent takes the
    results in source order, and the parts of a file in file order (`_InOrder`): what can be used at once is
    merged (`merge_segments`) and handed to `sink`, the rest waits in the spill files, not in memory, so memory
    stays bounded whatever the size of the logs. On cancel the children are killed."""
    import acronis_triage.analyzers.formats  # noqa: F401 - imported once here rather than in every child

    tasks = _plan(scanner, sources, workers)
    if len(tasks) < 2:
        return _scan_serial(scanner, sources, cancel, progress, total, sink)
    out: list[FileScan | Skipped] = []
    results = _InOrder(sources, tasks, sink or out.append)
    per = -(-len(tasks) // _MAX_TASKS)  # the pipe holds 64 KiB: very many files go out in runs of several
    batches = [list(range(k, min(k + per, len(tasks)))) for k in range(0, len(tasks), per)]
    tasks_r, tasks_w = os.pipe()
    try:
        records = b"".join(struct.pack("<I", b) for b in range(len(batches)))
        while records:
            records = records[os.write(tasks_w, records):]
    finally:
        os.close(tasks_w)  # an empty pipe with no writer reads as the end of the work
    os.set_blocking(tasks_r, False)
    children: dict[int, int] = {}  # pid -> read end of its record pipe

    def run(t: int, cancel: CancelCheck | None = None,
            on_bytes: Callable[[int], None] | None = None) -> FileScan | Skipped:
        i, segment = tasks[t]
        return _scan_one(scanner, sources[i], cancel, on_bytes, segment)

    # Objects that exist before the fork are moved out of the collector's reach: otherwise the children's
    # collections write to every inherited page (copy-on-write faults) for nothing. For the same reason the read
    # buffer the planning filled is dropped: each process makes its own instead of copying 8 MiB page by page.
    gc.freeze()
    release_read_buffer()
    try:
        for _ in range(workers - 1):
            spill = tempfile.TemporaryFile(prefix="acronis-triage-results-")  # noqa: SIM115 - results.release()
            results.files.append(spill)  # closed by release(), even if the fork fails
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                code = 0
                try:
                    os.close(read_fd)
                    offset = 0
                    for batch in iter(lambda: _next_task(tasks_r, batches), None):
                        # a batch of many small files is one pickle; a part of a big file is one on its own
                        outcomes = [run(t) for t in batch]
                        data = pickle.dumps(outcomes if len(batch) > 1 else outcomes[0],
                                            protocol=pickle.HIGHEST_PROTOCOL)
                        _pwrite_all(spill.fileno(), data, offset)
                        _write_all(write_fd, _RECORD.pack(batch[0], len(batch), offset, len(data)))
                        offset += len(data)
                except BaseException:  # noqa: BLE001 - the parent reports the lost files
                    code = 1
                finally:
                    os._exit(code)
            os.close(write_fd)
            os.set_blocking(read_fd, False)
            children[pid] = read_fd
            results.spills[read_fd] = spill
        done = 0

        def on_bytes(count: int) -> None:
            nonlocal done
            done += count

        def scan_here() -> None:
            for batch in iter(lambda: _next_task(tasks_r, batches), None):
                for t in batch:
                    if cancel is not None and cancel.is_cancelled():
                        return
                    if progress is not None and total:
                        # the children report only when they finish: the share done here stands for all
                        progress(min(done * workers / total, 0.99), f"Analyzing {sources[tasks[t][0]].name}")
                    results.put(t, run(t, cancel, on_bytes))
                    for fd in children.values():
                        results.poll(fd)

        _preload_for_combine()
        scan_here()
        _collect_children(children, results, cancel, progress, total)
        children.clear()  # their pipes are closed now
        if cancel is None or not cancel.is_cancelled():
            scan_here()  # what a child that died early left in the pipe
        results.close(cancelled=cancel is not None and cancel.is_cancelled())
    finally:
        gc.unfreeze()
        os.close(tasks_r)
        results.release()
    return out


_MAX_TASKS = 4096
# first task and number of tasks of a batch, offset and length of its pickled results in the child's spill file
_RECORD = struct.Struct("<IIQQ")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


class _InOrder:
    """The results of the tasks, used in source order and, for a file cut into parts, in file order: each is
    merged or handed on as soon as everything before it is; until then it waits, pickled, in a spill file (the
    child's, or this process's own), so only the file being put together is in memory."""

    def __init__(self, sources: list[LogSource], tasks: list[Task], sink: Sink) -> None:
        self.sources = sources
        self.tasks = tasks
        self.sink = sink
        self.order = sorted(range(len(tasks)), key=lambda t: (tasks[t][0], t))  # by source, then by part
        self.next = 0  # index into `order` of the next task to use
        self.waiting: dict[int, FileScan | Skipped | tuple[Any, int, int]] = {}
        self.spills: dict[int, Any] = {}  # record pipe read end -> the child's spill file
        self.files: list[Any] = []  # every spill file, to close
        self.own: Any = None  # this process's spill file, made when a result of its own has to wait
        self.own_end = 0
        self.pending: dict[int, bytes] = {}  # record pipe -> the bytes of an incomplete record
        self.done: set[int] = set()
        self.current: FileScan | Skipped | None = None  # the file being put together (its parts so far)

    def put(self, t: int, outcome: FileScan | Skipped) -> None:
        """A result of this process."""
        self.done.add(t)
        if self.order[self.next] == t:
            self._use(outcome)
            self._drain()
            return
        if self.own is None:
            self.own = tempfile.TemporaryFile(prefix="acronis-triage-results-")  # noqa: SIM115 - release()
            self.files.append(self.own)
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        _pwrite_all(self.own.fileno(), data, self.own_end)
        self.waiting[t] = (self.own, self.own_end, len(data))
        self.own_end += len(data)

    def poll(self, fd: int) -> bool:
        """Take the records a child wrote so far (non-blocking); False once its pipe is closed."""
        while True:
            try:
                data = os.read(fd, 64 * _RECORD.size)
            except BlockingIOError:
                return True
            if not data:
                return False
            data = self.pending.pop(fd, b"") + data
            whole = len(data) - len(data) % _RECORD.size
            if whole < len(data):
                self.pending[fd] = data[whole:]
            for k in range(0, whole, _RECORD.size):
                first, count, offset, length = _RECORD.unpack_from(data, k)
                self.done.update(range(first, first + count))
                if count == 1:
                    self.waiting[first] = (self.spills[fd], offset, length)
                    continue
                try:  # many small files: their results are small, taken into memory at once
                    outcomes = pickle.loads(os.pread(self.spills[fd].fileno(), length, offset))
                except (pickle.UnpicklingError, EOFError, ValueError, TypeError, OSError):
                    outcomes = None
                if not isinstance(outcomes, list) or len(outcomes) != count:
                    outcomes = [Skipped(self.sources[self.tasks[t][0]].name,
                                        "could not be analyzed (the worker's result was lost)")
                                for t in range(first, first + count)]
                for t, outcome in zip(range(first, first + count), outcomes, strict=True):
                    self.waiting[t] = outcome
            self._drain()

    def _drain(self) -> None:
        while self.next < len(self.order) and self.order[self.next] in self.waiting:
            t = self.order[self.next]
            found = self.waiting.pop(t)
            if isinstance(found, tuple):
                spill, offset, length = found
                try:
                    outcome = pickle.loads(os.pread(spill.fileno(), length, offset))
                except (pickle.UnpicklingError, EOFError, ValueError, TypeError, OSError):
                    outcome = Skipped(self.sources[self.tasks[t][0]].name,
                                      "could not be analyzed (the worker's result was lost)")
            else:
                outcome = found
            self._use(outcome)

    def _use(self, outcome: FileScan | Skipped) -> None:
        t = self.order[self.next]
        self.next += 1
        i, segment = self.tasks[t]
        current = self.current
        if current is None or isinstance(current, Skipped):
            self.current = current or outcome
        elif isinstance(outcome, Skipped):
            self.current = outcome  # one lost part loses the file, as one failed read does in one scan
        else:
            self.current = merge_segments([current, outcome])  # part by part: one part in memory at a time
        if self.next < len(self.order) and self.tasks[self.order[self.next]][0] == i:
            return
        whole, self.current = self.current, None
        if isinstance(whole, FileScan) and segment is not None:
            whole = finish(whole)
        self.sink(whole)

    def close(self, cancelled: bool) -> None:
        """Use what is left: results that never came are reported as cancelled, or as lost."""
        while self.next < len(self.order):
            t = self.order[self.next]
            if t not in self.waiting:
                reason = "analysis cancelled" if cancelled else "could not be analyzed (the worker process failed)"
                self.waiting[t] = Skipped(self.sources[self.tasks[t][0]].name, reason)
            self._drain()

    def release(self) -> None:
        for spill in self.files:
            spill.close()


def _preload_for_combine() -> None:
    """Import and load what `combine` needs after the scan (Drain3 ~30 ms, the KB index ~35 ms), in the parent
    while the child scans. Failures are left for `combine` to meet and report."""
    preload_drain()
    try:
        from acronis_triage.analyzers.kb.index import load_index
        from acronis_triage.analyzers.kb.related import decode

        load_index()._build()
        decode("E00000000")
    except Exception:  # noqa: BLE001 - attach() reports a broken index itself
        pass


def _next_task(fd: int, batches: list[list[int]]) -> list[int] | None:
    """The next batch of file indices from the task pipe (reads of 4 bytes are atomic), None when it is empty."""
    try:
        record = os.read(fd, 4)
    except BlockingIOError:
        return None
    if len(record) < 4:
        return None
    return batches[struct.unpack("<I", record)[0]]


def _collect_children(children: dict[int, int], results: _InOrder, cancel: CancelCheck | None,
                      progress: Progress | None, total: int | None) -> None:
    """Take every child's records until its pipe closes (child pid -> read end); kill them all on cancel."""
    with selectors.DefaultSelector() as sel:
        for fd in children.values():
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            if cancel is not None and cancel.is_cancelled():
                for pid in children:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                for registered in list(sel.get_map().values()):
                    sel.unregister(registered.fileobj)
                    os.close(registered.fd)
                break
            for key, _ in sel.select(timeout=0.2):
                if not results.poll(key.fd):
                    sel.unregister(key.fd)
                    os.close(key.fd)
                if progress is not None:
                    done_bytes = sum(_task_bytes(results.tasks[t], results.sources) for t in results.done)
                    progress(min(done_bytes / total, 1.0) if total else len(results.done) / len(results.tasks),
                             f"Analyzed {len(results.done)} of {len(results.tasks)} parts")
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _task_bytes(task: Task, sources: list[LogSource]) -> int:
    i, segment = task
    size = sources[i].size or 0
    if segment is None:
        return size
    return (segment.stop if segment.stop is not None else size) - segment.start


def analyze_paths(
    paths: list[str],
    signatures: SignatureSet | None = None,
    *,
    cancel: CancelCheck | None = None,
    progress: Progress | None = None,
    use_hyperscan: bool | None = None,
    stdin: Any = None,
    platform: str | None = None,
) -> AnalysisResult:
    from acronis_triage.analyzers.inputs import resolve_inputs

    return analyze_sources(resolve_inputs(paths, stdin=stdin), signatures, cancel=cancel, progress=progress,
                           use_hyperscan=use_hyperscan, platform=platform)


def _inside(window: EventWindow, templates: list[UnmatchedTemplate], result: AnalysisResult) -> list[UnmatchedTemplate]:
    """Templates with at least one occurrence that may lie in the window. Unmatched events are templated
    without being parsed (most are never claimed); only their first and last times are known, so a template is
    left out when both lie on one side of the window, and its events are counted as outside."""
    kept = []
    for t in templates:
        first, last = t.first_seen, t.last_seen
        if (last is not None and window.since is not None and last.tzinfo is not None and last < window.since) or (
                first is not None and window.until is not None and first.tzinfo is not None and first > window.until):
            result.outside_window += t.count
        else:
            kept.append(t)
    return kept


def combine(scans: Iterable[FileScan], sigset: SignatureSet, result: AnalysisResult, related: bool = True) -> None:
    """Merge per-file scans into findings (min_count/window applied) and unmatched templates."""
    combiner = Combiner(sigset, result)
    for fs in scans:
        combiner.add(fs)
    combiner.finish(related)


class Combiner:
    """`combine`, one file at a time (each scan is merged as it comes and can then be dropped)."""

    def __init__(self, sigset: SignatureSet, result: AnalysisResult) -> None:
        self.sigset = sigset
        self.result = result
        self.merged: dict[str, SignatureHits] = {}
        self.held: dict[str, UnmatchedCollector] = {}
        self.unmatched = UnmatchedCollector()
        self.lost: list[Skipped] = []  # parts of files not read, listed after the skipped sources

    def add(self, fs: FileScan) -> None:
        stats = self.result.stats
        stats.files += 1
        stats.bytes += fs.bytes
        stats.events += fs.events
        self.result.outside_window += fs.outside_window
        self.result.signature_problems.extend(fs.problems)
        self.lost.extend(Skipped(fs.name, reason) for reason in fs.lost)
        for sig_id, hits in fs.hits.items():
            if sig_id in self.merged:
                self.merged[sig_id].merge(hits)
            else:
                self.merged[sig_id] = hits
        self.unmatched.merge(fs.unmatched)
        for sig_id, collector in fs.held.items():
            self.held.setdefault(sig_id, UnmatchedCollector()).merge(collector)

    def finish(self, related: bool = True) -> None:
        result, unmatched = self.result, self.unmatched
        result.skipped.extend(self.lost)
        by_id = self.sigset.by_id()
        findings = []
        for sig_id, hits in self.merged.items():
            sig = by_id.get(sig_id)
            if sig is None or not fires(sig, hits):
                if sig_id in self.held:
                    unmatched.merge(self.held[sig_id])
                continue
            findings.append(to_finding(sig, hits))
        findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), -f.count, f.signature))
        result.findings = findings
        result.unmatched, result.folded = unmatched.group()
        if result.window is not None:
            result.unmatched = _inside(result.window, result.unmatched, result)
        if related:
            from acronis_triage.analyzers.kb.related import attach

            attach(result)


def fires(sig: Signature, hits: SignatureHits) -> bool:
    """min_count, and with a window: at least min_count timed matches inside one span of that length.
    Matches without a time cannot be placed in a window; if none has a time, the plain count decides."""
    need = sig.rule.min_count
    if hits.count < need:
        return False
    window = sig.rule.window_s
    if window is None or need <= 1 or not hits.times:
        return True
    times = sorted(hits.times)
    lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] > window:
            lo += 1
        if hi - lo + 1 >= need:
            return True
    return False


def to_finding(sig: Signature, hits: SignatureHits) -> Finding:
    return Finding(
        signature=sig.id,
        title=sig.title,
        severity=sig.severity,
        kb=list(sig.kb),
        count=hits.count,
        first_seen=hits.first_seen,
        last_seen=hits.last_seen,
        evidence=list(hits.evidence),
        error_chain=list(hits.chain),
        description=sig.description,
        cause=sig.cause,
        workaround=list(sig.workaround),
        information_needed=list(sig.information_needed),
        products=list(sig.products),
        platforms=list(sig.platforms),
        times=_sample(sorted(hits.times)),
    )


TIMELINE_SAMPLE = 400


def _sample(times: list[float]) -> list[float]:
    """At most `TIMELINE_SAMPLE` times, evenly spread over the sorted list (first and last kept)."""
    if len(times) <= TIMELINE_SAMPLE:
        return times
    step = (len(times) - 1) / (TIMELINE_SAMPLE - 1)
    return [times[round(i * step)] for i in range(TIMELINE_SAMPLE)]
