"""The engine: concurrency, per-collector timeouts, crash isolation, cancel, partial bundles."""

from __future__ import annotations

import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hang_guard import HANG_GUARD_S, returns_within

from acronis_triage.collectors.base import APPLICABLE, Collector, NotApplicable, Status, not_applicable
from acronis_triage.collectors.bundle import BundleWriter, verify_bundle
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context, Facts
from acronis_triage.collectors.engine import Engine, EngineEvent, EventKind, RunSettings
from acronis_triage.collectors.facts import Fact
from acronis_triage.collectors.runner import SubprocessRunner
from acronis_triage.collectors.sysroot import SystemRoot

SEEN: Fact[bool] = Fact("seen", bool, "a fact of the first phase", "detect", "uses")


class Writes(Collector):
    name = "writes"
    title = "Writes"

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("hello.txt", "hello\n", source="test")


class Crashes(Collector):
    name = "crashes"
    title = "Crashes"

    def collect(self, ctx: Context) -> None:
        raise RuntimeError("disk exploded")


class Hangs(Collector):
    name = "hangs"
    title = "Hangs"
    timeout_s = 0.5
    # Set by `_hangs_released` after each test: until then a hanging collector cannot end by itself.
    release = threading.Event()
    returned = threading.Event()

    def collect(self, ctx: Context) -> None:
        # A collector that ignores its cancel token entirely: only the engine's timeout saves the run.
        self.release.wait()
        self.returned.set()


@pytest.fixture(autouse=True)
def _hangs_released() -> Iterator[None]:
    Hangs.release, Hangs.returned = threading.Event(), threading.Event()
    yield
    Hangs.release.set()


class SleepsCommand(Collector):
    name = "sleeps_command"
    title = "Sleeps in a command"
    timeout_s = 0.8

    def collect(self, ctx: Context) -> None:
        result = ctx.run([sys.executable, "-c", "import time; time.sleep(60)"], timeout=120)
        ctx.writer.add_command("sleep.txt", result)


class Nothing(Collector):
    name = "nothing"
    title = "Nothing here"

    def is_applicable(self, ctx: Context):
        return not_applicable("no Acronis product here")


class LateNotApplicable(Collector):
    name = "late_na"
    title = "Late not applicable"

    def collect(self, ctx: Context) -> None:
        raise NotApplicable("the folder vanished")


class WindowsOnly(Collector):
    name = "windows_only"
    title = "Windows only"
    platforms = ("windows",)

    def collect(self, ctx: Context) -> None:
        raise AssertionError("must not run")


class LiveOnly(Collector):
    name = "live_only"
    title = "Live only"
    needs_live = True

    def collect(self, ctx: Context) -> None:
        raise AssertionError("must not run")


class AdminOnly(Collector):
    name = "admin_only"
    title = "Admin only"
    needs_admin = True

    def collect(self, ctx: Context) -> None:
        raise AssertionError("must not run")


class Skips(Collector):
    name = "skips"
    title = "Skips a file"

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_file(Path("/nonexistent/acronis/mms.0.log"))
        ctx.writer.add_text("ok.txt", "fine", source="test")


class Slow(Collector):
    name = "slow"
    title = "Slow but cooperative"
    timeout_s = 2 * HANG_GUARD_S  # beyond the hang guard: only a cancel ends it in time

    def collect(self, ctx: Context) -> None:
        # Never done by itself: only a cancel ends it.
        i = 0
        while not ctx.cancel.wait(0.05):
            i += 1
            ctx.progress(None, f"step {i}")
        ctx.cancel.raise_if_cancelled()


def _run(tmp_path: Path, classes, *, cancel: CancelToken | None = None, root: SystemRoot | None = None,
         facts: Facts | None = None, workers: int = 4, listen: Callable[[EngineEvent], None] | None = None):
    writer = BundleWriter(tmp_path / "bundle.zip")
    writer.open()
    since, until = Context.default_window(7)
    settings = RunSettings(root or SystemRoot.live_system(), since, until, SubprocessRunner(),
                           facts or Facts(is_admin=False), max_workers=workers)
    events: list[EngineEvent] = []

    def on_event(event: EngineEvent) -> None:
        events.append(event)
        if listen is not None:
            listen(event)

    engine = Engine(settings, writer, cancel or CancelToken(), on_event)
    outcomes = engine.run(classes)
    writer.reopen_for_append()
    bundle = writer.finalize({"schema_version": 1})
    return {o.name: o for o in outcomes}, events, bundle


