"""The bundle writer: caps and tails, encodings, redaction, unreadable files, full disks, verification."""

from __future__ import annotations

import codecs
import json
import os
import sys
import zipfile
from collections import namedtuple
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.collectors.bundle import BundleError, BundleWriter, DiskFull, manifest_json, verify_bundle
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.runner import CommandResult

Usage = namedtuple("Usage", "total used free")


def _writer(tmp_path: Path, **kwargs) -> BundleWriter:
    writer = BundleWriter(tmp_path / "b.zip", **kwargs)
    writer.open()
    return writer


def _finish(writer: BundleWriter) -> tuple[Path, dict]:
    path = writer.finalize({"schema_version": 1})
    return path, verify_bundle(path)


def test_every_member_listed_with_sha256(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    aw.add_text("a.txt", "one\n", source="s")
    aw.add_text("a.txt", "two\n", source="s")  # same name twice: kept apart, not overwritten
    writer.add_generated("analysis/findings.json", "{}")
    path, manifest = _finish(writer)
    paths = [f["path"] for f in manifest["files"]]
    assert paths == ["collected/c/a.txt", "collected/c/a~2.txt", "analysis/findings.json"]
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted([*paths, "manifest.json"])


def test_nothing_under_final_name_until_finalized(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.for_collector("c", CancelToken()).add_text("a.txt", "x", source="s")
    assert not (tmp_path / "b.zip").exists()
    assert writer.part_path is not None and writer.part_path.exists()
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_big_log_keeps_its_tail_from_a_line_start(tmp_path: Path) -> None:
    log = tmp_path / "mms.0.log"
    lines = [f"2024-05-01T10:00:{i % 60:02d}:000+02:00 1 I00000000: line {i}\n" for i in range(5000)]
    log.write_text("".join(lines))
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(log, max_bytes=10_000)
    path, manifest = _finish(writer)
    assert rec is not None and rec.truncated
    entry = manifest["files"][0]
    assert entry["truncated"] is True
    assert entry["original_size"] == log.stat().st_size
    data = zipfile.ZipFile(path).read(entry["path"]).decode()
    assert len(data) <= 10_000
    assert data.startswith("2024-05-01T")
    assert data.endswith("line 4999\n")


def test_structured_file_is_never_cut(tmp_path: Path) -> None:
    xml = tmp_path / "activity.xml"
    xml.write_text("<log>" + "<event id='1'/>" * 2000 + "</log>")
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(xml, max_bytes=100, structured=True)
    path, _ = _finish(writer)
    assert rec is not None and not rec.truncated
    assert zipfile.ZipFile(path).read(rec.path) == xml.read_bytes()


def test_secrets_are_redacted_in_text_files(tmp_path: Path) -> None:
    cfg = tmp_path / "aakore.yaml"
    cfg.write_text(
        "http: 127.0.0.1:9999\nenv:\n  http_proxy: http://proxyuser:S3cretPass@proxy.local:3128\n"
        "  proxy_password: hunter2\n"
    )
    writer = _writer(tmp_path)
    aw = writer.for_collector("cfg", CancelToken())
    rec = aw.add_file(cfg)
    aw.add_text("reg.txt", "    Password    REG_SZ    TopSecret1\n    Host    REG_SZ    proxy\n", source="reg")
    path, _ = _finish(writer)
    zf = zipfile.ZipFile(path)
    text = zf.read(rec.path).decode()
    assert "S3cretPass" not in text and "hunter2" not in text
    assert "127.0.0.1:9999" in text
    reg = zf.read("collected/cfg/reg.txt").decode()
    assert "TopSecret1" not in reg and "Host    REG_SZ    proxy" in reg


def test_utf16_file_with_bom_stays_utf16_and_is_redacted(tmp_path: Path) -> None:
    src = tmp_path / "export.reg"
    content = 'Windows Registry Editor Version 5.00\r\n\r\n"Password"="Geheim123"\r\n"Port"=dword:00000c38\r\n'
    src.write_bytes(codecs.BOM_UTF16_LE + content.encode("utf-16-le"))
    writer = _writer(tmp_path)
    rec = writer.for_collector("reg", CancelToken()).add_file(src)
    path, _ = _finish(writer)
    data = zipfile.ZipFile(path).read(rec.path)
    assert data.startswith(codecs.BOM_UTF16_LE)
    text = data.decode("utf-16")
    assert "Geheim123" not in text
    assert '"Port"=dword:00000c38' in text


def test_utf16_tail_starts_on_a_character(tmp_path: Path) -> None:
    src = tmp_path / "u16.log"
    text = "".join(f"Zeile {i}: Fehler äöü\r\n" for i in range(3000))
    src.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    writer = _writer(tmp_path)
    rec = writer.for_collector("l", CancelToken()).add_file(src, max_bytes=4001)
    path, _ = _finish(writer)
    tail = zipfile.ZipFile(path).read(rec.path).decode("utf-16-le")
    assert tail.startswith("Zeile ")
    assert tail.endswith("Zeile 2999: Fehler äöü\r\n")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_a_skip_with_reason(tmp_path: Path) -> None:
    src = tmp_path / "locked.log"
    src.write_text("x")
    src.chmod(0)
    writer = _writer(tmp_path)
    aw = writer.for_collector("l", CancelToken())
    assert aw.add_file(src) is None
    assert aw.skipped[0].reason.startswith("cannot read")


def test_unreadable_file_is_a_skip_with_reason_any_user(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "locked.log"
    src.write_text("x")
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path) == str(src):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    writer = _writer(tmp_path)
    aw = writer.for_collector("l", CancelToken())
    assert aw.add_file(src) is None
    assert aw.skipped[0].reason == "cannot read: Permission denied"
    monkeypatch.undo()
    _finish(writer)


def test_full_disk_before_start(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path / "b.zip", disk_usage=lambda p: Usage(10**9, 10**9, 10 * 2**20))
    with pytest.raises(DiskFull, match="not enough free space"):
        writer.open()
    assert list(tmp_path.iterdir()) == []


def test_full_disk_while_writing_leaves_nothing(tmp_path: Path) -> None:
    free = [10**10]
    writer = BundleWriter(tmp_path / "b.zip", disk_usage=lambda p: Usage(10**10, 0, free[0]))
    writer.open()
    aw = writer.for_collector("c", CancelToken())
    free[0] = 2**20  # the disk fills up while we write
    with pytest.raises(DiskFull):
        aw.add_bytes("big.bin", os.urandom(20 * 2**20), source="s", redact=False)
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_command_output_is_self_describing(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    result = CommandResult(("vssadmin", "list", "writers"), 0, b"Writer name: 'System Writer'\n", b"", 1.5)
    aw.add_command("vssadmin_list_writers.txt", result)
    ran = CommandResult(("uname", "-a"), 0, b"Linux\n", b"", 0.1, started_utc="2026-11-26T10:00:00+00:00")
    aw.add_command("uname.txt", ran)
    missing = CommandResult(("dkms", "status"), None, error="command not found: dkms")
    assert aw.add_command("dkms_status.txt", missing) is None
    path, manifest = _finish(writer)
    text = zipfile.ZipFile(path).read("collected/c/vssadmin_list_writers.txt").decode()
    assert text.startswith("# command: vssadmin list writers\n# result: exit code 0; 1.50 s\n\n")
    assert manifest["files"][0]["kind"] == "command"
    uname = zipfile.ZipFile(path).read("collected/c/uname.txt").decode()
    assert "\n# ran: 2026-11-26T10:00:00+00:00 on " in uname and uname.endswith("\n\nLinux\n")
    assert aw.skipped[0].reason == "command not found: dkms"


def test_verify_detects_tampering_and_unlisted_files(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    writer.for_collector("c", CancelToken()).add_text("a.txt", "x", source="s")
    path, manifest = _finish(writer)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("extra.txt", "not listed")
    with pytest.raises(BundleError, match="not listed"):
        verify_bundle(path)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        manifest["files"][0]["sha256"] = "0" * 64
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("collected/c/a.txt", "x")
    with pytest.raises(BundleError, match="sha256"):
        verify_bundle(bad)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(BundleError, match="not a readable zip"):
        verify_bundle(tmp_path / "junk.zip")


def test_output_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="does not exist"):
        BundleWriter(tmp_path / "nope" / "b.zip").open()


def test_closed_writer_refuses_late_writes(tmp_path: Path) -> None:
    from acronis_triage.collectors.base import Cancelled

    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    aw.closed = True
    with pytest.raises(Cancelled):
        aw.add_text("late.txt", "x", source="s")
    writer.abort()


def test_member_larger_than_the_memory_spool_goes_through_a_temporary_file(tmp_path: Path, monkeypatch) -> None:
    import acronis_triage.collectors.bundle_deflate as deflate_module

    monkeypatch.setattr(deflate_module, "SPOOL_IN_MEMORY", 64 * 1024)
    big = os.urandom(600 * 1024)  # incompressible: the spool outgrows memory and moves to a file
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    rec = aw.add_bytes("big.bin", big, source="s", redact=False)
    aw.add_text("small.txt", "x\n", source="s")
    path, manifest = _finish(writer)
    assert zipfile.ZipFile(path).read(rec.path) == big
    assert [f["size"] for f in manifest["files"]] == [len(big), 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]  # no spool left beside the bundle


def test_members_past_the_zip64_limits_are_readable(tmp_path: Path, monkeypatch) -> None:
    # The append writes local headers itself; with the ZIP64 limit lowered, every member and offset needs
    # the ZIP64 extra fields and end records that a > 4 GiB member would.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    data = os.urandom(5000)
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    aw.add_bytes("a.bin", data, source="s", redact=False)
    aw.add_bytes("b.bin", data[::-1], source="s", redact=False)
    path, _ = _finish(writer)
    monkeypatch.undo()
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        assert zf.read("collected/c/a.bin") == data and zf.read("collected/c/b.bin") == data[::-1]
        assert all(info.extract_version >= 45 for info in zf.infolist() if info.filename != "manifest.json")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_bundle_gets_the_users_file_mode_but_never_for_others(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        writer = _writer(tmp_path)
        writer.for_collector("c", CancelToken()).add_text("a.txt", "x", source="s")
        path, _ = _finish(writer)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="only root can give a file away")
def test_bundle_made_under_sudo_belongs_to_the_invoking_user(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUDO_UID", "4321")
    monkeypatch.setenv("SUDO_GID", "4322")
    writer = _writer(tmp_path)
    writer.for_collector("c", CancelToken()).add_text("a.txt", "x", source="s")
    path, _ = _finish(writer)
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)


def test_own_unfinished_bundle_is_never_collected(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    aw = writer.for_collector("logs", CancelToken())
    assert writer.part_path is not None
    assert aw.add_file(writer.part_path) is None
    assert aw.excluded[0].reason == "this run's own unfinished bundle" and not aw.skipped
    writer.reopen_for_append()  # now a readable zip: copying it as one must be refused too
    assert aw.add_zip_redacted(writer.part_path) is None
    assert [e.reason for e in aw.excluded] == ["this run's own unfinished bundle"] * 2
    other = tmp_path / ".b.zip.notes.txt"  # same prefix, but not ours: the folder decides, then the name
    other.write_text("x")
    sub = tmp_path / "sub"
    sub.mkdir()
    twin = sub / writer.part_path.name
    twin.write_text("someone else's file")
    assert aw.add_file(twin) is not None
    _finish(writer)


def test_member_finished_after_its_collector_was_abandoned_is_not_added(tmp_path: Path) -> None:
    from acronis_triage.collectors.base import Cancelled

    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())

    def produce(sink) -> None:
        sink.write(b"read before the timeout\n")
        aw.closed = True  # the engine gave up on the collector while it was still reading

    with pytest.raises(Cancelled):
        writer.write_member("collected/c/late.txt", produce, source="s", collector="c", accept=aw._open)
    _, manifest = _finish(writer)
    assert manifest["files"] == []


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.text(max_size=8).filter(lambda k: k != "files"),
                    st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                                 lambda inner: st.lists(inner, max_size=3)
                                 | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8),
                    max_size=5),
    st.lists(st.dictionaries(st.text(max_size=8), st.text() | st.integers() | st.none() | st.booleans(),
                             max_size=6), max_size=5),
)
def test_manifest_text_is_the_manifest(manifest: dict, files: list) -> None:
    text = manifest_json(manifest, files)
    assert json.loads(text) == {**manifest, "files": files}
    assert text.count("\n") >= len(files)  # one member per line


