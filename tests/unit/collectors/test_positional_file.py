"""Positional reads: a window of a file, and a handle shared with a forked process that moves no shared offset."""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.collectors.positional_file import PositionalFile, open_positional

DATA = bytes(range(256)) * 64


@settings(max_examples=60, deadline=None)
@given(base=st.integers(0, len(DATA)), length=st.integers(0, len(DATA)), ops=st.lists(
    st.tuples(st.sampled_from([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END]), st.integers(-50, 5000),
              st.integers(0, 3000)), max_size=8))
def test_window_reads_like_a_slice(tmp_path_factory, base, length, ops) -> None:
    path = tmp_path_factory.getbasetemp() / "data.bin"
    if not path.exists():
        path.write_bytes(DATA)
    expected = io.BytesIO(DATA[base:base + length])
    fd = os.open(path, os.O_RDONLY)
    with io.BufferedReader(PositionalFile(fd, base, length), buffer_size=64) as fh:
        for whence, offset, size in ops:
            origin = {io.SEEK_SET: 0, io.SEEK_CUR: expected.tell(), io.SEEK_END: len(expected.getvalue())}[whence]
            if origin + offset < 0:  # like a real file, not like BytesIO (which stops at 0)
                with pytest.raises(OSError, match="negative seek"):
                    fh.seek(offset, whence)
                continue
            assert fh.seek(offset, whence) == expected.seek(offset, whence)
            assert fh.read(size) == expected.read(size)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_parent_and_forked_child_read_one_handle_without_mixing(tmp_path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(4 * 2**20))
    data = path.read_bytes()
    fh = open_positional(path, buffer_size=4096)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        ok = all(fh.seek(off) == off and fh.read(4096) == data[off:off + 4096]
                 for off in range(0, len(data), 8192))
        os._exit(0 if ok else 1)
    ok = all(fh.seek(off) == off and fh.read(4096) == data[off:off + 4096]
             for off in range(4096, len(data), 8192))
    _, status = os.waitpid(pid, 0)
    fh.close()
    assert ok and os.waitstatus_to_exitcode(status) == 0


def test_plain_python_file_objects_would_mix(tmp_path) -> None:
    """Why the module exists: one offset shared by parent and child (checked where fork exists)."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        pytest.skip("fork")
    path = tmp_path / "data.bin"
    path.write_bytes(b"a" * 100)
    with open(path, "rb", buffering=0) as fh:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            fh.seek(60)
            os._exit(0)
        os.waitpid(pid, 0)
        assert fh.tell() == 60  # the child's seek moved the parent's file
    with open_positional(path) as fh:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            fh.seek(60)
            fh.read(1)
            os._exit(0)
        os.waitpid(pid, 0)
        assert fh.tell() == 0
