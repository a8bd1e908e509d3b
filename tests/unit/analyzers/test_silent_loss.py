"""Issue 8, class 8 (analyze side): nothing is skipped without a word. An unreadable folder, a link, a FIFO are
listed with the reason and give exit 2; `analyze --json` prints JSON on failure too, with the exit code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from acronis_triage.analyzers.inputs import resolve_inputs
from acronis_triage.analyzers.model import LogSource, Skipped
from acronis_triage.app.cli import main

LINE = "2021-03-01T10:00:00:000+01:00 100 E029B1398: Storage request timeout\n"


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "mms.1.log").write_text(LINE)
    (root / "mms.0.log").write_text(LINE)
    return root


def _deny(monkeypatch, folder: Path) -> None:
    """scandir fails on `folder` as it does for a user without the right to list it (tests may run as root)."""
    real = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)) == folder:
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_subfolder_is_listed_with_the_reason(tmp_path, monkeypatch, capsys) -> None:
    root = _tree(tmp_path)
    _deny(monkeypatch, root / "locked")
    items = resolve_inputs([str(root)])
    assert [i.name for i in items if isinstance(i, LogSource)] == [str(root / "mms.0.log")]
    assert [(s.path, s.reason) for s in items if isinstance(s, Skipped)] == [
        (str(root / "locked"), "cannot read this folder: Permission denied")]
    assert main(["analyze", "--json", str(root)]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 2
    assert out["skipped"] == [{"path": str(root / "locked"), "reason": "cannot read this folder: Permission denied"}]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root lists any folder")
def test_unreadable_subfolder_for_real(tmp_path) -> None:
    root = _tree(tmp_path)
    (root / "locked").chmod(0)
    try:
        skipped = [s for s in resolve_inputs([str(root)]) if isinstance(s, Skipped)]
    finally:
        (root / "locked").chmod(0o755)
    assert [s.path for s in skipped] == [str(root / "locked")]


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "symlink"), reason="POSIX")
def test_links_and_special_files_are_listed_not_followed(tmp_path) -> None:
    root = _tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.log").write_text(LINE)
    os.symlink(outside / "secret.log", root / "link.log")
    os.symlink(outside, root / "linked-folder")
    os.mkfifo(root / "pipe.log")
    items = resolve_inputs([str(root)])
    skipped = {s.path: s.reason for s in items if isinstance(s, Skipped)}
    assert skipped == {
        str(root / "link.log"): "symbolic link; not followed",
        str(root / "linked-folder"): "symbolic link to a folder; not followed",
        str(root / "pipe.log"): "not a regular file (FIFO, device or socket); not opened",
    }
    assert sorted(i.name for i in items if isinstance(i, LogSource)) == [
        str(root / "locked" / "mms.1.log"), str(root / "mms.0.log")]


def test_json_on_failure_is_still_json(tmp_path, capsys) -> None:
    assert main(["analyze", "--json", str(tmp_path / "missing.log")]) == 1
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["exit_code"] == 1
    assert "nothing could be analyzed" in out["reason"] and "no such file or folder" in out["reason"]
    assert out["skipped"] == [{"path": str(tmp_path / "missing.log"), "reason": "no such file or folder"}]
    assert out["findings"] == [] and captured.err.count("\n") == 1

    assert main(["analyze", "--json", "--signatures", str(tmp_path / "nope"), str(tmp_path)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 1 and "signature folder not found" in out["reason"]
