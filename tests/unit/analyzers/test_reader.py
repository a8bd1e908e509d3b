"""Encoding-aware reading: gzip, BOMs, BOM-less UTF-16, cp1252, line-bounded UTF-8 chunks."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from acronis_triage.analyzers.model import LogSource
from acronis_triage.analyzers.reader import iter_utf8_chunks, read_head, read_text, source_name

TEXT = (
    "2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.\r\n"
    "| error 0xfff0: Zugriff verweigert – äöü ß é\r\n"
    "| code: 0x80070005\r\n"
)


class _NoSeek(io.RawIOBase):
    """An archive-member-like stream that cannot seek."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8", TEXT.encode("utf-8")),
        ("utf-8 BOM", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
        ("utf-16 LE BOM", b"\xff\xfe" + TEXT.encode("utf-16-le")),
        ("utf-16 BE BOM", b"\xfe\xff" + TEXT.encode("utf-16-be")),
        ("utf-16 LE no BOM", TEXT.encode("utf-16-le")),
        ("utf-16 BE no BOM", TEXT.encode("utf-16-be")),
        ("gzip utf-8", gzip.compress(TEXT.encode("utf-8"))),
        ("gzip utf-16 LE BOM", gzip.compress(b"\xff\xfe" + TEXT.encode("utf-16-le"))),
    ],
)
def test_encodings_decode_to_same_text(tmp_path: Path, label: str, data: bytes) -> None:
    path = _write(tmp_path, "x.log", data)
    assert read_text(path) == TEXT, label
    assert b"".join(iter_utf8_chunks(path)).decode("utf-8") == TEXT, label


def test_cp1252_fallback(tmp_path: Path) -> None:
    text = "Fehler beim Sichern – Zugriff verweigert für Benutzer Müller\n" * 3
    path = _write(tmp_path, "de.log", text.encode("cp1252"))
    assert read_text(path) == text


def test_gzip_is_detected_by_magic_not_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "mms.0.log", gzip.compress(TEXT.encode("utf-8")))
    assert read_text(path) == TEXT


def test_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    big = "".join(f"line {i} some text to compress poorly {i * 7919 % 1000003}\n" for i in range(200_000))
    packed = gzip.compress(big.encode("utf-8"))
    path = _write(tmp_path, "cut.log.gz", packed[: len(packed) // 2])
    problems: list[str] = []
    text = read_text(path, problems=problems)
    assert text, "data before the cut must be kept"
    assert big.startswith(text[: len(text) - 200])
    assert len(text) > len(big) // 4
    assert problems and "ends early" in problems[0]


def test_bad_bytes_are_replaced_not_raised(tmp_path: Path) -> None:
    data = b"ok line\n" * 2000 + b"bad \xff\xfe\xc3 bytes\n" + b"after\n"
    path = _write(tmp_path, "bad.log", data)
    text = read_text(path)
    assert "\ufffd" in text
    assert text.endswith("after\n")
    assert text.count("ok line") == 2000


def test_chunks_end_on_line_boundaries(tmp_path: Path) -> None:
    lines = [f"{i:06d} Fehler äöü {'x' * (i % 50)}\n" for i in range(5000)]
    full = "".join(lines)
    for data in (full.encode("utf-8"), b"\xff\xfe" + full.encode("utf-16-le"), full.encode("cp1252")):
        path = _write(tmp_path, "c.log", data)
        chunks = list(iter_utf8_chunks(path, chunk_size=4096))
        assert len(chunks) > 10
        assert all(c.endswith(b"\n") for c in chunks)
        assert all(len(c) < 3 * 4096 for c in chunks)
        assert b"".join(chunks).decode("utf-8") == full


def test_huge_line_is_split_but_not_lost(tmp_path: Path) -> None:
    huge = "é" * (5 * 1024 * 1024)  # 10 MB of UTF-8 in one line
    data = ("start\n" + huge + "\nend\n").encode("utf-8")
    path = _write(tmp_path, "huge.log", data)
    chunks = list(iter_utf8_chunks(path, chunk_size=1024 * 1024))
    assert max(len(c) for c in chunks) <= 2 * 1024 * 1024 + 1024 * 1024
    for c in chunks:
        c.decode("utf-8")  # every chunk is valid UTF-8 on its own: no character is split
    assert b"".join(chunks) == data


def test_non_seekable_logsource(tmp_path: Path) -> None:
    packed = gzip.compress(b"\xff\xfe" + TEXT.encode("utf-16-le"))
    source = LogSource(name="bundle.zip:logs/mms.0.log", open=lambda: _NoSeek(packed), size=None)
    assert read_text(source) == TEXT
    assert source_name(source) == "bundle.zip:logs/mms.0.log"
    plain = LogSource(name="p", open=lambda: _NoSeek(TEXT.encode("utf-16-be")))
    assert read_text(plain) == TEXT


def test_bytes_source() -> None:
    assert read_text(TEXT.encode("utf-16")) == TEXT


def test_read_head_does_not_end_in_half_character(tmp_path: Path) -> None:
    path = _write(tmp_path, "h.log", ("ä" * 100).encode("utf-8"))
    head = read_head(path, size=51)
    assert head == "ä" * 25
    path16 = _write(tmp_path, "h16.log", b"\xff\xfe" + ("ä" * 100).encode("utf-16-le"))
    assert read_head(path16, size=51) == "ä" * 24


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.log", b"")
    assert read_text(path) == ""
    assert list(iter_utf8_chunks(path)) == []


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_text(tmp_path / "nope.log")
