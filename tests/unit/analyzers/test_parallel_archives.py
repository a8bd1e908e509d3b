"""Issue 8, class 4: with 64 MiB or more of logs the analysis forks a second worker; members of one zip must
then be read through a handle of each process's own (an inherited handle shares its file offset, and the two
processes read each other's bytes: "Error -3 while decompressing", bad CRCs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import acronis_triage.analyzers.analyze as analyze_mod
from acronis_triage.analyzers.analyze import analyze_paths
from acronis_triage.analyzers.inputs import resolve_inputs
from acronis_triage.analyzers.model import LogSource
from acronis_triage.analyzers.signatures import load_signatures

ROOT = Path(__file__).resolve().parents[3]
LINUX_ROOT = ROOT / "tests" / "data" / "roots" / "linux"
LINE = b"2021-03-01T10:00:00:000+01:00 100 I00000000: routine message number %d of the backup job\n"
ERROR = b"2021-03-01T10:00:00:000+01:00 100 E029B1398: Storage request timeout\n"
MEMBER_BYTES = 24 * 2**20  # four of them: more than PARALLEL_MIN_BYTES, as in the report

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                                reason="the analysis forks workers only on Linux")


def _log(i: int) -> bytes:
    body = b"".join(LINE % (j % 997) for j in range(MEMBER_BYTES // len(LINE)))
    return body + ERROR + (b"2021-03-01T10:00:01:000+01:00 100 W00000001: file %d done\n" % i)


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    for i in range(4):
        (folder / f"mms.{i}.log").write_bytes(_log(i))
    return folder


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


def test_big_zip_is_read_by_two_workers_like_the_folder(logs: Path, tmp_path: Path) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(logs.iterdir()):
            zf.write(path, f"logs/{path.name}")
    assert archive.stat().st_size < 16 * 2**20  # compressible: the zip is small, its members are not
    sources = [s for s in resolve_inputs([str(archive)]) if isinstance(s, LogSource)]
    assert sum(s.size for s in sources) >= analyze_mod.PARALLEL_MIN_BYTES
    assert analyze_mod._worker_count(sources) == 2  # really the forked path

    sigset = load_signatures()
    from_zip = analyze_paths([str(archive)], sigset)
    from_folder = analyze_paths([str(logs)], sigset)
    assert from_zip.skipped == []
    assert from_zip.stats.files == 4 and from_zip.stats.bytes == from_folder.stats.bytes
    counts = {f.signature: f.count for f in from_zip.findings}
    assert counts == {f.signature: f.count for f in from_folder.findings}
    assert counts and all(c == 4 for c in counts.values())
    assert sorted(u.count for u in from_zip.unmatched) == sorted(u.count for u in from_folder.unmatched)


def test_collect_root_analyzes_every_big_log(logs: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    for path in (LINUX_ROOT / "etc" / "Acronis").iterdir():
        (root / "etc" / "Acronis").mkdir(exist_ok=True)
        (root / "etc" / "Acronis" / path.name).write_bytes(path.read_bytes())
    mms = root / "var" / "lib" / "Acronis" / "BackupAndRecovery" / "MMS"
    mms.mkdir(parents=True)
    for path in logs.iterdir():
        os.link(path, mms / path.name)
    bundle = tmp_path / "bundle.zip"
    env = {**os.environ, "ACRONIS_TRIAGE_NO_CACHE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "acronis_triage.app", "collect", "--root", str(root), "--only", "acronis_logs",
         "--output", str(bundle), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(bundle) as zf:
        findings = json.loads(zf.read("analysis/findings.json"))
    assert findings["skipped"] == []
    assert findings["stats"]["bytes"] >= 4 * MEMBER_BYTES
    assert findings["findings"] and all(f["count"] == 4 for f in findings["findings"])
