"""Big members deflated in blocks on the writer's pool (one valid stream, the same bytes back, right CRC and sizes),
and the check of a finished archive against what was written into it."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.collectors import bundle_deflate
from acronis_triage.collectors.bundle import BLOCK, BundleError, BundleWriter, verify_bundle, verify_written
from acronis_triage.collectors.cancel import CancelToken


def _log(size: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    words = [b"backup", b"volume", b"snapshot", b"I0135003A:", b"10.0.0.1", b"ms", b"\n"]
    out = bytearray()
    while len(out) < size:
        out += rnd.choice(words) + b" " + rnd.randbytes(rnd.randint(0, 12)).hex().encode()
    return bytes(out[:size])


def _write_pieces(tmp_path: Path, data: bytes, pieces: list[int]) -> tuple[Path, BundleWriter]:
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()

    def produce(sink) -> None:
        at = 0
        for n in pieces:
            sink.write(data[at:at + n])
            at += n
        sink.write(data[at:])

    writer.write_member("collected/c/big.log", produce, source="s", collector="c", cancel=CancelToken())
    return writer.finalize({"schema_version": 1}), writer


@pytest.mark.parametrize("size", [BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK, 5 * BLOCK + 12345])
def test_a_member_in_blocks_reads_back_byte_for_byte(tmp_path: Path, size: int) -> None:
    data = _log(size)
    path, _ = _write_pieces(tmp_path, data, [1000, 700_000, 3 * BLOCK // 2])
    manifest = verify_bundle(path)  # inflates every member again and checks CRC, size and sha256
    assert [f["size"] for f in manifest["files"]] == [size]
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("collected/c/big.log")
        assert zf.read(info) == data
        assert zlib.crc32(data) == info.CRC and info.file_size == size


def test_blocks_are_about_as_small_as_one_stream(tmp_path: Path) -> None:
    # each block is primed with the 32 KiB before it: splitting costs only a few bytes of sync flush per block
    data = _log(6 * BLOCK, seed=3)
    path, _ = _write_pieces(tmp_path, data, [])
    with zipfile.ZipFile(path) as zf:
        ours = zf.getinfo("collected/c/big.log").compress_size
    one = zlib.compressobj(6, zlib.DEFLATED, -15)
    whole = len(one.compress(data) + one.flush())
    assert ours < whole * 1.01


def test_the_pool_is_gone_after_the_collection(tmp_path: Path) -> None:
    # the analysis forks its workers only when the process has a single thread
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    writer.write_member("collected/c/big.log", lambda sink: sink.write(_log(3 * BLOCK)), source="s", collector="c")
    assert writer._pool is not None
    writer.reopen_for_append()
    assert writer._pool is None
    writer.add_generated("analysis/findings.json", "{}")
    writer.finalize({})


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=3 * BLOCK), max_size=6),
       size=st.integers(min_value=0, max_value=4 * BLOCK))
def test_any_split_of_the_writes_gives_the_same_member(tmp_path_factory, cuts: list[int], size: int) -> None:
    data = _log(size, seed=size)
    positions = sorted(c for c in cuts if c <= size)
    pieces = [b - a for a, b in zip([0, *positions], positions, strict=False)]
    path, _ = _write_pieces(tmp_path_factory.mktemp("b"), data, pieces)
    with zipfile.ZipFile(path) as zf:
        assert zf.read("collected/c/big.log") == data


def test_without_crc32_combine_the_crc_is_computed_in_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bundle_deflate, "_crc32_combine", None)
    data = _log(3 * BLOCK + 7)
    path, _ = _write_pieces(tmp_path, data, [BLOCK // 3])
    verify_bundle(path)


def _finished(tmp_path: Path) -> tuple[Path, dict, bytes]:
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    aw = writer.for_collector("c", CancelToken())
    aw.add_text("a.txt", "one\n", source="s")
    writer.write_member("collected/c/big.log", lambda sink: sink.write(_log(2 * BLOCK + 5)), source="s",
                        collector="c")
    path = writer.finalize({"schema_version": 1})
    with zipfile.ZipFile(path) as zf:
        manifest = zf.read("manifest.json")
    return path, dict(writer._expected), manifest


def test_finalize_checks_the_archive_against_what_was_written(tmp_path: Path) -> None:
    path, expected, manifest = _finished(tmp_path)
    verify_written(path, expected, manifest)
    crc, size, packed = expected["collected/c/big.log"]
    for wrong in ({**expected, "collected/c/big.log": (crc ^ 1, size, packed)},  # another CRC
                  {**expected, "collected/c/big.log": (crc, size + 1, packed)},
                  {k: v for k, v in expected.items() if k != "collected/c/a.txt"},  # a member not written
                  {**expected, "collected/c/lost.txt": (0, 0, 2)}):  # a member missing from the archive
        with pytest.raises(BundleError):
            verify_written(path, wrong, manifest)
    with pytest.raises(BundleError, match="manifest"):
        verify_written(path, expected, manifest + b" ")


def test_finalize_check_finds_a_damaged_header_or_a_cut_file(tmp_path: Path) -> None:
    path, expected, manifest = _finished(tmp_path)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        at = zf.getinfo("collected/c/big.log").header_offset
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(data[:at + 31] + b"X" + data[at + 32:])  # the member's name in its local header
    with pytest.raises(BundleError):
        verify_written(damaged, expected, manifest)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(BundleError):
        verify_written(cut, expected, manifest)


def test_finalize_refuses_a_bundle_whose_part_was_damaged_before_the_check(tmp_path: Path, monkeypatch) -> None:
    # what finalize does when the disk gives back other bytes than were written: nothing under the final name
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    writer.write_member("collected/c/big.log", lambda sink: sink.write(_log(2 * BLOCK)), source="s", collector="c")
    writer._expected["collected/c/big.log"] = (0, 0, 0)
    with pytest.raises(BundleError):
        writer.finalize({})
    assert not (tmp_path / "b.zip").exists()


def test_collected_members_read_back_as_written(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    aw = writer.for_collector("c", CancelToken())
    small, empty, big = b"one line\n", b"", _log(3 * BLOCK + 3)
    aw.add_bytes("small.log", small, source="s", redact=False)
    aw.add_bytes("empty.log", empty, source="s", redact=False)
    writer.write_member("collected/c/big.log", lambda sink: sink.write(big), source="s", collector="c")
    writer.reopen_for_append()
    with writer.collected_members() as members:
        got = {rec.path: opener() for rec, opener in members}
        assert got["collected/c/small.log"].read() == small
        assert got["collected/c/empty.log"].read() == empty
        stream = got["collected/c/big.log"]
        parts = []
        while piece := stream.read(12345):  # small reads: output held back by the inflater comes out too
            parts.append(piece)
        assert b"".join(parts) == big
        buf = bytearray(BLOCK)
        again = members[2][1]()
        total = bytearray()
        while n := again.readinto(buf):
            total += buf[:n]
        assert total == big
    writer.abort()


def test_a_damaged_collected_member_is_refused(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    writer.write_member("collected/c/big.log", lambda sink: sink.write(_log(BLOCK + 3)), source="s", collector="c")
    writer.reopen_for_append()
    assert writer.part_path is not None
    with zipfile.ZipFile(writer.part_path) as zf:
        info = zf.getinfo("collected/c/big.log")
    with open(writer.part_path, "r+b") as fh:  # one byte in the middle of the deflated data
        fh.seek(info.header_offset + 30 + len(info.filename) + info.compress_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0x55]))
    with writer.collected_members() as members:
        stream = members[0][1]()
        with pytest.raises(zipfile.BadZipFile):
            stream.read()
    writer.abort()