def _small_bundle(tmp_path: Path) -> Path:
    writer = _writer(tmp_path)
    aw = writer.for_collector("c", CancelToken())
    aw.add_text("a.log", "2024-05-01 line one\n" * 50, source="s")
    aw.add_bytes("b.bin", bytes(range(256)) * 4, source="s", redact=False)
    path, _ = _finish(writer)
    return path


def test_verify_detects_a_damaged_member(tmp_path: Path) -> None:
    path = _small_bundle(tmp_path)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("collected/c/a.log")
    data = bytearray(path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 3] ^= 0x20
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(BundleError):
        verify_bundle(bad)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_verify_answers_any_damage_with_bundle_error(tmp_path_factory, data) -> None:
    # Hostile or damaged archives: one byte changed anywhere, or the file cut anywhere, is a BundleError
    # (or, where the byte changed nothing that matters, a pass), never another exception.
    folder = tmp_path_factory.mktemp("v")
    original = _small_bundle(folder).read_bytes()
    damaged = bytearray(original)
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] ^= data.draw(st.integers(1, 255))
    else:
        del damaged[data.draw(st.integers(0, len(damaged) - 1)):]
    target = folder / "damaged.zip"
    target.write_bytes(bytes(damaged))
    try:
        verify_bundle(target)
    except BundleError:
        pass


