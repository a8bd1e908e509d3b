"""A zip made by another program (Acronis's system report) enters the bundle with its text redacted."""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from pathlib import Path

from acronis_triage.collectors.bundle import BundleWriter, verify_bundle
from acronis_triage.collectors.cancel import CancelToken


def _report(tmp_path: Path) -> Path:
    path = tmp_path / "sysinfo.zip"
    binary = os.urandom(3000) + b"\0password=notreally"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("logs/mms.0.log", "2024-01-01T00:00:00:000+00:00 1 I00000000: start\nproxy_password: hunter2\n")
        zf.writestr("config/Global.reg", codecs.BOM_UTF16_LE + '"Password"="Geheim 1"\r\n'.encode("utf-16-le"))
        zf.writestr("dumps/mms.dmp", binary)
        zf.writestr("../escape.txt", "outside")
    return path


def test_text_members_redacted_binary_kept_unsafe_names_left_out(tmp_path: Path) -> None:
    src = _report(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    writer = BundleWriter(out / "b.zip")
    writer.open()
    aw = writer.for_collector("acronis_sysinfo", CancelToken())
    rec = aw.add_zip_redacted(src, "sysinfo.zip", display="acrocmd sysinfo: sysinfo.zip")
    bundle = writer.finalize({})
    verify_bundle(bundle)
    # the binary member is named as copied raw: the note never claims it was redacted
    assert rec is not None
    assert rec.note == "text of 2 members redacted; 1 binary member copied as it is, not redacted: dumps/mms.dmp"
    inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(bundle).read(rec.path)))
    assert sorted(inner.namelist()) == ["config/Global.reg", "dumps/mms.dmp", "logs/mms.0.log"]
    log = inner.read("logs/mms.0.log").decode()
    assert "hunter2" not in log and "I00000000: start" in log
    reg = inner.read("config/Global.reg")
    assert reg.startswith(codecs.BOM_UTF16_LE) and "Geheim" not in reg.decode("utf-16")
    assert inner.read("dumps/mms.dmp") == zipfile.ZipFile(src).read("dumps/mms.dmp")
    assert [e.what for e in aw.excluded] == ["acrocmd sysinfo: sysinfo.zip: ../escape.txt"]


def test_a_file_that_is_not_a_zip_is_taken_whole(tmp_path: Path) -> None:
    src = tmp_path / "report.txt"
    src.write_text("password=abc\n")
    writer = BundleWriter(tmp_path / "b.zip")
    writer.open()
    rec = writer.for_collector("c", CancelToken()).add_zip_redacted(src)
    bundle = writer.finalize({})
    assert rec is not None
    assert zipfile.ZipFile(bundle).read(rec.path) == b"password=*****\n"
