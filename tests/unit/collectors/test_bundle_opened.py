"""add_file with a source the caller already opened (to read its head): read from the start, always closed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from acronis_triage.collectors.base import Cancelled
from acronis_triage.collectors.bundle import BundleWriter
from acronis_triage.collectors.cancel import CancelToken


def _writer(tmp_path: Path) -> BundleWriter:
    writer = BundleWriter(tmp_path / "out" / "b.zip")
    (tmp_path / "out").mkdir()
    writer.open()
    return writer


def test_an_opened_file_is_taken_whole_from_its_start_and_closed(tmp_path: Path) -> None:
    log = tmp_path / "mms.0.log"
    log.write_bytes(b"2024-05-01T10:00:00:000+02:00 1 I00000000: password=hunter2\n" * 3)
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    handle = open(log, "rb")  # noqa: SIM115 - add_file closes it
    handle.read(100)  # the caller looked at the head
    rec = aw.add_file(log, "mms.0.log", opened=handle)
    assert handle.closed
    path = writer.finalize({})
    with zipfile.ZipFile(path) as zf:
        data = zf.read(rec.path)
    assert data.count(b"\n") == 3 and b"hunter2" not in data


def test_an_opened_file_is_closed_when_the_collector_is_over(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"x\n")
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    aw.closed = True
    handle = open(log, "rb")  # noqa: SIM115 - add_file closes it
    with pytest.raises(Cancelled):
        aw.add_file(log, opened=handle)
    assert handle.closed
    writer.abort()
