"""Everything a collector may touch, handed to it in one object (sos's ``commons``, made explicit)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from collectors.bundle import ArtifactWriter
from collectors.cancel import CancelToken
from collectors.runner import DEFAULT_TIMEOUT_S, CommandResult, CommandRunner
from collectors.sysroot import SystemRoot

ProgressCallback = Callable[[float | None, str], None]


@dataclass
class Product:
    """An installed Acronis product or component, as recorded under ``products`` in the manifest."""

    name: str
    version: str = ""
    build: str = ""
    component: str = ""
    source: str = ""  # where it was seen: registry key, package db, log $module ...

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


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
class Facts:
    """What collectors learn about the machine and share with each other and with the report.

    Product detection runs in the first phase and fills ``products`` and ``identifiers``; later
    collectors (connectivity, the escalation form) read them. Writes go through the methods: several
    collectors run at once.
    """

    is_admin: bool = False
    products: list[Product] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_product(self, product: Product) -> None:
        with self._lock:
            for known in self.products:
                if (known.name, known.component) == (product.name, product.component):
                    known.version = known.version or product.version
                    known.build = known.build or product.build
                    return
            self.products.append(product)

    def set_identifier(self, key: str, value: str) -> None:
        with self._lock:
            self.identifiers.setdefault(key, value)

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self.values[key] = value


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
        facts: shared knowledge (products, identifiers, rights).
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
