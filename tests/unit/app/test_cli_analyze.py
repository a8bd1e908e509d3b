"""`acronis-triage analyze` and `acronis-triage signatures`: exit codes, JSON shape, readable report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acronis_triage.app.cli import main

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
VALID = DATA / "signatures" / "valid"
BROKEN = DATA / "signatures" / "broken"
MMS = DATA / "logs" / "mms_vss_access_denied.log"


@pytest.fixture(autouse=True)
def _no_db_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


def test_analyze_json_shape_and_exit_0(capsys):
    assert main(["analyze", str(MMS), "--json", "--signatures", str(VALID)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"findings", "unmatched", "skipped", "stats"}
    [f] = out["findings"]
    assert set(f) >= {"signature", "title", "severity", "kb", "kb_urls", "count", "first_seen", "last_seen",
                      "evidence", "workaround"}
    assert f["signature"] == "test-vss-fix-denied"
    assert f["kb"] == ["36200"] and f["kb_urls"] == ["https://kb.acronis.com/content/36200"]
    assert set(f["evidence"][0]) == {"file", "line", "text"}
    assert set(out["stats"]) >= {"files", "bytes", "events", "seconds"}
    assert out["stats"]["files"] == 1 and out["skipped"] == []


def test_analyze_text_report(capsys):
    assert main(["analyze", str(MMS), "--signatures", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert "[ERROR] VSS fix failed with access denied" in out
    assert "KB 36200: https://kb.acronis.com/content/36200" in out
    assert "[ ] Run vssadmin list writers." in out
    assert f"{MMS}:3: " in out


def test_some_inputs_skipped_exit_2(tmp_path, capsys):
    (tmp_path / "dump.dmp").write_bytes(b"MDMP\x93\xa7\x00\x00" + bytes(range(256)) * 4)
    assert main(["analyze", str(MMS), str(tmp_path), "--json", "--signatures", str(VALID)]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["skipped"] == [{"path": str(tmp_path / "dump.dmp"), "reason": "binary file (not a text log)"}]


def test_nothing_analyzed_exit_1_one_line(tmp_path, capsys):
    assert main(["analyze", str(tmp_path / "missing.log"), "--signatures", str(VALID)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "nothing could be analyzed" in err and "no such file or folder" in err


def test_bad_signature_folder_exit_1(tmp_path, capsys):
    assert main(["analyze", str(MMS), "--signatures", str(tmp_path / "nope")]) == 1
    assert "signature folder not found" in capsys.readouterr().err


def test_analyze_our_bundle(tmp_path, capsys):
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("collected/acronis_logs/mms.0.log", MMS.read_bytes())
    assert main(["analyze", str(bundle), "--json", "--signatures", str(VALID)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["findings"][0]["evidence"][0]["file"] == f"{bundle}!collected/acronis_logs/mms.0.log"


def test_signatures_list_validate_test(capsys):
    assert main(["signatures", "list", str(VALID)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "test-vss-fix-denied\terror\t36200\tVSS fix failed with access denied" in lines
    assert main(["signatures", "validate", str(VALID)]) == 0
    assert main(["signatures", "test", str(VALID)]) == 0
    assert "9/9 samples passed" in capsys.readouterr().out
    assert main(["signatures", "validate", str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert "problems.yaml: bad-severity: severity: 'fatal' is not one of" in err


def test_signatures_test_reports_failing_samples(tmp_path, capsys):
    text = (VALID / "vss-fix.yaml").read_text().replace("Access is denied\n      | code", "Timeout\n      | code")
    (tmp_path / "s.yaml").write_text(text)
    assert main(["signatures", "test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "s.yaml: test-vss-fix-denied: samples.positive[0]: no finding" in out


@pytest.mark.skipif(shutil.which("rg") is None, reason="ripgrep not installed")
def test_signatures_patterns_feed_ripgrep(tmp_path, capsys):
    assert main(["signatures", "patterns"]) == 0
    patterns = tmp_path / "p.txt"
    patterns.write_text(capsys.readouterr().out)
    proc = subprocess.run(["rg", "-c", "-f", str(patterns), str(MMS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) >= 1


def test_subprocess_stdin_and_help_epilog():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACRONIS_TRIAGE_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-m", "acronis_triage.app", "analyze", "-", "--json", "--signatures",
                           str(VALID)],
                          input=MMS.read_bytes(), capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"][0]["evidence"][0]["file"] == "<stdin>"
    helptext = subprocess.run([sys.executable, "-m", "acronis_triage.app", "analyze", "--help"], capture_output=True,
                              text=True,
                              env=env, cwd=ROOT, timeout=60).stdout
    assert "exit codes:" in helptext and "2  analyzed, but some inputs were skipped" in helptext