def test_crash_and_hang_do_not_stop_the_run(tmp_path: Path) -> None:
    outcomes, events, bundle = returns_within(HANG_GUARD_S, _run, tmp_path, [Crashes, Hangs, Writes])
    assert not Hangs.returned.is_set(), "the run waited for the hung collector instead of abandoning it"
    assert outcomes["crashes"].status == Status.ERROR
    assert "RuntimeError: disk exploded" in outcomes["crashes"].reason
    assert outcomes["hangs"].status == Status.TIMEOUT
    assert outcomes["hangs"].reason == "timed out after 0.5 s"
    assert outcomes["writes"].status == Status.OK
    manifest = verify_bundle(bundle)
    assert [f["path"] for f in manifest["files"]] == ["collected/writes/hello.txt"]
    finished = [e for e in events if e.kind == "finished"]
    assert {e.collector for e in finished} == {"crashes", "hangs", "writes"}


def test_timeout_kills_the_command_process_tree(tmp_path: Path) -> None:
    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    outcomes, _, _ = _run(tmp_path, [SleepsCommand])
    assert outcomes["sleeps_command"].status == Status.TIMEOUT
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        left = {p.pid for p in psutil.Process().children(recursive=True)} - before
        if not left:
            break
        time.sleep(0.05)
    assert not left, "the timed-out command is still running"


def test_not_applicable_is_not_failure(tmp_path: Path) -> None:
    outcomes, _, _ = _run(tmp_path, [Nothing, LateNotApplicable, WindowsOnly, AdminOnly],
                          root=SystemRoot.live_system() if sys.platform != "win32" else None)
    assert outcomes["nothing"].status == Status.NOT_APPLICABLE
    assert outcomes["nothing"].reason == "no Acronis product here"
    assert outcomes["late_na"].reason == "the folder vanished"
    if sys.platform != "win32":
        assert outcomes["windows_only"].status == Status.NOT_APPLICABLE
        assert "only for windows" in outcomes["windows_only"].reason
    assert outcomes["admin_only"].reason == "needs administrator rights"
    assert not any(o.status.is_failure for o in outcomes.values())


def test_offline_root_skips_live_collectors(tmp_path: Path) -> None:
    root_dir = tmp_path / "root"
    (root_dir / "ProgramData").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    outcomes, _, _ = _run(out, [LiveOnly, Writes], root=SystemRoot.offline(root_dir))
    assert outcomes["live_only"].status == Status.NOT_APPLICABLE
    assert outcomes["live_only"].reason == "needs the live system; an offline root was given"
    assert outcomes["writes"].status == Status.OK


def test_missing_file_makes_collector_partial_with_reason(tmp_path: Path) -> None:
    outcomes, _, bundle = _run(tmp_path, [Skips])
    outcome = outcomes["skips"]
    assert outcome.status == Status.PARTIAL
    assert outcome.skipped[0].what == "/nonexistent/acronis/mms.0.log"
    assert "cannot read" in outcome.skipped[0].reason
    assert outcome.to_json()["skipped"][0]["reason"].startswith("cannot read")
    verify_bundle(bundle)


def test_cancel_stops_the_run_and_leaves_a_valid_partial_bundle(tmp_path: Path) -> None:
    cancel = CancelToken()

    def cancel_once_all_started(event: EngineEvent) -> None:
        # Two workers: h2 starts once writes has finished, while slow still runs.
        if event.kind == EventKind.STARTED and event.collector == "h2":
            cancel.cancel("cancelled by the user")

    h2 = type("H2", (Hangs,), {"name": "h2", "timeout_s": 2 * HANG_GUARD_S})
    outcomes, _, bundle = returns_within(HANG_GUARD_S, _run, tmp_path, [Writes, Slow, h2], cancel=cancel,
                                         workers=2, listen=cancel_once_all_started)
    # slow only ends on a cancel and h2 not even then: the run returning is the cancel working.
    assert not Hangs.returned.is_set(), "the run waited for the collector that ignores its cancel"
    assert outcomes["writes"].status == Status.OK
    assert outcomes["slow"].status == Status.CANCELLED
    assert outcomes["h2"].status == Status.CANCELLED
    manifest = verify_bundle(bundle)
    assert "collected/writes/hello.txt" in [f["path"] for f in manifest["files"]]


