"""Issue 8, class 7: a signature folder is input too. A catastrophic regex must not stall the analysis (regex
conditions are confirmed in linear time) and a YAML alias bomb must be refused with a reason, not expanded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CATASTROPHIC = """\
id: hostile-backtracking
title: A regex that backtracks exponentially in Python re
severity: error
kb: []
match:
  all:
    - literal: "E00000001:"
    - regex: "(a+)+$"
samples:
  positive:
    - "2021-03-01T10:00:00:000+01:00 100 E00000001: aaaa"
  negative:
    - "2021-03-01T10:00:00:000+01:00 100 E00000001: b"
"""


def _run(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "acronis_triage.app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_catastrophic_regex_validates_and_does_not_stall_analysis(tmp_path: Path) -> None:
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    (sigs / "hostile.yaml").write_text(CATASTROPHIC, "utf-8")
    log = tmp_path / "mms.0.log"
    # 60 a's before the '!': Python re would try ~2**60 ways; one event that matches (evidence line) as well
    log.write_text("2021-03-01T10:00:00:000+01:00 100 E00000001: " + "a" * 60 + "!\n"
                   "2021-03-01T10:00:01:000+01:00 100 E00000001: " + "a" * 60 + "\n", "utf-8")
    env = {"ACRONIS_TRIAGE_NO_CACHE": "1"}
    assert _run("signatures", "validate", str(sigs), env=env).returncode == 0
    try:
        proc = _run("analyze", "--json", "--signatures", str(sigs), str(log), env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a catastrophic regex stalled the analysis")
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["signature"], f["count"]) for f in findings] == [("hostile-backtracking", 1)]
    assert findings[0]["evidence"][0]["line"] == 2


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(sys.platform == "win32", reason="resource")
def test_alias_bomb_in_a_signature_folder_is_refused(tmp_path: Path) -> None:
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    (sigs / "bomb.yaml").write_text(_bomb(8), "utf-8")  # 9**8 = 43 million strings once expanded
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run([sys.executable, '-m', 'acronis_triage.app', 'signatures', 'validate', sys.argv[1]],"
             " capture_output=True, text=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, p.returncode)\n"
             "print(p.stderr[-3000:])\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}  # the cache writer is where it blew up
    env.pop("ACRONIS_TRIAGE_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", probe, str(sigs)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env=env)
    head, _, stderr = out.stdout.partition("\n")
    peak, code = map(int, head.split())
    assert code == 1, stderr
    assert "bomb.yaml" in stderr and "alias bomb; refused" in stderr, stderr
    assert "Traceback" not in stderr
    assert peak < 500, stderr
    assert not list((tmp_path / "cache").rglob("signatures-*.json"))


def test_kb_and_localization_yaml_refuse_alias_bombs_and_recursion(tmp_path: Path, monkeypatch) -> None:
    from acronis_triage.analyzers.kb.datafile import load_yaml_files

    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")
    (tmp_path / "bomb.yaml").write_text(_bomb(7), "utf-8")
    (tmp_path / "loop.yaml").write_text("a: &a [1, *a]\n", "utf-8")
    (tmp_path / "fine.yaml").write_text("a: &x [1, 2]\nb: *x\n", "utf-8")
    got = {p.name: (doc, problem) for p, doc, problem in load_yaml_files(tmp_path.glob("*.yaml"), "test")}
    assert got["fine.yaml"] == ({"a": [1, 2], "b": [1, 2]}, None)
    assert got["bomb.yaml"][0] is None and "alias bomb" in got["bomb.yaml"][1]
    assert got["loop.yaml"][0] is None and "recursive" in got["loop.yaml"][1]


def test_signature_loader_reports_the_bomb_and_loads_the_rest(tmp_path: Path, monkeypatch) -> None:
    from acronis_triage.analyzers.signatures import load_signatures

    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")
    (tmp_path / "bomb.yaml").write_text(_bomb(7), "utf-8")
    (tmp_path / "ok.yaml").write_text(CATASTROPHIC.replace("hostile-backtracking", "ok-one"), "utf-8")
    sigset = load_signatures(tmp_path)
    assert [s.id for s in sigset.signatures] == ["ok-one"]
    assert [(p.file, "alias bomb" in p.message) for p in sigset.problems] == [("bomb.yaml", True)]
