"""The issue's check, automated: collect an offline root full of planted secrets, unpack everything in the bundle
(nested archives and compressed members too), and find none of them, while the error lines beside them are
still there.

The root is tests/data/roots/planted_secrets (built by tests/data/roots/build_planted_secrets.py). Every secret
holds the marker ``Pl4nt``; it is looked for in every form it could take in the output: as it is, in any case,
in UTF-16, as .reg hex bytes, and base64- or base64url-encoded at any alignment. Two logs are added at run time
because they are large: one with a PEM key across the redactor's 1 MiB read boundary, one with a key across the
25 MiB tail cut of a big log.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import json
import lzma
import re
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from acronis_triage.app.cli import main
from acronis_triage.collectors.bundle import CHUNK, DEFAULT_FILE_CAP

ROOT = Path(__file__).resolve().parents[2] / "data" / "roots" / "planted_secrets"
MARKER = b"Pl4nt"
KEEP = re.compile(rb"keepme-\d+")


def _base64_cores() -> list[bytes]:
    """The characters that encode nothing but the marker, for each alignment of it in base64 and base64url."""
    cores = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for shift in range(3):
            encoded = encode(b"\0" * shift + MARKER)
            first = -(-8 * shift // 6)
            last = (8 * (shift + len(MARKER))) // 6
            cores.append(encoded[first:last])
    return cores


PLAIN = [MARKER.lower(), b"50,6c,34,6e,74"]  # searched in lower-cased data: any case, .reg hex bytes
ENCODED = _base64_cores()


def unpack(name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """Every leaf of ``data``: zip, tar, gzip, bzip2 and xz opened, recursively; names are leaves too."""
    yield f"{name} (name)", name.encode("utf-8", "surrogateescape")
    assert depth < 8, name
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                yield from unpack(f"{name}/{info.filename}", zf.read(info), depth + 1)
        return
    if data.startswith(b"\x1f\x8b"):
        yield from unpack(f"{name}|gunzip", gzip.decompress(data), depth + 1)
        return
    if data.startswith(b"BZh"):
        yield from unpack(f"{name}|bunzip2", bz2.decompress(data), depth + 1)
        return
    if data.startswith(b"\xfd7zXZ\x00"):
        yield from unpack(f"{name}|unxz", lzma.decompress(data), depth + 1)
        return
    if len(data) > 262 and data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            for info in tf.getmembers():
                handle = tf.extractfile(info)
                if handle is not None:
                    yield from unpack(f"{name}/{info.name}", handle.read(), depth + 1)
        return
    yield name, data
    for enc in ("utf-16-le", "utf-16-be"):
        yield f"{name} ({enc})", data.decode(enc, errors="ignore").encode("utf-8", "ignore")


def leaks(name: str, data: bytes) -> list[str]:
    low = data.lower()
    found = []
    for form, hay in [(f, low) for f in PLAIN] + [(f, data) for f in ENCODED]:
        i = hay.find(form)
        if i >= 0:
            found.append(f"{name}: {data[max(0, i - 60):i + 40]!r}")
    return found


def _big_logs(root: Path) -> None:
    """A PEM key across the 1 MiB read boundary, and one across the tail cut of a log over the cap."""
    pem = ("-----BEGIN PRIVATE KEY-----\n"
           + "".join(f"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC{i:02d}Pl4ntPemBody{i:02d}xyz\n"
                     for i in range(40))
           + "-----END PRIVATE KEY-----\n")
    line = "2024-05-12T22:00:07:205+02:00 9044 I00000000: heartbeat ok\n"
    logs = root / "ProgramData/Acronis/AccountServer/Logs"
    logs.mkdir(parents=True, exist_ok=True)
    filler = line * ((CHUNK - len(pem) // 2) // len(line))
    (logs / "account_server.log").write_text(
        filler + pem + "2024-05-12T22:00:08:000+02:00 9044 E00000000: after the key keepme-90\n" + line * 100)
    head = line * (2**20 // len(line))
    after = "2024-05-12T22:00:09:000+02:00 9044 E00000000: after the cut key keepme-91\n"
    tail = after + line * ((DEFAULT_FILE_CAP - len(pem) // 2 - len(after)) // len(line))
    cut_at = len(head) + len(pem) + len(tail) - DEFAULT_FILE_CAP  # the kept tail starts here: in the key's body
    assert len(head) + 100 < cut_at < len(head) + len(pem) - 100
    (logs / "account_server.0.log").write_text(head + pem + tail)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("planted") / "root"
    shutil.copytree(ROOT, root)
    _big_logs(root)
    out = root.parent / "bundle.zip"
    code = main(["collect", "--root", str(root), "--output", str(out), "--quiet", "--since", "30"])
    assert code in (0, 2), code
    return root, out


def test_the_planted_root_really_holds_every_marker() -> None:
    # the test below can only fail if the secrets are there to find: every source file holds the marker
    # (in its name, inside an archive, or encoded), and the base64 forms are found where they are
    for path in ROOT.rglob("*"):
        if path.is_file():
            leaves = unpack(str(path.relative_to(ROOT)), path.read_bytes())
            assert any(leaks(leaf, data) for leaf, data in leaves), path
    assert leaks("x", base64.b64encode(b"user:Pl4nt16")) and leaks("x", b"hex:50,6C,34,6E,74,34")


def test_no_planted_secret_survives_anywhere_in_the_bundle(collected: tuple[Path, Path]) -> None:
    _root, bundle = collected
    found: list[str] = []
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            for leaf, data in unpack(info.filename, zf.read(info)):
                found.extend(leaks(leaf, data))
    assert not found, "\n".join(found[:20])


def test_the_error_lines_around_them_are_still_there(collected: tuple[Path, Path]) -> None:
    root, bundle = collected
    expected: set[bytes] = set()
    for path in root.rglob("*"):
        if path.is_file():
            for _leaf, data in unpack(path.name, path.read_bytes()):
                expected.update(KEEP.findall(data))
    assert len(expected) >= 30
    seen: set[bytes] = set()
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            if info.filename.startswith("collected/"):
                for _leaf, data in unpack(info.filename, zf.read(info)):
                    seen.update(KEEP.findall(data))
    assert sorted(expected - seen) == []


def test_the_manifest_says_what_was_taken_how(collected: tuple[Path, Path]) -> None:
    _root, bundle = collected
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    files = {f["path"]: f for f in manifest["files"]}
    logs = "collected/acronis_logs/ProgramData/Acronis/"
    assert logs + "Agent/var/log/aakore/password=REDACTED.log" in files
    assert logs + "Agent/var/log/aakore/support.tar.zip" in files
    assert "decompressed from mms.1.log.gz" in files[logs + "BackupAndRecovery/MMS/mms.1.log"]["note"]
    assert files[logs + "AccountServer/Logs/account_server.0.log"]["truncated"] is True
    assert "binary" not in files[logs + "BackupAndRecovery/MMS/mms.3.log"].get("note", "")
