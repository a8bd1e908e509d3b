"""How much of the target volume a bundle may use: it never fills the customer's disk to the last byte."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

MIN_FREE_BYTES = 64 * 1024 * 1024  # never fill the customer's disk to the last byte
FREE_SPACE_CHECK_EVERY = 8 * 1024 * 1024

DiskUsage = Callable[[str], Any]


class DiskFull(Exception):
    """The target volume ran out of room; the bundle cannot be completed."""


class SpacePolicy:
    """Watches the free space of the folder a bundle is written to.

    Args:
        folder: where the bundle is written.
        disk_usage: ``shutil.disk_usage``; injectable so tests can simulate a full disk.
        min_free: writing stops when less than this would be left.
    """

    def __init__(self, folder: Path, disk_usage: DiskUsage, min_free: int = MIN_FREE_BYTES) -> None:
        self.folder = folder
        self.disk_usage = disk_usage
        self.min_free = min_free
        self._lock = threading.Lock()
        self._since_check = 0
        self.written = 0

    def check(self, needed: int) -> None:
        """`DiskFull` when writing ``needed`` more bytes would leave less than the minimum free."""
        try:
            free = self.disk_usage(str(self.folder)).free
        except OSError:
            return
        if free - needed < self.min_free:
            raise DiskFull(self.full_message(free))

    def full_message(self, free: int | None = None) -> str:
        if free is None:
            try:
                free = self.disk_usage(str(self.folder)).free
            except OSError:
                free = 0
        return (
            f"not enough free space in {self.folder}: {free // (1024 * 1024)} MiB free, "
            f"{self.min_free // (1024 * 1024)} MiB must stay free; choose another output folder"
        )

    def account(self, n: int) -> None:
        """Count ``n`` bytes written; the free space is asked again every `FREE_SPACE_CHECK_EVERY` bytes."""
        with self._lock:
            self._since_check += n
            self.written += n
            due = self._since_check >= FREE_SPACE_CHECK_EVERY
            if due:
                self._since_check = 0
        if due:
            self.check(0)
