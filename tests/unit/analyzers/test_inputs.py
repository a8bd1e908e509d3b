"""Input resolution: files, folders, our bundles, foreign zips (nested one level), .7z, stdin; hostile archives
are never extracted and are capped, each refusal with a reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import py7zr
import pytest

from acronis_triage.analyzers.inputs import Limits, resolve_inputs
from acronis_triage.analyzers.model import LogSource, Skipped

LINE = b"2020-01-01T10:00:00:000+01:00 5616 E00000000: Snapshot failed: code 0x80042313\n"


def _split(items):
    sources = [i for i in items if isinstance(i, LogSource)]
    skipped = {s.path: s.reason for s in items if isinstance(s, Skipped)}
    return sources, skipped


def _read(source: LogSource) -> bytes:
    with source.open() as fh:
        return fh.read()


def test_file_folder_and_binary_skip(tmp_path):
    (tmp_path / "logs" / "sub").mkdir(parents=True)
    (tmp_path / "logs" / "mms.0.log").write_bytes(LINE)
    (tmp_path / "logs" / "sub" / "x.txt").write_bytes(b"hello\n")
    (tmp_path / "logs" / "dump.dmp").write_bytes(b"MDMP\x93\xa7\x00\x00" + bytes(range(256)) * 4)
    (tmp_path / "logs" / "utf16.log").write_bytes("héllo\nworld\n".encode("utf-16"))
    sources, skipped = _split(resolve_inputs([str(tmp_path / "logs")]))
    assert sorted(Path(s.name).name for s in sources) == ["mms.0.log", "utf16.log", "x.txt"]
    assert list(skipped.values()) == ["binary file (not a text log)"]
    assert all(s.size for s in sources)


def test_missing_path_and_stdin(tmp_path):
    sources, skipped = _split(resolve_inputs([str(tmp_path / "nope"), "-"], stdin=io.BytesIO(LINE)))
    assert skipped == {str(tmp_path / "nope"): "no such file or folder"}
    assert [s.name for s in sources] == ["<stdin>"]
    assert _read(sources[0]) == LINE
    assert _read(sources[0]) == LINE  # can be opened again (format detection, then scan)


def test_empty_and_oversized_stdin():
    _, skipped = _split(resolve_inputs(["-"], stdin=io.BytesIO(b"")))
    assert skipped == {"-": "standard input was empty"}
    _, skipped = _split(resolve_inputs(["-"], stdin=io.BytesIO(b"x" * 100), limits=Limits(stdin_bytes=10)))
    assert "larger than" in skipped["-"]


def test_our_bundle_reads_only_collected_members(tmp_path):
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("analysis/findings.json", "{\"x\": \"Snapshot failed: code 0x80042313\"}")
        zf.writestr("report.html", "<html>Snapshot failed: code 0x80042313</html>")
        zf.writestr("collected/acronis_logs/mms.0.log", LINE)
        zf.writestr("collected/system_info/os.txt", "Windows\n")
    sources, skipped = _split(resolve_inputs([str(bundle)]))
    assert [s.name.split("!")[1] for s in sources] == ["collected/acronis_logs/mms.0.log",
                                                       "collected/system_info/os.txt"]
    assert _read(sources[0]) == LINE
    assert skipped == {}


def test_foreign_zip_with_nested_zip_and_7z_one_level(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("inner/mms.1.log", LINE)
        zf.writestr("deeper.zip", b"PK\x03\x04 not opened")
    seven = tmp_path / "s.7z"
    with py7zr.SevenZipFile(seven, "w") as sz:
        sz.writestr(LINE, "seven/mms.2.log")
    outer = tmp_path / "SystemReport.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("report/mms.0.log", LINE)
        zf.writestr("report/nested.zip", inner.getvalue())
        zf.writestr("report/s.7z", seven.read_bytes())
    sources, skipped = _split(resolve_inputs([str(outer)]))
    names = [s.name.removeprefix(str(outer)) for s in sources]
    assert names == ["!report/mms.0.log", "!report/nested.zip!inner/mms.1.log", "!report/s.7z!seven/mms.2.log"]
    assert all(_read(s) == LINE for s in sources)
    assert [r for p, r in skipped.items() if p.endswith("deeper.zip")] == [
        "archive nested more than one level deep; not opened"]


def test_7z_archive(tmp_path):
    path = tmp_path / "logs.7z"
    with py7zr.SevenZipFile(path, "w") as sz:
        sz.writestr(LINE, "mms.0.log")
        sz.writestr(b"MDMP\x93\xa7\x00\x00" + bytes(range(256)) * 4, "bin.dat")
    sources, skipped = _split(resolve_inputs([str(path)]))
    assert [s.name for s in sources] == [f"{path}!mms.0.log"]
    assert _read(sources[0]) == LINE
    assert skipped == {f"{path}!bin.dat": "binary file (not a text log)"}


def test_zip_slip_names_are_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../etc/passwd.log", LINE)
        zf.writestr("/abs/x.log", LINE)
        zf.writestr("C:/Windows/x.log", LINE)
        zf.writestr("ok/x.log", LINE)
    sources, skipped = _split(resolve_inputs([str(path)]))
    assert [s.name for s in sources] == [f"{path}!ok/x.log"]
    assert len(skipped) == 3
    assert all("unsafe member name" in r for r in skipped.values())
    assert not (tmp_path.parent.parent / "etc" / "passwd.log").exists()


def test_zip_bomb_ratio_and_size_caps(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.log", b"\n" * (4 * 2**20))
        zf.writestr("big.log", LINE * 2000)
    limits = Limits(ratio=100, ratio_floor=2**20, member_bytes=100_000)
    sources, skipped = _split(resolve_inputs([str(path)], limits=limits))
    assert sources == []
    assert "looks like a zip bomb" in skipped[f"{path}!bomb.log"] or "MiB" in skipped[f"{path}!bomb.log"]
    assert "more than" in skipped[f"{path}!big.log"]
    limits = Limits(ratio=100, ratio_floor=2**20)
    _, skipped = _split(resolve_inputs([str(path)], limits=limits))
    assert skipped[f"{path}!bomb.log"].startswith("compression ratio")


def test_member_count_and_total_caps(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(5):
            zf.writestr(f"{i}.log", LINE * 10)
    _, skipped = _split(resolve_inputs([str(path)], limits=Limits(members=3)))
    assert "5 members" in skipped[str(path)]
    sources, skipped = _split(resolve_inputs([str(path)], limits=Limits(total_bytes=len(LINE) * 25)))
    assert len(sources) == 2
    assert len(skipped) == 3


def test_understated_member_size_is_cut_while_reading(tmp_path):
    from acronis_triage.analyzers.inputs import _CappedReader

    reader = _CappedReader(io.BytesIO(b"x" * 100), 10)
    with pytest.raises(OSError, match="larger than the size limit"):
        reader.read()


def test_broken_archives_are_skipped_with_a_reason(tmp_path):
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    bad_7z = tmp_path / "bad.7z"
    bad_7z.write_bytes(b"7z\xbc\xaf\x27\x1c" + b"garbage" * 10)
    _, skipped = _split(resolve_inputs([str(bad_zip), str(bad_7z)]))
    assert skipped[str(bad_zip)].startswith("not a readable zip archive")
    assert skipped[str(bad_7z)].startswith("not a readable .7z archive")
