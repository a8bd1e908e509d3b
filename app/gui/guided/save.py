"""Saving the guided mode's bundle where the end user finds it, with their own words in it.

The collection writes a verified bundle into a private staging folder. Saving copies it to the chosen place
(the Desktop), adds the end user's "what happened" text and the technician's case ID as small text members,
rewrites ``manifest.json`` to list them (size and sha256, like every member), verifies the whole bundle
again and only then renames it into place. The staged bundle is left untouched, so a failed save (a full
disk, a folder that cannot be written) loses nothing: the user can choose another place.

No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from acronis_triage.collectors.bundle import BundleError, _give_to_invoking_user, manifest_json, verify_bundle

NOTE_MEMBER = "user/what_happened.txt"
CASE_MEMBER = "user/case.txt"
# Listed as the source of both members in the manifest: support reads this, so it stays in English.
NOTE_SOURCE = "typed by the end user in the guided window"
CASE_SOURCE = "given by the technician (acronis-triage gui --guided)"
MAX_NOTE_CHARS = 20_000


@dataclass(frozen=True)
class SaveRequest:
    staged: Path          # the verified bundle the collection wrote
    target: Path          # where the user wants it; a free name is chosen beside it if it exists
    note: str = ""        # the end user's words, may be empty
    case_id: str = ""
    preset: str = ""


def free_name(target: Path) -> Path:
    """``target``, or ``name (2).zip``, ``name (3).zip`` ... when a file of that name is already there: saving
    never replaces an earlier bundle."""
    if not target.exists():
        return target
    for n in range(2, 10_000):
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise BundleError(f"too many files named like {target.name} in {target.parent}")


def save_bundle(request: SaveRequest) -> Path:
    """Copy the staged bundle to the target with the note and case ID in it; returns the saved path.

    Raises `BundleError` or `OSError` (with the file system's reason); nothing is left at the target then.
    """
    folder = request.target.parent
    if not folder.is_dir():
        raise BundleError(f"the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{request.target.name}.", suffix=".part", dir=folder)
    try:
        # The mode and owner any bundle of the tool gets (umask; the sudo user's when run with sudo).
        _give_to_invoking_user(fd)
    finally:
        os.close(fd)
    part = Path(tmp)
    try:
        shutil.copyfile(request.staged, part)
        extra = _extra_members(request)
        if extra:
            _append_members(part, extra)
        verify_bundle(part)
        target = free_name(request.target)
        # link() fails where the name was taken since free_name looked; replace() would overwrite it.
        try:
            os.link(part, target)
        except FileExistsError:
            target = free_name(request.target)
            os.link(part, target)
        except OSError:
            # File systems without hard links (FAT, some network shares): the name was free a moment ago.
            os.replace(part, target)
        return target
    finally:
        part.unlink(missing_ok=True)


def _extra_members(request: SaveRequest) -> list[tuple[str, bytes, str]]:
    from acronis_triage.collectors.redact import Redactor

    members = []
    note = request.note.strip()
    if note:
        # Users paste error messages with passwords or tokens in them: the one redactor runs over their words too.
        text = Redactor().redact_text(note[:MAX_NOTE_CHARS])
        members.append((NOTE_MEMBER, (text.replace("\r\n", "\n") + "\n").encode("utf-8"), NOTE_SOURCE))
    lines = []
    if request.case_id:
        lines.append(f"case ID: {request.case_id}")
    if request.preset:
        lines.append(f"preset: {request.preset}")
    if lines:
        members.append((CASE_MEMBER, ("\n".join(lines) + "\n").encode("utf-8"), CASE_SOURCE))
    return members


def _append_members(path: Path, members: list[tuple[str, bytes, str]]) -> None:
    """Add members to a finished bundle and list them in a new manifest.json, which replaces the old one.

    The bundle writer puts manifest.json last, so its local header, data and the central directory are the
    tail of the file: the new members and manifest are written over that tail (ZipFile's append mode truncates
    what is left after the new central directory). Every other member's bytes stay where they are.
    """
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        infos = zf.infolist()
        try:
            old = zf.getinfo("manifest.json")
        except KeyError as exc:
            raise BundleError(f"{path.name}: no manifest.json") from exc
        if old is not max(infos, key=lambda i: i.header_offset):
            raise BundleError(f"{path.name}: manifest.json is not the last member; not a bundle of this tool")
        manifest = json.loads(zf.read(old))
        files = list(manifest.pop("files", []))
        taken = {f.get("path") for f in files}
        zf.filelist.remove(old)
        del zf.NameToInfo["manifest.json"]
        zf.start_dir = old.header_offset
        zf._didModify = True  # type: ignore[attr-defined]  # close() must write the new central directory even if nothing else changes
        stamp = time.localtime()[:6]
        for name, data, source in members:
            if name in taken:  # saved once already (a second save of the same staged bundle): keep the first
                continue
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
            files.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                          "source": source, "collector": None, "truncated": False, "kind": "generated"})
        info = zipfile.ZipInfo("manifest.json", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        zf.writestr(info, manifest_json(manifest, files).encode("utf-8"))

