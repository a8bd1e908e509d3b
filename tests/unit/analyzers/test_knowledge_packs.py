"""Signature packs (issue 13): built, verified by sha256, imported offline, used when newer; hostile packs refused."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acronis_triage.analyzers import knowledge
from acronis_triage.analyzers.knowledge import PackError, build_pack, import_pack


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ACRONIS_TRIAGE_SHIPPED_KNOWLEDGE", raising=False)
    knowledge.current.cache_clear()
    yield
    knowledge.current.cache_clear()


def _cli(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "XDG_DATA_HOME": str(env_home)}
    return subprocess.run([sys.executable, "-m", "acronis_triage.app", *args], capture_output=True, text=True, env=env)


def test_pack_round_trip_makes_the_newer_knowledge_current(tmp_path: Path) -> None:
    shipped = knowledge.current()
    assert shipped.source == "shipped"
    pack = tmp_path / "pack.zip"
    digest = build_pack(pack, "2999.1.1")
    assert (tmp_path / "pack.zip.sha256").read_text().split()[0] == digest
    now = import_pack(pack)
    assert now.version == "2999.1.1" and now.source != "shipped"
    from acronis_triage.analyzers.signatures import load_signatures

    assert len(load_signatures(now.signatures)) == len(load_signatures(shipped.signatures))
    assert "knowledge 2999.1.1 (imported pack)" in knowledge.describe()


def test_an_older_pack_is_kept_but_not_used(tmp_path: Path) -> None:
    pack = tmp_path / "old.zip"
    build_pack(pack, "2000.1.1")
    assert import_pack(pack).source == "shipped"


def test_the_cli_imports_and_reports_the_version(tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    home = tmp_path / "clihome"
    assert _cli("signatures", "pack", str(pack), "--pack-version", "2999.2.2", env_home=home).returncode == 0
    done = _cli("signatures", "import", str(pack), env_home=home)
    assert done.returncode == 0, done.stderr
    assert "2999.2.2" in _cli("--version", env_home=home).stdout
    assert _cli("signatures", "version", env_home=home).stdout.startswith("2999.2.2\t")


def test_a_wrong_or_missing_checksum_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    build_pack(pack, "2999.1.1")
    with pytest.raises(PackError, match="not the expected"):
        import_pack(pack, "0" * 64)
    (tmp_path / "p.zip.sha256").unlink()
    with pytest.raises(PackError, match="no checksum"):
        import_pack(pack)
    assert knowledge.current().source == "shipped"


def _hostile(tmp_path: Path, members: dict[str, bytes], files: dict[str, str] | None = None) -> Path:
    pack = tmp_path / "h.zip"
    meta = {"format": 1, "version": "2999.9.9",
            "files": files if files is not None else {n: hashlib.sha256(d).hexdigest() for n, d in members.items()}}
    with zipfile.ZipFile(pack, "w") as zf:
        zf.writestr("pack.json", json.dumps(meta))
        for name, data in members.items():
            zf.writestr(name, data)
    return pack


@pytest.mark.parametrize(("members", "files", "message"), [
    ({"../evil.yaml": b"x"}, None, "unsafe member"),
    ({"signatures/a.yaml": b"x"}, {"signatures/a.yaml": "0" * 64}, "does not match"),
    ({"signatures/a.yaml": b"id: [unclosed\n"}, None, "do not load cleanly"),
    ({"other/a.yaml": b"x"}, None, "unsafe member"),
])
def test_hostile_packs_are_refused_and_nothing_is_installed(tmp_path: Path, members, files, message) -> None:
    pack = _hostile(tmp_path, members, files)
    with pytest.raises(PackError, match=message):
        import_pack(pack, hashlib.sha256(pack.read_bytes()).hexdigest())
    assert knowledge.current().source == "shipped"
    installed = knowledge.data_dir()
    assert not installed.exists() or not any(p for p in installed.iterdir() if not p.name.startswith("."))
