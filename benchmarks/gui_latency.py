"""Benchmark: does the window stay responsive while it works, and how soon is it on screen?

Two measures, each for the guided window (``acronis-triage gui --guided``) and the technician's window
(``acronis-triage``):

* **time to first window**: from the moment the process is started to the end of the window's first paint
  (a child process runs the real ``acronis-triage gui`` entry point; it reports the CLOCK_MONOTONIC time of its
  first completed paint, which the parent compares with the time it started the child). Median and worst of
  ``--starts`` starts. Target: under 1 s.
* **worst event-loop delay**: a QTimer probe ticks every 10 ms on the GUI thread while the window runs (1) a
  collection of the demo machine and (2) a collection and analysis of a large offline drive (generated once
  into benchmarks/corpus-gui/: a Windows layout with the demo machine's files and ``--drive-mb`` of Acronis MMS
  logs in 20 MB files, made by benchmarks/scan.py's generator). The delay of a tick is how much later than
  10 ms after the previous one it came; the worst one over the whole run is printed with the phase the
  window was in. Target: under 100 ms.

``--trace-stalls FILE`` arms faulthandler on the GUI thread: whenever the probe has not ticked for 100 ms, the
stacks of all threads are written to FILE, which names the work that held the interpreter.

Usage: python benchmarks/gui_latency.py [--drive-mb 320] [--runs 3] [--starts 5] [--window guided|technician|both]
       [--trace-stalls stalls.txt] [--regenerate]
Runs on the display in DISPLAY (e.g. Xvfb :99), else on Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRIVE = HERE / "corpus-gui"
PROBE_MS = 10
MMS_FILE_MB = 20  # under the 25 MB per-file cap of acronis_logs, so the whole drive is collected and analyzed

FIRST_PAINT = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([sys.argv[0]])


class FirstPaint(QObject):
    done = False

    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
            self.done = True
            # The window's children paint in the same pass: the pass is over when the next queued call runs.
            QTimer.singleShot(0, self.report)
        return False

    def report(self):
        print("FIRST_PAINT", time.monotonic(), time.process_time(), flush=True)
        os._exit(0)


spy = FirstPaint()
app.installEventFilter(spy)
if sys.argv[1:] == ["floor"]:
    # The floor: the interpreter, Qt and an empty main window, none of the tool's code.
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    window.resize(800, 600)
    window.show()
    app.exec()
from acronis_triage.app.cli import main

main(sys.argv[1:])
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def time_to_first_window(argv: list[str], starts: int) -> tuple[list[float], list[float]]:
    """Wall seconds from process start to the first painted window, and the CPU seconds the process used."""
    times, cpu = [], []
    env = _env()
    home = tempfile.mkdtemp(prefix="gui-latency-home-")
    env["HOME"] = home  # no remembered window state or settings from the user
    try:
        for _ in range(starts):
            started = time.monotonic()
            proc = subprocess.run([sys.executable, "-c", FIRST_PAINT, *argv], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=120)
            stamp = next((line.split()[1:] for line in proc.stdout.splitlines() if line.startswith("FIRST_PAINT")),
                         None)
            if stamp is None:
                raise RuntimeError(f"the window never painted: {proc.stderr.strip()[-500:]}")
            times.append(float(stamp[0]) - started)
            cpu.append(float(stamp[1]))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return times, cpu


def make_drive(size_mb: int, regenerate: bool) -> Path:
    done = DRIVE.with_name(DRIVE.name + f".{size_mb}.complete")
    if regenerate:
        done.unlink(missing_ok=True)
    if done.exists() and DRIVE.is_dir():
        return DRIVE
    shutil.rmtree(DRIVE, ignore_errors=True)
    print(f"generating a {size_mb} MB offline drive in {DRIVE} ...", flush=True)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    import scan  # benchmarks/scan.py: realistic MMS logs with the signatures' own samples in them

    from acronis_triage.resources import resource_path

    shutil.copytree(resource_path("demo"), DRIVE, ignore=shutil.ignore_patterns("README.md"))
    scan.generate(DRIVE / "ProgramData" / "Acronis" / "BackupAndRecovery" / "MMS", size_mb * 10**6,
                  files=max(1, size_mb // MMS_FILE_MB))
    done.write_text(str(size_mb))
    return DRIVE


class Probe:
    """Ticks every 10 ms on the GUI thread and keeps the worst lateness, with what the window was doing."""

    def __init__(self, label: Any, stall_file: Any = None) -> None:
        from PySide6.QtCore import Qt, QTimer  # noqa: TID251 - a benchmark of the window

        self.label = label  # a callable: what the window is doing now
        self.stall_file = stall_file
        self.gaps: list[float] = []
        self.worst = (0.0, "")
        self.last = time.monotonic()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.last = time.monotonic()
        self.timer.start()
        self._arm()

    def _arm(self) -> None:
        if self.stall_file is not None:
            faulthandler.dump_traceback_later(0.1, exit=False, file=self.stall_file)

    def stop(self) -> None:
        self.timer.stop()
        if self.stall_file is not None:
            faulthandler.cancel_dump_traceback_later()

    def tick(self) -> None:
        now = time.monotonic()
        gap = (now - self.last) * 1000
        self.last = now
        self.gaps.append(gap)
        if gap > self.worst[0]:
            self.worst = (gap, self.label())
        self._arm()

    def summary(self) -> dict[str, Any]:
        delays = sorted(max(0.0, g - PROBE_MS) for g in self.gaps)
        return {"ticks": len(delays), "worst_ms": self.worst[0] - PROBE_MS, "during": self.worst[1],
                "p99_ms": delays[int(len(delays) * 0.99)] if delays else 0.0,
                "over_100ms": sum(1 for d in delays if d > 100)}


def wait_until(app: Any, condition: Any, timeout_s: float) -> None:
    """Run the real event loop (as app.exec does) until ``condition()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: TID251 - a benchmark of the window

    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    check = QTimer()
    check.setInterval(20)

    def poll() -> None:
        if condition() or time.monotonic() > deadline:
            loop.quit()

    check.timeout.connect(poll)
    check.start()
    if not condition():
        loop.exec()
    check.stop()
    if not condition():
        raise TimeoutError("the run did not end in time")


