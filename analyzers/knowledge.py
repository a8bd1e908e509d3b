"""Which knowledge the tool uses: the signatures and KB index it ships with, or a newer signature pack imported
offline (``acronis-triage signatures import PACK.zip``), and the version of it shown everywhere.

A pack is a zip holding ``pack.json`` (format, version, and the sha256 of every file) with ``signatures/`` and
``kb/`` in the layout of ``resources/``. It is imported only after the sha256 of the pack file itself (given on the
command line or in ``PACK.zip.sha256`` beside it) and of every member match, its members are safe to unpack, and
its signatures load with no problem. Imported packs live in the user's data folder; the newest one whose version is
above the shipped database is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

PACK_FORMAT = 1
PACK_MAX_BYTES = 256 * 2**20  # a pack of the whole database is ~3 MB compressed
PACK_MAX_MEMBERS = 20_000
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d{1,2}(?:\.\d{1,4})?$")
KNOWLEDGE_PARTS = ("signatures", "kb")


class PackError(Exception):
    """A pack that cannot be imported; the message is one line for the user."""


@dataclass(frozen=True)
class Knowledge:
    version: str
    source: str  # "shipped" or the imported pack's folder
    signatures: Path
    kb: Path


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def shipped_version() -> str:
    from acronis_triage.resources import resource_path

    data = json.loads((resource_path("knowledge.json")).read_text(encoding="utf-8"))
    return str(data["version"])


def data_dir() -> Path:
    from acronis_triage.analyzers.userdirs import data_dir as user_data_dir

    return user_data_dir() / "packs"


@lru_cache(maxsize=1)
def current() -> Knowledge:
    """The knowledge in use: the newest imported pack newer than the shipped database, else the shipped one.
    ACRONIS_TRIAGE_SHIPPED_KNOWLEDGE=1 forces the shipped one (tests, and a way out of a bad pack)."""
    from acronis_triage.resources import resource_path

    shipped = Knowledge(shipped_version(), "shipped", resource_path("signatures"), resource_path("kb"))
    if os.environ.get("ACRONIS_TRIAGE_SHIPPED_KNOWLEDGE"):
        return shipped
    best = shipped
    folder = data_dir()
    if folder.is_dir():
        for candidate in folder.iterdir():
            try:
                meta = json.loads((candidate / "pack.json").read_text(encoding="utf-8"))
                version = str(meta["version"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if _VERSION.match(version) and _version_key(version) > _version_key(best.version) \
                    and (candidate / "signatures").is_dir() and (candidate / "kb").is_dir():
                best = Knowledge(version, str(candidate), candidate / "signatures", candidate / "kb")
    return best


def describe() -> str:
    k = current()
    return f"knowledge {k.version}" + ("" if k.source == "shipped" else " (imported pack)")


# ---- building and importing packs

def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_pack(out: Path, version: str, source: Knowledge | None = None) -> str:
    """Write a pack of the knowledge in use (or `source`) with this version; returns the pack's sha256 and writes it
    to ``OUT.sha256`` beside the pack."""
    if not _VERSION.match(version):
        raise PackError(f"version {version!r}: use YYYY.MM.DD or YYYY.MM.DD.N")
    source = source or current()
    files: dict[str, Path] = {}
    for part, folder in (("signatures", source.signatures), ("kb", source.kb)):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".md", ".json") and \
                    "__pycache__" not in path.parts:
                files[f"{part}/{path.relative_to(folder).as_posix()}"] = path
    meta = {"format": PACK_FORMAT, "version": version,
            "files": {name: _sha256_file(path) for name, path in files.items()}}
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("pack.json", json.dumps(meta, indent=2, sort_keys=True))
        for name, path in files.items():
            zf.write(path, name)
    tmp.replace(out)
    digest = _sha256_file(out)
    out.with_name(out.name + ".sha256").write_text(f"{digest}  {out.name}\n", encoding="utf-8")
    return digest


def expected_sha256(pack: Path, given: str | None) -> str:
    if given:
        value = given.strip().lower()
    else:
        side = pack.with_name(pack.name + ".sha256")
        if not side.is_file():
            raise PackError(f"no checksum: give --sha256 or put {side.name} beside the pack")
        value = side.read_text(encoding="utf-8", errors="replace").split()[0].lower() if side.stat().st_size else ""
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise PackError(f"{value[:80]!r} is not a sha256 (64 hexadecimal digits)")
    return value


def import_pack(pack: Path, sha256: str | None = None) -> Knowledge:
    """Verify and install a pack; returns the knowledge that is now in use."""
    try:
        size = pack.stat().st_size
    except OSError as exc:
        raise PackError(f"cannot read {pack}: {exc.strerror or exc}") from None
    if size > PACK_MAX_BYTES:
        raise PackError(f"{pack.name} is {size} bytes: larger than any signature pack")
    want = expected_sha256(pack, sha256)
    if _sha256_file(pack) != want:
        raise PackError(f"{pack.name}: its sha256 is not the expected {want}; the file is damaged or not this pack")
    try:
        with zipfile.ZipFile(pack) as zf:
            meta = _pack_meta(zf)
            staging = Path(tempfile.mkdtemp(prefix=".import-", dir=_ensure(data_dir())))
            try:
                _extract(zf, meta, staging)
                _check_loads(staging)
                target = data_dir() / meta["version"]
                if target.exists():
                    shutil.rmtree(target)
                staging.replace(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except zipfile.BadZipFile as exc:
        raise PackError(f"{pack.name} is not a zip: {exc}") from None
    current.cache_clear()
    return current()


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pack_meta(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo("pack.json")
    except KeyError:
        raise PackError("not a signature pack: pack.json is missing") from None
    if info.file_size > 8 * 2**20:
        raise PackError("pack.json is too large")
    try:
        meta = json.loads(zf.read(info))
    except ValueError as exc:
        raise PackError(f"pack.json is not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != PACK_FORMAT:
        raise PackError(f"pack format {meta.get('format') if isinstance(meta, dict) else '?'} is not supported "
                        f"(this tool reads format {PACK_FORMAT})")
    if not _VERSION.match(str(meta.get("version", ""))):
        raise PackError(f"pack version {meta.get('version')!r} is not YYYY.MM.DD[.N]")
    files = meta.get("files")
    if not isinstance(files, dict) or not files or len(files) > PACK_MAX_MEMBERS:
        raise PackError("pack.json lists no files, or too many")
    return meta


def _extract(zf: zipfile.ZipFile, meta: dict[str, Any], staging: Path) -> None:
    names = {i.filename for i in zf.infolist() if not i.is_dir()} - {"pack.json"}
    listed = set(meta["files"])
    if names != listed:
        extra = sorted(names - listed)[:3] or sorted(listed - names)[:3]
        raise PackError(f"the pack's members and pack.json disagree ({', '.join(extra)})")
    total = 0
    for name in sorted(listed):
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or path.parts[0] not in KNOWLEDGE_PARTS or "\\" in name:
            raise PackError(f"unsafe member name in the pack: {name!r}")
        info = zf.getinfo(name)
        total += info.file_size
        if info.file_size > 64 * 2**20 or total > 1024 * 2**20:
            raise PackError(f"{name}: larger than any signature or KB file")
        data = zf.read(info)
        if hashlib.sha256(data).hexdigest() != str(meta["files"][name]).lower():
            raise PackError(f"{name}: its sha256 does not match pack.json")
        target = staging.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (staging / "pack.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _check_loads(staging: Path) -> None:
    from acronis_triage.analyzers.signatures.loader import load_signatures

    sigset = load_signatures(staging / "signatures")
    if sigset.problems or not sigset.signatures:
        first = str(sigset.problems[0]) if sigset.problems else "no signature"
        raise PackError(f"the pack's signatures do not load cleanly ({len(sigset.problems)} problems; {first})")