# ---- issue 8: whole files that bypassed the redactor, and secrets across a tail cut or in a file name

def _member(path: Path, rec) -> bytes:
    return zipfile.ZipFile(path).read(rec.path)


def test_a_log_starting_with_nul_bytes_is_redacted_as_text(tmp_path: Path) -> None:
    log = tmp_path / "mms.0.log"  # a power loss leaves the first kilobytes zeroed
    log.write_bytes(b"\0" * 8192 + b"2024-05-01 backup failed\nproxy_password: hunter2\nerror 0x80070005\n")
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(log)
    path, _ = _finish(writer)
    data = _member(path, rec)
    assert b"hunter2" not in data and b"error 0x80070005" in data and data.startswith(b"\0" * 8192)
    assert "binary" not in rec.note


def test_a_truly_binary_file_is_copied_raw_and_the_manifest_says_so(tmp_path: Path) -> None:
    db = tmp_path / "archives.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(db, structured=True)
    path, manifest = _finish(writer)
    assert _member(path, rec) == db.read_bytes()
    assert manifest["files"][0]["note"] == "binary content: copied as it is, not redacted"


def test_a_pem_key_across_the_tail_cut_keeps_no_line_of_its_body(tmp_path: Path) -> None:
    body = [f"MIIEpAIBAAKCAQEA{i:04d}" + "x" * 44 for i in range(30)]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END RSA PRIVATE KEY-----\n"
    head = "".join(f"2024-05-01 line {i}\n" for i in range(200))
    tail = "".join(f"2024-05-02 error {i}\n" for i in range(20))
    log = tmp_path / "agent.log"
    log.write_text(head + pem + tail)
    # the cut falls in the middle of the key: its BEGIN line is above it
    keep = len(tail) + len(pem) // 2
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(log, max_bytes=keep)
    path, _ = _finish(writer)
    data = _member(path, rec).decode()
    assert rec.truncated
    assert not any(line[:20] in data for line in body)
    assert "2024-05-02 error 19" in data and "-----END RSA PRIVATE KEY-----" in data


