"""The text of a file that evidence points at (``file`` and ``line`` of a finding), for the log viewer. No Qt here.

Evidence names a file the way the analysis saw it: ``collected/...`` inside the bundle being looked at, a path on
this computer, or ``archive.zip!member`` (``!`` again for a zip inside it). The text is decoded exactly as the
analysis decoded it (`analyzers.reader`: BOMs, UTF-16 without BOM, cp1252, gzip), so line numbers agree. Large
files are shown as a window of lines around the line asked for; memory stays bounded whatever the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from acronis_triage.analyzers.model import LogSource
from acronis_triage.analyzers.reader import iter_utf8_chunks

# Lines shown on each side of the line asked for, and in all when no line is asked for.
CONTEXT_LINES = 20_000
WHOLE_FILE_LINES = 100_000
MAX_LINE_CHARS = 4_000  # a longer line is cut in the view: one 50 MB line would freeze any text widget
MAX_INNER_ARCHIVE_BYTES = 256 * 2**20  # a zip inside an archive is read into memory to open it


class EvidenceError(Exception):
    """The file cannot be shown; the message is one line for the user."""


@dataclass(frozen=True)
class LoadedText:
    """A window of a file's lines. ``first_line`` is the number of the first line of ``text`` (1-based)."""

    name: str
    text: str
    first_line: int
    total_lines: int | None  # None when reading stopped before the end
    line: int | None  # the line asked for, if any
    truncated_lines: int = 0  # lines cut to MAX_LINE_CHARS

    @property
    def last_line(self) -> int:
        return self.first_line + max(self.text.count("\n"), 0)


def resolve(ref: str, base: Path | None) -> tuple[str, Callable[[], IO[bytes]], int | None]:
    """(display name, opener, size) of the file that evidence ``ref`` names, relative to ``base`` (a bundle
    .zip or folder) when it is a bundle member."""
    if base is not None and "!" not in ref and not Path(ref).is_absolute():
        if base.is_dir():
            return _plain(base / ref, ref)
        if zipfile.is_zipfile(base):
            return _zip_member(base, [ref], f"{base.name}!{ref}")
    if "!" in ref:
        container, *members = ref.split("!")
        path = Path(container)
        if not path.is_absolute() and base is not None and not path.exists():
            path = base.parent / container
        if path.suffix.lower() == ".7z":
            return _7z_member(path, members, ref)
        return _zip_member(path, members, ref)
    path = Path(ref)
    if not path.is_absolute() and base is not None and not path.exists():
        path = (base if base.is_dir() else base.parent) / ref
    return _plain(path, ref)


def _plain(path: Path, name: str) -> tuple[str, Callable[[], IO[bytes]], int | None]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise EvidenceError(f"{name}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise EvidenceError(f"{name} is not a regular file")
    return name, lambda: open(path, "rb"), size


def _zip_member(path: Path, members: list[str], name: str) -> tuple[str, Callable[[], IO[bytes]], int | None]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise EvidenceError(f"cannot open {path}: {exc}") from None
    try:
        for depth, member in enumerate(members):
            try:
                info = archive.getinfo(member)
            except KeyError:
                raise EvidenceError(f"{member} is not in {path.name}") from None
            if depth == len(members) - 1:
                data = _read_member(archive, info)
                return name, _bytes_opener(data), len(data)
            inner = _read_member(archive, info, MAX_INNER_ARCHIVE_BYTES)
            archive.close()
            archive = zipfile.ZipFile(io.BytesIO(inner))
    except zipfile.BadZipFile as exc:
        raise EvidenceError(f"cannot open {name}: {exc}") from None
    finally:
        archive.close()
    raise EvidenceError(f"{name}: no member named")


def _bytes_opener(data: bytes) -> Callable[[], IO[bytes]]:
    return lambda: io.BytesIO(data)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int | None = None) -> bytes:
    if cap is not None and info.file_size > cap:
        raise EvidenceError(f"{info.filename} is {info.file_size} bytes: too large to open here")
    try:
        with archive.open(info) as fh:
            return fh.read() if cap is None else fh.read(cap + 1)[:cap]
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError) as exc:
        raise EvidenceError(f"cannot read {info.filename}: {exc}") from None


def _7z_member(path: Path, members: list[str], name: str) -> tuple[str, Callable[[], IO[bytes]], int | None]:
    import py7zr

    try:
        with py7zr.SevenZipFile(path, "r") as archive:
            found = archive.read([members[0]]) or {}
    except Exception as exc:  # noqa: BLE001 - py7zr raises many types for damaged or encrypted archives
        raise EvidenceError(f"cannot open {path.name}: {exc}") from None
    stream = found.get(members[0])
    if stream is None:
        raise EvidenceError(f"{members[0]} is not in {path.name}")
    data = stream.read()
    if len(members) > 1:
        return _zip_member_bytes(data, members[1:], name)
    return name, lambda: io.BytesIO(data), len(data)


def _zip_member_bytes(data: bytes, members: list[str], name: str) -> tuple[str, Callable[[], IO[bytes]], int | None]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise EvidenceError(f"cannot open {name}: {exc}") from None
    with archive:
        try:
            content = _read_member(archive, archive.getinfo(members[-1]))
        except KeyError:
            raise EvidenceError(f"{members[-1]} is not in {name}") from None
    return name, lambda: io.BytesIO(content), len(content)


def load_text(ref: str, base: Path | None = None, line: int | None = None) -> LoadedText:
    """The lines of ``ref`` around ``line`` (or from the start), decoded as the analysis decoded them."""
    name, opener, size = resolve(ref, base)
    with opener() as fh:
        head = fh.read(8192)
    if looks_binary(head):
        raise EvidenceError(f"{name} is a binary file ({size} bytes); it is in the bundle but not shown here")
    return read_window(LogSource(name, opener, size), line)


def read_window(source: LogSource, line: int | None = None, context: int = CONTEXT_LINES) -> LoadedText:
    if line is not None and line >= 1:
        low, high = max(1, line - context), line + context
    else:
        low, high = 1, WHOLE_FILE_LINES
    kept: list[str] = []
    number = 0
    cut = 0
    pending = ""
    ended = True
    try:
        for chunk in iter_utf8_chunks(source):
            text = pending + chunk.decode("utf-8", errors="replace")
            lines = text.split("\n")
            pending = lines.pop()
            for piece in lines:
                number += 1
                if number < low:
                    continue
                if number > high:
                    ended = False
                    break
                if len(piece) > MAX_LINE_CHARS:
                    piece = piece[:MAX_LINE_CHARS] + " …"
                    cut += 1
                kept.append(_one_block(piece))
            if not ended:
                break
    except OSError as exc:
        raise EvidenceError(f"cannot read {source.name}: {exc}") from None
    if ended and pending:
        number += 1
        if low <= number <= high:
            kept.append(_one_block(pending[:MAX_LINE_CHARS]))
    return LoadedText(source.name, "\n".join(kept), low if kept else 1, number if ended else None, line, cut)


def _one_block(line: str) -> str:
    # Qt's text widgets start a new block at U+2029 as at a line feed; the view's line numbers count "\n" only.
    return line.rstrip("\r").replace("\u2029", " ")


def looks_binary(head: bytes) -> bool:
    """A NUL in text that is not UTF-16 means a binary file (a zip, an EVTX log, a registry hive)."""
    from acronis_triage.analyzers.inputs import binary_reason

    return binary_reason(head) is not None
