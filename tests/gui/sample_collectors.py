"""Small real collectors for the GUI tests: one that works, one that crashes, one with nothing to do, a slow one,
one that tells which process ran it and one that ends its process."""

from __future__ import annotations

import os

from acronis_triage.collectors.base import Applicability, Collector, not_applicable
from acronis_triage.collectors.context import Context


class NotesCollector(Collector):
    name = "test_notes"
    title = "Test notes"
    description = "Writes one small text file."
    timeout_s = 20.0

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.5, "writing notes")
        ctx.writer.add_text("notes.txt", "hello from the test collector\n", source="test")
        ctx.progress(1.0, "done")


class CrashingCollector(Collector):
    name = "test_crash"
    title = "Crashing collector"
    description = "Fails with an exception."
    timeout_s = 20.0

    def collect(self, ctx: Context) -> None:
        raise RuntimeError("the disk caught fire")


class AbsentCollector(Collector):
    name = "test_absent"
    title = "Absent product"
    description = "Has nothing to collect here."

    def is_applicable(self, ctx: Context) -> Applicability:
        return not_applicable("no such product on this machine")


class SlowCollector(Collector):
    """Runs until cancelled (or 30 s), reporting progress; for Cancel tests."""

    name = "test_slow"
    title = "Slow collector"
    description = "Waits, checking for cancellation."
    timeout_s = 60.0

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("before_cancel.txt", "collected before the cancel\n", source="test")
        for step in range(600):
            ctx.progress(step / 600, f"step {step}")
            if ctx.cancel.wait(0.05):
                break
        ctx.cancel.raise_if_cancelled()


class PidCollector(Collector):
    """Writes the id of the process that runs the collection (and its niceness, where there is one)."""

    name = "test_pid"
    title = "Process id"
    description = "Writes the process id."
    timeout_s = 20.0

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("pid.txt", str(os.getpid()), source="test")
        if hasattr(os, "nice"):
            ctx.writer.add_text("nice.txt", str(os.nice(0)), source="test")


class ExitingCollector(Collector):
    """Ends the whole process after writing a first file, as a crash of the interpreter would."""

    name = "test_exit"
    title = "Exiting collector"
    description = "Ends its process."
    timeout_s = 20.0

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("before_exit.txt", "written before the end\n", source="test")
        os._exit(3)