def test_secret_in_a_file_name_is_masked_in_the_member_path_and_the_manifest(tmp_path: Path) -> None:
    log = tmp_path / "backup_password=Hunter2Pw.log"
    log.write_text("2024-05-01 ok\n")
    writer = _writer(tmp_path)
    aw = writer.for_collector("logs", CancelToken())
    rec = aw.add_file(log, f"logs/{log.name}", display=str(log))
    aw.skip(str(tmp_path / "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl.log"), "cannot read")
    path, manifest = _finish(writer)
    assert rec.path == "collected/logs/logs/backup_password=REDACTED.log"
    text = json.dumps(manifest) + json.dumps([s.to_json() for s in aw.skipped])
    assert "Hunter2Pw" not in text and "eyJzdWIiOiIxIn0" not in text
    assert zipfile.ZipFile(path).read(rec.path) == b"2024-05-01 ok\n"


def test_a_command_line_in_the_output_header_is_redacted(tmp_path: Path) -> None:
    writer = _writer(tmp_path)
    result = CommandResult(("register_agent", "-o", "register", "-u", "admin", "-p", "R3gPw"), 0, b"done\n")
    writer.for_collector("c", CancelToken()).add_command("out.txt", result)
    path, manifest = _finish(writer)
    assert b"R3gPw" not in zipfile.ZipFile(path).read("collected/c/out.txt")
    assert "R3gPw" not in json.dumps(manifest)


