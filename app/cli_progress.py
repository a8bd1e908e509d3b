"""Human progress for ``collect`` on stderr: one line per collector start and end, phases, a summary."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TextIO

from acronis_triage.app.terminal_text import printable
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import EngineEvent, EventKind

if TYPE_CHECKING:
    from acronis_triage.app.pipeline import CollectResult

MARK = {
    Status.OK: "ok",
    Status.PARTIAL: "partial",
    Status.NOT_APPLICABLE: "n/a",
    Status.TIMEOUT: "TIMEOUT",
    Status.ERROR: "ERROR",
    Status.CANCELLED: "cancelled",
}


class ProgressPrinter:
    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.planned = 0
        self.finished = 0
        self.not_applicable: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _say(self, text: str) -> None:
        # Every line: names, paths and reasons come from the examined machine and may hold control characters.
        if self.enabled:
            with self._lock:
                print(printable(text), file=self.stream, flush=True)

    def __call__(self, event: EngineEvent) -> None:
        if event.kind == EventKind.PLANNED:
            self.planned += 1
        elif event.kind == EventKind.FINISHED:
            self.finished += 1
            status = event.status or Status.ERROR
            if status == Status.NOT_APPLICABLE:
                # Dozens of "only for windows" lines would bury what matters; the summary counts them.
                self.not_applicable.append((event.title or event.collector, event.text))
                return
            reason = f": {event.text}" if event.text and status != Status.OK else ""
            self._say(f"[{self.finished}/{self.planned}] {event.title or event.collector}: {MARK[status]}{reason}")
        elif event.kind == EventKind.PHASE:
            self._say(f"... {event.text}")

    def done(self, result: CollectResult) -> None:
        if not self.enabled or result.bundle is None:
            return
        findings = result.analysis.findings
        counts: dict[str, int] = {}
        for outcome in result.outcomes:
            counts[str(outcome.status)] = counts.get(str(outcome.status), 0) + 1
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        relevant = [(t, r) for t, r in self.not_applicable if not r.startswith("only for ")]
        by_reason: dict[str, list[str]] = {}
        for title, reason in relevant:
            by_reason.setdefault(reason, []).append(title)
        for reason, titles in by_reason.items():
            self._say(f"  not applicable ({reason}): {', '.join(titles)}")
        others = len(self.not_applicable) - len(relevant)
        if others:
            self._say(f"  not applicable: {others} collectors for other operating systems")
        self._say(f"bundle: {result.bundle}")
        self._say(f"collectors: {statuses}; findings: {len(findings)}; {result.seconds:.1f} s")
        for finding in findings[:10]:
            kb = ", ".join(f"KB {n}" for n in finding.kb)
            self._say(f"  [{finding.severity}] {finding.title} ({kb or 'no KB'}) x{finding.count}")
        if result.exit_code == 2 and result.reason:
            self._say(f"incomplete: {result.reason}")