def test_not_started_collectors_are_cancelled_with_reason(tmp_path: Path) -> None:
    cancel = CancelToken()
    cancel.cancel("cancelled by the user")
    outcomes, _, _ = _run(tmp_path, [Writes, Slow], cancel=cancel)
    assert all(o.status == Status.CANCELLED for o in outcomes.values())
    assert outcomes["writes"].reason == "not started: cancelled by the user"


def test_first_phase_runs_before_the_rest(tmp_path: Path) -> None:
    order: list[str] = []

    class Detect(Collector):
        name = "detect"
        title = "Detect"
        priority = 0

        def collect(self, ctx: Context) -> None:
            time.sleep(0.2)
            ctx.facts.set(SEEN, True)
            order.append("detect")

    class Uses(Collector):
        name = "uses"
        title = "Uses"

        def collect(self, ctx: Context) -> None:
            order.append("uses" if ctx.facts.get(SEEN) else "uses-too-early")

    _run(tmp_path, [Uses, Detect])
    assert order == ["detect", "uses"]


def test_bounded_pool(tmp_path: Path) -> None:
    running = 0
    peak = 0
    lock = threading.Lock()
    three_at_once = threading.Event()

    def make(i: int) -> type[Collector]:
        class C(Collector):
            name = f"c{i}"
            title = f"C{i}"

            def collect(self, ctx: Context) -> None:
                nonlocal running, peak
                with lock:
                    running += 1
                    peak = max(peak, running)
                    if running == 3:
                        three_at_once.set()
                # The first ones wait for a third (a pool of fewer fails here), then all linger a little, long
                # enough that a pool of more would show.
                three_at_once.wait(HANG_GUARD_S)
                time.sleep(0.05)
                with lock:
                    running -= 1

        return C

    outcomes, _, _ = _run(tmp_path, [make(i) for i in range(8)], workers=3)
    assert all(o.status == Status.OK for o in outcomes.values())
    assert peak == 3


def test_applicable_constant_is_truthy() -> None:
    assert APPLICABLE
    assert not not_applicable("x")


@pytest.mark.parametrize("status", list(Status))
def test_status_values_are_manifest_words(status: Status) -> None:
    assert str(status) in {"ok", "partial", "not_applicable", "timeout", "error", "cancelled"}


def test_zip_is_zip64_capable(tmp_path: Path) -> None:
    _, _, bundle = _run(tmp_path, [Writes])
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("collected/writes/hello.txt")
        # force_zip64 puts a ZIP64 extra field in the local header: members may exceed 4 GiB.
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_progress_of_a_collector_is_thinned_but_its_end_arrives(tmp_path: Path) -> None:
    class Chatty(Collector):
        name = "chatty"
        title = "Reports every file"

        def collect(self, ctx: Context) -> None:
            for i in range(20000):
                ctx.progress(i / 20000, f"file {i}")
            ctx.progress(1.0, "20000 files taken")

    start = time.monotonic()
    _, events, _ = _run(tmp_path, [Chatty])
    seconds = time.monotonic() - start
    progress = [e for e in events if e.kind == "progress"]
    assert progress[0].text == "file 0"
    assert progress[-1].fraction == 1.0 and progress[-1].text == "20000 files taken"
    assert len(progress) <= seconds / 0.05 + 2


def test_a_pool_of_one_starts_the_next_collector_when_the_last_running_one_ends(tmp_path: Path) -> None:
    # Each collector ends while the engine sleeps; its slot frees with no other one running, so no deadline is
    # left to wake the engine: it must start the next at once, not wait for a wake-up no collector will give.
    class Short(Collector):
        name = "short"
        title = "Short"

        def collect(self, ctx: Context) -> None:
            time.sleep(0.02)

    classes = [type(f"Short{i}", (Short,), {"name": f"short{i}", "title": f"Short {i}"}) for i in range(5)]
    outcomes, _, _ = returns_within(30.0, _run, tmp_path, classes, workers=1)
    assert len(outcomes) == 5
    assert all(o.status == Status.OK for o in outcomes.values())