def _compressed(kind: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma

    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind](data)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz"])
def test_compressed_logs_are_stored_decompressed_and_redacted(tmp_path: Path, kind: str) -> None:
    src = tmp_path / f"mms.3.log.{kind}"
    src.write_bytes(_compressed(kind, b"2024-05-01 start\npassword=Comp1Pw\n2024-05-01 error 5\n"))
    writer = _writer(tmp_path)
    rec = writer.for_collector("logs", CancelToken()).add_file(src)
    path, _ = _finish(writer)
    assert rec is not None and rec.path == "collected/logs/mms.3.log"
    data = _member(path, rec)
    assert b"Comp1Pw" not in data and b"2024-05-01 error 5" in data
    assert f"decompressed from mms.3.log.{kind}" in rec.note


def test_archives_in_a_folder_are_opened_member_by_member(tmp_path: Path) -> None:
    import io
    import tarfile

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/agent.log", "token=Inner1Tok\nerror inner\n")
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w:gz") as tf:
        for name, content in (("old/mms.log", b"password=Tar1Pw\nerror in tar\n"), ("old/inner.zip", inner.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tf.addfile(info, io.BytesIO(content))
    (tmp_path / "old.tar.gz").write_bytes(tar_bytes.getvalue())
    with zipfile.ZipFile(tmp_path / "logs.zip", "w") as zf:
        zf.writestr("a/mms.log", "Password: Zip1Pw\nerror in zip\n")
        zf.writestr("rotated.log.gz", _compressed("gz", b"secret=Gz1InZip\nerror in gz\n"))
        zf.writestr("password=FileName1.txt", "x\n")
    writer = _writer(tmp_path)
    aw = writer.for_collector("logs", CancelToken())
    tar_rec = aw.add_file(tmp_path / "old.tar.gz")
    zip_rec = aw.add_file(tmp_path / "logs.zip")
    path, manifest = _finish(writer)
    assert tar_rec.path == "collected/logs/old.tar.zip"
    members = {}
    for rec in (tar_rec, zip_rec):
        with zipfile.ZipFile(io.BytesIO(_member(path, rec))) as zf:
            members.update({n: zf.read(n) for n in zf.namelist()})
    everything = b"".join(members.values()) + "".join(members).encode() + json.dumps(manifest).encode()
    for secret in (b"Inner1Tok", b"Tar1Pw", b"Zip1Pw", b"Gz1InZip", b"FileName1"):
        assert secret not in everything
    assert members["old.tar/old/inner.zip/deep/agent.log"].endswith(b"error inner\n")
    assert members["rotated.log"].endswith(b"error in gz\n")
    assert "password=REDACTED.txt" in members


def test_a_decompression_bomb_is_left_out_with_the_reason_in_bounded_memory(tmp_path: Path) -> None:
    import gzip
    import tracemalloc

    block = gzip.compress(bytes(64 * 2**20), compresslevel=9)  # 64 MiB of zeros in ~64 KiB
    (tmp_path / "mms.9.log.gz").write_bytes(block * 16)  # 1 GiB in ~1 MiB: several gzip members in a row
    writer = _writer(tmp_path)
    aw = writer.for_collector("logs", CancelToken())
    tracemalloc.start()
    rec = aw.add_file(tmp_path / "mms.9.log.gz")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    _finish(writer)
    assert rec is None
    assert "decompression bomb" in aw.excluded[0].reason
    assert peak < 64 * 2**20


def test_an_archive_format_that_cannot_be_redacted_is_left_out_with_the_reason(tmp_path: Path) -> None:
    src = tmp_path / "old_logs.7z"
    src.write_bytes(b"7z\xbc\xaf\x27\x1c" + os.urandom(200))
    writer = _writer(tmp_path)
    aw = writer.for_collector("logs", CancelToken())
    assert aw.add_file(src) is None
    _path, manifest = _finish(writer)
    assert manifest["files"] == []
    assert "cannot be redacted" in aw.excluded[0].reason
