"""``acronis-triage inspect BUNDLE``: what a received bundle holds, and whether every file is what its manifest says.

Reads a .zip or a .7z, split into numbered volumes (give any one of them, or the first) or not, encrypted
(AES-256) or not. Every member is streamed through sha256 and compared with ``manifest.json``; a member the
manifest does not list, a listed one that is missing, and a member larger than the manifest says are problems.
A received bundle is hostile until checked: members are never written to disk, never used as paths, and the
caps of `analyzers.limits` (member count, member size, total, decoder memory) apply.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from acronis_triage.analyzers.limits import DEFAULT_LIMITS, Limits, mib
from acronis_triage.collectors.volumes import open_volumes, volume_set

CHUNK = 1024 * 1024
_7Z_MAGIC = b"7z\xbc\xaf\x27\x1c"


class BundleProblem(Exception):
    """The bundle cannot be read, or a member does not match the manifest; the message says which."""


class PasswordNeeded(BundleProblem):
    """The bundle is encrypted and no pass phrase was given."""


@dataclass
class Inspection:
    path: Path
    format: str  # zip | 7z
    volumes: list[Path]
    encrypted: bool
    manifest: dict[str, Any]
    checked: int = 0  # members whose sha256 matched
    bytes_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def pieces_of(path: Path) -> list[Path]:
    """The file, or every volume of the numbered set it belongs to."""
    found = volume_set(path)
    return found if found else [path]


@contextmanager
def _opened(pieces: list[Path]) -> Iterator[IO[bytes]]:
    handle: IO[bytes]
    handle = open_volumes(pieces) if len(pieces) > 1 or volume_set(pieces[0]) else open(pieces[0], "rb")  # noqa: SIM115
    try:
        yield handle
    finally:
        handle.close()


def inspect_bundle(path: Path, password: str | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """Read and check a bundle. Raises `PasswordNeeded` (encrypted, no pass phrase) or `BundleProblem` (not a
    bundle, unreadable, wrong pass phrase); mismatches are listed in ``problems``."""
    pieces = pieces_of(path)
    with _opened(pieces) as fh:
        head = fh.read(8)
        fh.seek(0)
        if head.startswith(b"PK"):
            result = _inspect_zip(fh, path, pieces, password, limits)
        elif head.startswith(_7Z_MAGIC):
            result = _inspect_7z(fh, path, pieces, password, limits)
        else:
            raise BundleProblem(f"{path.name} is neither a .zip nor a .7z bundle")
    return result


def is_encrypted(path: Path) -> bool:
    """True for a bundle (or volume set) that needs a pass phrase; False for anything else or unreadable."""
    try:
        if not path.is_file():
            return False
        inspect_bundle(path, None, limits=Limits(member_bytes=0, total_bytes=0))
    except PasswordNeeded:
        return True
    except Exception:  # noqa: BLE001 - only the answer to "encrypted?" is wanted here
        return False
    return False


def verify_archive(pieces: list[Path], password: str | None) -> Inspection:
    """Like `inspect_bundle`, for an export just written: any problem raises `BundleProblem`."""
    result = inspect_bundle(pieces[0], password)
    if result.problems:
        raise BundleProblem("; ".join(result.problems[:3]))
    return result


class _Checker:
    """Compares streamed members with the manifest's records."""

    def __init__(self, manifest: dict[str, Any], inspection: Inspection) -> None:
        self.listed = {f["path"]: f for f in manifest.get("files", []) if isinstance(f, dict) and "path" in f}
        self.seen: set[str] = set()
        self.inspection = inspection

    def check(self, name: str, digest: str, size: int, over: bool) -> None:
        self.seen.add(name)
        record = self.listed.get(name)
        problems = self.inspection.problems
        if record is None:
            problems.append(f"{name}: not listed in manifest.json")
        elif over:
            problems.append(f"{name}: larger than the manifest says ({record.get('size')} bytes); not read further")
        elif digest != record.get("sha256"):
            problems.append(f"{name}: does not match its sha256 in manifest.json")
        else:
            self.inspection.checked += 1
            self.inspection.bytes_checked += size

    def finish(self) -> None:
        missing = sorted(set(self.listed) - self.seen)
        if missing:
            more = f" (+{len(missing) - 5} more)" if len(missing) > 5 else ""
            self.inspection.problems.append(f"listed in manifest.json but missing: {', '.join(missing[:5])}{more}")


def _manifest_from(data: bytes, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BundleProblem(f"{name}: manifest.json is not JSON: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", []), list):
        raise BundleProblem(f"{name}: manifest.json is not an acronis-triage manifest")
    return manifest


_ZIP_ERRORS = (zipfile.BadZipFile, OSError, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError,
               KeyError, TypeError)