def run_guided(app: Any, drive: Path | None, stall_file: Any) -> dict[str, Any]:
    from acronis_triage.app.gui.guided.presets import load_preset
    from acronis_triage.app.gui.guided.window import GuidedWindow
    from acronis_triage.app.pipeline import CollectOptions

    desktop = Path(tempfile.mkdtemp(prefix="gui-latency-desktop-"))
    window = GuidedWindow(load_preset("general"), case_id="BENCH-1", demo=drive is None, desktop=desktop)
    window.show()
    wait_until(app, window.consent.collect_button.isEnabled, 60)
    if drive is not None:
        staging = Path(tempfile.mkdtemp(prefix="gui-latency-staging-"))
        # The guided window collects this machine or the demo; here it collects the offline drive instead.
        window.options = lambda: CollectOptions(root=drive, output=staging / "drive.zip",  # type: ignore[method-assign]
                                                since_days=36500, window_explicit=True)
    probe = Probe(lambda: window.collect_page.now.text() or window.collect_page.title.text(), stall_file)
    probe.start()
    started = time.monotonic()
    window.consent.collect_button.click()
    wait_until(app, lambda: window.worker is None and window.result is not None, 900)
    seconds = time.monotonic() - started
    window.collect_page.next_button.click()
    window.save_page.desktop_button.click()
    wait_until(app, lambda: window.saved is not None, 600)
    probe.stop()
    result = window.result
    window.close()
    shutil.rmtree(desktop, ignore_errors=True)
    if drive is not None:
        shutil.rmtree(staging, ignore_errors=True)
    return {**probe.summary(), "seconds": seconds, "exit_code": result.exit_code,
            "collected_mb": sum(f.get("size", 0) for f in (result.manifest or {}).get("files", [])) / 1e6}


