"""Issue 8, class 6: every container kind streams under size, ratio and decoder-memory caps, and what a cap
stops is reported with the reason. Peak memory is measured on a subprocess (generous bound, no timing)."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import py7zr
import pytest

from acronis_triage.analyzers.analyze import analyze_paths
from acronis_triage.analyzers.inputs import Limits, resolve_inputs
from acronis_triage.analyzers.model import LogSource, Skipped

ROOT = Path(__file__).resolve().parents[3]
INFO = b"2021-03-01T10:00:00:000+01:00 100 I00000000: routine" + b" " * 4000 + b"\n"


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


def _solid_7z(path: Path, members: int, member_bytes: int, preset: int = 1) -> Path:
    data = INFO * (member_bytes // len(INFO))
    with py7zr.SevenZipFile(path, "w", filters=[{"id": py7zr.FILTER_LZMA2, "preset": preset}]) as z:
        for i in range(members):
            z.writef(io.BytesIO(data), f"logs/mms.{i}.log")
    return path


@pytest.fixture(scope="module")
def bomb_7z(tmp_path_factory) -> Path:
    """A ~90 KB solid .7z whose three members expand to 3 x 120 MiB; only the first has a compressed size."""
    return _solid_7z(tmp_path_factory.mktemp("bomb") / "bomb.7z", 3, 120 * 2**20)


def _gzip_bomb(mib: int) -> bytes:
    co = zlib.compressobj(6, zlib.DEFLATED, 31)
    block = INFO * (2**20 // len(INFO))
    return b"".join(co.compress(block) for _ in range(mib)) + co.flush()


def test_solid_7z_members_without_a_compressed_size_are_ratio_checked(bomb_7z: Path) -> None:
    items = resolve_inputs([str(bomb_7z)])
    assert [type(i) for i in items] == [Skipped] * 3
    assert all("decompression bomb" in i.reason and "compressed block expands" in i.reason for i in items)


def test_7z_decoder_memory_is_capped(tmp_path: Path) -> None:
    archive = _solid_7z(tmp_path / "a.7z", 1, 4 * 2**20, preset=6)  # LZMA2 dictionary of 8 MiB, 4 MiB used
    items = resolve_inputs([str(archive)], limits=Limits(decoder_memory=2**20, ratio=10**6))
    assert [type(i) for i in items] == [Skipped]
    assert "of memory" in items[0].reason
    items = resolve_inputs([str(archive)], limits=Limits(decoder_memory=8 * 2**20, ratio=10**6))
    assert [type(i) for i in items] == [LogSource]
    with items[0].open() as fh:
        assert fh.read() == INFO * (4 * 2**20 // len(INFO))


def _peak_rss_mb(code: str) -> tuple[int, str]:
    """Peak resident memory of a child process running `code`, measured by a parent that has no other child."""
    probe = ("import resource, subprocess, sys\n"
             f"p = subprocess.run([sys.executable, '-c', {code!r}], capture_output=True, text=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
             "print(p.returncode, p.stdout[-2000:], p.stderr[-2000:])\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=600)
    first, _, rest = out.stdout.partition("\n")
    return int(first), rest


@pytest.mark.skipif(sys.platform == "win32", reason="resource")
def test_7z_bomb_analysis_stays_under_500_mb(bomb_7z: Path) -> None:
    code = ("import sys, json; from acronis_triage.app.cli import main; sys.exit(main(['analyze', '--json', "
            f"{str(bomb_7z)!r}]))")
    peak, out = _peak_rss_mb(code)
    assert peak < 500, out
    assert "decompression bomb" in out


@pytest.mark.skipif(sys.platform == "win32", reason="resource")
def test_7z_members_allowed_to_expand_are_unpacked_to_disk_not_memory(bomb_7z: Path) -> None:
    # The ratio cap lifted: all 360 MiB are unpacked and scanned, in flat memory.
    code = ("from acronis_triage.analyzers.inputs import Limits, resolve_inputs; from acronis_triage.analyzers.analyze "
            "import analyze_sources\n"
            f"items = resolve_inputs([{str(bomb_7z)!r}], limits=Limits(ratio=10**6))\n"
            "r = analyze_sources(items)\n"
            "print(r.stats.files, r.stats.bytes, [s.reason for s in r.skipped])\n")
    peak, out = _peak_rss_mb(code)
    assert f"3 {3 * (120 * 2**20 // len(INFO)) * len(INFO)} []" in out
    assert peak < 500, out


def test_gzip_bomb_is_cut_and_the_cut_reported(tmp_path: Path) -> None:
    data = _gzip_bomb(128)  # ~200 KB expanding to 128 MiB
    (tmp_path / "mms.1.log.gz").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "report.zip", "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("logs/mms.2.log.gz", data)
    cap = max(16 * 2**20, 200 * len(data))
    for target, name in ((tmp_path / "mms.1.log.gz", str(tmp_path / "mms.1.log.gz")),
                         (tmp_path / "report.zip", f"{tmp_path / 'report.zip'}!logs/mms.2.log.gz")):
        result = analyze_paths([str(target)])
        assert result.stats.files == 1
        assert result.stats.bytes <= cap
        assert [s.path for s in result.skipped] == [name]
        assert "gzip stream expands more than 200:1" in result.skipped[0].reason
        assert f"only its first {cap // 2**20} MiB were analyzed" in result.skipped[0].reason


def test_gzip_within_the_ratio_is_read_whole(tmp_path: Path) -> None:
    text = b"".join(b"2021-03-01T10:00:00:000+01:00 100 I00000000: job %d\n" % i for i in range(200_000))
    (tmp_path / "a.log.gz").write_bytes(gzip.compress(text))
    result = analyze_paths([str(tmp_path / "a.log.gz")])
    assert result.skipped == [] and result.stats.bytes == len(text)


def test_damaged_gzip_keeps_what_came_before_and_says_so(tmp_path: Path) -> None:
    text = b"".join(b"2021-03-01T10:00:00:000+01:00 100 I00000000: job %d\n" % i for i in range(100_000))
    data = gzip.compress(text)
    (tmp_path / "a.log.gz").write_bytes(data[: len(data) // 2])
    result = analyze_paths([str(tmp_path / "a.log.gz")])
    assert result.stats.files == 1 and 0 < result.stats.bytes < len(text)
    assert len(result.skipped) == 1 and "ends early" in result.skipped[0].reason


def test_json_report_lists_the_cut(tmp_path: Path, capsys) -> None:
    from acronis_triage.app.cli import main

    (tmp_path / "mms.1.log.gz").write_bytes(_gzip_bomb(64))
    assert main(["analyze", "--json", str(tmp_path)]) == 2
    data = json.loads(capsys.readouterr().out)
    assert "gzip stream expands" in data["skipped"][0]["reason"]