def _inspect_zip(fh: IO[bytes], path: Path, pieces: list[Path], password: str | None,
                 limits: Limits) -> Inspection:
    import pyzipper

    try:
        zf = pyzipper.AESZipFile(fh)
    except _ZIP_ERRORS as exc:
        raise BundleProblem(f"{path.name} is not a readable zip: {exc}") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.members:
            raise BundleProblem(f"{path.name} has {len(infos)} members, more than the {limits.members} allowed")
        encrypted = any(i.flag_bits & 0x1 for i in infos)
        if encrypted:
            if not password:
                raise PasswordNeeded(f"{path.name} is encrypted: a pass phrase is needed")
            zf.setpassword(password.encode("utf-8"))
        try:
            manifest = _manifest_from(_read_capped(zf.open("manifest.json"), limits.member_bytes), path.name)
        except KeyError as exc:
            raise BundleProblem(f"{path.name}: no manifest.json (not an acronis-triage bundle)") from exc
        except RuntimeError as exc:
            raise BundleProblem(f"{path.name}: wrong pass phrase ({exc})") from exc
        except _ZIP_ERRORS as exc:
            raise BundleProblem(f"{path.name}: manifest.json cannot be read: {exc}") from exc
        result = Inspection(path, "zip", pieces, encrypted, manifest)
        checker = _Checker(manifest, result)
        total = 0
        for info in infos:
            if info.filename == "manifest.json":
                continue
            record = checker.listed.get(info.filename) or {}
            cap = min(limits.member_bytes, int(record.get("size", limits.member_bytes)))
            total += info.file_size
            if total > limits.total_bytes:
                result.problems.append(f"expands to more than {limits.total_bytes // 2**30} GiB; the rest not checked")
                break
            try:
                with zf.open(info) as member:
                    digest, size, over = _digest(member, cap)
            except _ZIP_ERRORS as exc:
                result.problems.append(f"{info.filename}: cannot be read ({exc})")
                checker.seen.add(info.filename)
                continue
            checker.check(info.filename, digest, size, over)
        checker.finish()
        return result


def _digest(stream: IO[bytes], cap: int) -> tuple[str, int, bool]:
    sha = hashlib.sha256()
    size = 0
    while block := stream.read(CHUNK):
        size += len(block)
        if size > cap:
            return "", size, True
        sha.update(block)
    return sha.hexdigest(), size, False


def _read_capped(stream: IO[bytes], cap: int) -> bytes:
    with stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise BundleProblem(f"manifest.json is larger than {mib(cap)}")
    return data


def _inspect_7z(fh: IO[bytes], path: Path, pieces: list[Path], password: str | None,
                limits: Limits) -> Inspection:
    import py7zr
    from py7zr.io import Py7zIO, WriterFactory

    from acronis_triage.analyzers.inputs import _folder_problems

    class _Sink(Py7zIO):
        """sha256 of one member as py7zr unpacks it; nothing kept."""

        def __init__(self, cap: int) -> None:
            self.sha = hashlib.sha256()
            self.length = 0
            self.cap = cap
            self.over = False
            self.data = bytearray()
            self.keep = False

        def write(self, s: bytes | bytearray) -> int:
            self.length += len(s)
            if self.length > self.cap:
                self.over = True
            elif self.keep:
                self.data += s
            if not self.over:
                self.sha.update(s)
            return len(s)

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            pass

        def size(self) -> int:
            return self.length

    class _Factory(WriterFactory):
        def __init__(self, caps: Callable[[str], int]) -> None:
            self.sinks: dict[str, _Sink] = {}
            self.caps = caps

        def create(self, filename: str) -> Py7zIO:
            sink = _Sink(self.caps(filename))
            sink.keep = filename == "manifest.json"
            self.sinks[filename] = sink
            return sink

    try:
        archive = py7zr.SevenZipFile(fh, mode="r", password=password or None)
    except py7zr.exceptions.PasswordRequired as exc:
        raise PasswordNeeded(f"{path.name} is encrypted: a pass phrase is needed") from exc
    except Exception as exc:
        why = "wrong pass phrase or damaged archive" if password else "not a readable .7z"
        raise BundleProblem(f"{path.name}: {why} ({type(exc).__name__}: {exc})") from exc
    with archive:
        encrypted = (bool(password) and archive.needs_password()) or _headers_encrypted(archive)
        if archive.needs_password() and not password:
            raise PasswordNeeded(f"{path.name} is encrypted: a pass phrase is needed")
        members = [f for f in archive.files if not f.is_directory]
        if len(members) > limits.members:
            raise BundleProblem(f"{path.name} has {len(members)} members, more than the {limits.members} allowed")
        blocked = _folder_problems(archive, limits)
        if blocked:
            raise BundleProblem(f"{path.name}: {next(iter(blocked.values()))}")
        names = [m.filename for m in members]
        if "manifest.json" not in names:
            raise BundleProblem(f"{path.name}: no manifest.json (not an acronis-triage bundle)")
        total = sum(int(m.uncompressed or 0) for m in members)
        if total > limits.total_bytes:
            raise BundleProblem(f"{path.name} expands to more than {limits.total_bytes // 2**30} GiB")
        archive.max_extract_size = total + 1
        # Sizes from the 7z header bound every member; the manifest's sizes are checked after the unpack.
        declared = {m.filename: int(m.uncompressed or 0) for m in members}
        factory = _Factory(lambda name: min(limits.member_bytes, declared.get(name, 0)))
        try:
            archive.extract(factory=factory)
        except Exception as exc:
            why = "wrong pass phrase or damaged archive" if password else "damaged archive"
            raise BundleProblem(f"{path.name}: {why} ({type(exc).__name__}: {exc})") from exc
    manifest_sink = factory.sinks.get("manifest.json")
    if manifest_sink is None or manifest_sink.over:
        raise BundleProblem(f"{path.name}: manifest.json could not be read")
    manifest = _manifest_from(bytes(manifest_sink.data), path.name)
    result = Inspection(path, "7z", pieces, encrypted, manifest)
    checker = _Checker(manifest, result)
    for name, sink in factory.sinks.items():
        if name == "manifest.json":
            continue
        record = checker.listed.get(name) or {}
        over = sink.over or (record and sink.length > int(record.get("size", sink.length)))
        checker.check(name, sink.sha.hexdigest(), sink.length, bool(over))
    for name in names:
        if name not in factory.sinks and name != "manifest.json":
            result.problems.append(f"{name}: could not be unpacked")
            checker.seen.add(name)
    checker.finish()
    return result