def run_technician(app: Any, drive: Path | None, stall_file: Any) -> dict[str, Any]:
    from acronis_triage.app.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    out = Path(tempfile.mkdtemp(prefix="gui-latency-tech-"))
    try:
        # The technician window's source choice as of this benchmark; a window that changed says so.
        radio = window.offline_radio if drive is not None else window.demo_radio
        radio.setChecked(True)
        if drive is not None:
            window.offline_field.setText(str(drive))
            window.days_spin.setValue(window.days_spin.maximum())
        window.output_field.setText(str(out / "tech.zip"))
        start = window.start
    except AttributeError as exc:
        window.close()
        shutil.rmtree(out, ignore_errors=True)
        return {"skipped": f"the technician window's controls changed ({exc}); update run_technician"}
    # The window finds its collectors on a pool thread after it opens; Start waits for them.
    wait_until(app, lambda: getattr(window, "collectors_ready", True), 60)
    probe = Probe(lambda: window.status_line.text() if hasattr(window, "status_line") else "", stall_file)
    probe.start()
    started = time.monotonic()
    start()
    if getattr(window, "worker", None) is None and window.last_result is None:
        probe.stop()
        reason = window.status_line.text() if hasattr(window, "status_line") else "?"
        window.close()
        shutil.rmtree(out, ignore_errors=True)
        return {"skipped": f"the technician window did not start: {reason}"}
    wait_until(app, lambda: getattr(window, "worker", None) is None and window.last_result is not None, 900)
    seconds = time.monotonic() - started
    probe.stop()
    result = window.last_result
    assert result is not None
    window.close()
    shutil.rmtree(out, ignore_errors=True)
    return {**probe.summary(), "seconds": seconds, "exit_code": result.exit_code,
            "collected_mb": sum(f.get("size", 0) for f in (result.manifest or {}).get("files", [])) / 1e6}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drive-mb", type=int, default=320)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--window", choices=("guided", "technician", "both"), default="both")
    ap.add_argument("--trace-stalls", type=Path, metavar="FILE")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--only", choices=("start", "demo", "drive"),
                    help="run only the time to first window, or only this latency scenario")
    ap.add_argument("--switch-interval-ms", type=float, metavar="MS",
                    help="set sys.setswitchinterval for the latency runs (default: the windows' own, "
                         "app.gui.jobs.GUI_SWITCH_INTERVAL_S; Python's default is 5 ms)")
    ap.add_argument("--json", action="store_true", help="also print all figures as JSON")
    args = ap.parse_args()

    for key, value in _env().items():
        os.environ.setdefault(key, value)
    # The windows remember settings and geometry (QSettings): in a folder of this run, not the user's.
    settings_home = tempfile.mkdtemp(prefix="gui-latency-config-")
    os.environ["XDG_CONFIG_HOME"] = settings_home
    sys.path.insert(0, str(ROOT))
    windows = ("guided", "technician") if args.window == "both" else (args.window,)
    argv_of = {"guided": ["gui", "--guided", "--demo"], "technician": ["gui"], "floor": ["floor"]}
    platform = "X display " + os.environ["DISPLAY"] if os.environ.get("DISPLAY") else "offscreen"
    print(f"platform: {platform}; {os.cpu_count()} CPUs; python {sys.version.split()[0]}", flush=True)
    report: dict[str, Any] = {"first_window": {}, "latency": {}}

    for name in (*windows, "floor") if args.starts > 0 and args.only in (None, "start") else ():
        times, cpu = time_to_first_window(argv_of[name], args.starts)
        report["first_window"][name] = {"wall": times, "cpu": cpu}
        what = "empty Qt window (floor)" if name == "floor" else name
        print(f"time to first window, {what:23}: median {statistics.median(times):.2f} s, worst {max(times):.2f} s; "
              f"CPU median {statistics.median(cpu):.2f} s ({args.starts} starts; target < 1 s)", flush=True)

    if args.only == "start":
        return 0
    drive = make_drive(args.drive_mb, args.regenerate)
    size = sum(p.stat().st_size for p in drive.rglob("*") if p.is_file()) / 1e6
    from PySide6.QtWidgets import QApplication  # noqa: TID251 - a benchmark of the window

    app = QApplication.instance() or QApplication([sys.argv[0]])
    if args.switch_interval_ms is not None:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
    else:
        from acronis_triage.app.gui.jobs import share_the_interpreter_quickly

        share_the_interpreter_quickly()  # as the windows' entry points do
    print(f"GIL switch interval: {sys.getswitchinterval() * 1000:g} ms", flush=True)
    stall_file = open(args.trace_stalls, "w") if args.trace_stalls else None  # noqa: SIM115 - faulthandler writes
    try:
        for name in windows:
            runner = run_guided if name == "guided" else run_technician
            for label, source in (("demo collection", None), (f"offline drive {size:.0f} MB", drive)):
                if args.only and (source is None) != (args.only == "demo"):
                    continue
                results = [runner(app, source, stall_file) for _ in range(args.runs)]
                report["latency"][f"{name}: {label}"] = results
                if "skipped" in results[0]:
                    print(f"{name:10} {label:26} skipped: {results[0]['skipped']}", flush=True)
                    continue
                worst = max(results, key=lambda r: r["worst_ms"])
                median = statistics.median
                print(f"{name:10} {label:26} worst delay median {median(r['worst_ms'] for r in results):6.0f} ms, "
                      f"worst {worst['worst_ms']:6.0f} ms (during: {worst['during'][:60]!r}); "
                      f"p99 {median(r['p99_ms'] for r in results):4.0f} ms; "
                      f"ticks late > 100 ms: {max(r['over_100ms'] for r in results)}; "
                      f"run {median(r['seconds'] for r in results):.1f} s, "
                      f"{median(r['collected_mb'] for r in results):.1f} MB collected (target < 100 ms)", flush=True)
    finally:
        if stall_file is not None:
            stall_file.close()
        shutil.rmtree(settings_home, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
