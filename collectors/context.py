"""Everything a collector may touch, handed to it in one object (sos's ``commons``, made explicit)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from acronis_triage.collectors.bundle import ArtifactWriter
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.facts import Facts, Product
from acronis_triage.collectors.runner import DEFAULT_TIMEOUT_S, CommandResult, CommandRunner
from acronis_triage.collectors.sysroot import SystemRoot

ProgressCallback = Callable[[float | None, str], None]
__all__ = ["Context", "Facts", "Product", "ProgressCallback", "running_elevated"]


def running_elevated() -> bool:
    """True when the tool runs as administrator (Windows) or root (POSIX)."""
    if sys.platform == "win32":
        try:
            import ctypes

            return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return False
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Context:
    """A collector's view of the run.

    Attributes:
        root: the system examined: live, or an offline folder (``--root``).
        since, until: the time window; logs outside it are not taken.
        writer: where artifacts go (``collected/<collector>/`` in the bundle).
        cancel: set when the user cancels or the collector's time is over.
        progress: ``progress(fraction or None, text)``.
        runner: runs external commands; tests inject one that plays back recorded outputs.
        facts: shared knowledge, named and typed (`collectors.facts`): products, identifiers, rights ...
        options: the run's options (``--since`` etc.) and collector options by name.
    """

    root: SystemRoot
    since: datetime
    until: datetime
    writer: ArtifactWriter
    cancel: CancelToken
    progress: ProgressCallback
    runner: CommandRunner
    facts: Facts
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every file a collector hands the writer is opened through the root's guard, never by a bare open().
        self.writer.open_source = self.root.open
        part = self.writer.bundle.part_path
        if part is not None:
            self.root.never_read(part, "the bundle this run is writing: never collected into itself")

    @property
    def target_os(self) -> str:
        return self.root.os

    def run(self, argv: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT_S, **kwargs: Any) -> CommandResult:
        """Run a command under this collector's cancel token."""
        return self.runner(argv, timeout=timeout, cancel=self.cancel, **kwargs)

    def in_window(self, path: Path) -> bool:
        """True when the file was modified inside the time window (a rotated log older than it is not)."""
        try:
            mtime = datetime.fromtimestamp(self.root.stat(path).st_mtime, tz=UTC)
        except OSError:
            return False
        return mtime >= self.since

    @staticmethod
    def default_window(days: float) -> tuple[datetime, datetime]:
        now = datetime.now(UTC)
        return now - timedelta(days=days), now