def _headers_encrypted(archive: Any) -> bool:
    return bool(getattr(archive, "password_protected", False))


# ---- the summary


def summary_lines(result: Inspection) -> list[str]:
    """What ``inspect`` prints: the manifest in a few lines, then the check."""
    m = result.manifest
    host = m.get("host") or {}
    tool = m.get("tool") or {}
    lines = [
        f"bundle:      {result.path.name} ({result.format}"
        + (f", {len(result.volumes)} volumes" if len(result.volumes) > 1 else "")
        + (", AES-256 encrypted" if result.encrypted else "") + ")",
        f"made by:     {tool.get('name', '?')} {tool.get('version', '?')} on {m.get('created_utc', '?')}",
    ]
    if m.get("case_id"):
        lines.append(f"case:        {m['case_id']}")
    lines.append(f"host:        {host.get('hostname', '?')} ({host.get('os', '?')}"
                 + (", live" if host.get("live") else ", offline copy") + ")")
    window = m.get("time_window") or {}
    if window:
        lines.append(f"window:      {window.get('since', '?')} .. {window.get('until', '?')}")
    products = m.get("products") or []
    lines.append("products:    " + (", ".join(
        " ".join(str(p.get(k)) for k in ("name", "version") if p.get(k)) for p in products if isinstance(p, dict))
        or "none found"))
    collectors = [c for c in m.get("collectors") or [] if isinstance(c, dict)]
    by_status: dict[str, int] = {}
    for c in collectors:
        by_status[str(c.get("status"))] = by_status.get(str(c.get("status")), 0) + 1
    lines.append(f"collectors:  {len(collectors)} (" + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
                 + ")")
    for c in collectors:
        if c.get("status") not in ("ok", "not_applicable"):
            lines.append(f"  {c.get('name')}: {c.get('status')} {c.get('reason') or ''}".rstrip())
    lines.extend(redaction_lines(m.get("redaction")))
    files = [f for f in m.get("files") or [] if isinstance(f, dict)]
    size = sum(int(f.get("size") or 0) for f in files)
    lines.append(f"files:       {len(files)} listed, {size / 2**20:.1f} MiB")
    if result.ok:
        lines.append(f"checksums:   OK, {result.checked} of {len(files)} files match their sha256 in manifest.json")
    else:
        lines.append(f"checksums:   FAILED, {len(result.problems)} problem(s)")
        lines.extend(f"  {p}" for p in result.problems[:20])
        if len(result.problems) > 20:
            lines.append(f"  (+{len(result.problems) - 20} more)")
    return lines


def redaction_lines(report: Any) -> list[str]:
    """The redaction report of a manifest in a few lines (also what ``collect`` prints at its end)."""
    if not isinstance(report, dict):
        return []
    lines = [f"redaction:   {report.get('mode', '?')}"
             + (f", pseudonym map {report['map']}" if report.get("map") else "")]
    totals = report.get("totals") or {}
    if totals:
        lines.append("  replaced:  " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    dropped = report.get("left_out") or []
    if dropped:
        lines.append(f"  left out:  {len(dropped)} binary file(s) that cannot be pseudonymised")
    return lines


def members_of(path: Path, password: str | None = None, limit: int = 256 * 2**20) -> dict[str, bytes]:
    """Every member of a (small) bundle in memory, any format: for tests and previews."""
    pieces = pieces_of(path)
    with _opened(pieces) as fh:
        head = fh.read(8)
        fh.seek(0)
        if head.startswith(b"PK"):
            import pyzipper

            with pyzipper.AESZipFile(fh) as zf:
                if password:
                    zf.setpassword(password.encode())
                return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        import py7zr
        from py7zr.io import BytesIOFactory

        factory = BytesIOFactory(limit)
        with py7zr.SevenZipFile(fh, password=password or None) as archive:
            archive.extract(factory=factory)
        out: dict[str, bytes] = {}
        for name, product in factory.products.items():
            product.seek(0)
            out[name] = product.read()
        return out
