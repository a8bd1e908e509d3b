"""Issue 12: --redact full, formats, encryption, volumes, naming and inspect, end to end through the CLI.

The offline root tests/data/roots/planted_personal (built by build_planted_personal.py) holds personal data in
every form the issue names; a bundle made from it with --redact full must hold none of it, in any format, in any
file, name or nested archive, while the map beside it gives every name back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acronis_triage.app.cli import main
from acronis_triage.app.inspect import inspect_bundle, members_of

DATA = Path(__file__).resolve().parents[2] / "data" / "roots"
ROOT = DATA / "planted_personal"
sys.path.insert(0, str(DATA))
from build_planted_personal import PLANTED  # noqa: E402

SEVEN_ZIP = shutil.which("7z") or shutil.which("7zz") or shutil.which("7za")


def leaves(name: str, data: bytes):
    """Every name and every text of a member, nested zips opened, UTF-16 decoded."""
    yield name, name.encode("utf-8")
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                yield from leaves(f"{name}/{info.filename}", zf.read(info))
        return
    yield name, data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield name, data.decode("utf-16", errors="replace").encode("utf-8")


def leaks(members: dict[str, bytes]) -> list[str]:
    found = []
    for member, data in members.items():
        for where, blob in leaves(member, data):
            low = blob.lower()
            found += [f"{where}: {p}" for p in PLANTED if p.lower().encode() in low]
    return found


def collect(tmp_path: Path, *args: str, name: str = "b.zip") -> tuple[int, Path]:
    out = tmp_path / name
    code = main(["collect", "--root", str(ROOT), "--output", str(out), "-q", "--redact", "full",
                 "--keyword", "Falcon Labs", *args])
    return code, out


def test_the_planted_root_leaks_without_full_redaction(tmp_path: Path) -> None:
    # the check below can fail: the same root with the default redaction still shows the planted data
    out = tmp_path / "plain.zip"
    assert main(["collect", "--root", str(ROOT), "--output", str(out), "-q"]) in (0, 2)
    found = leaks(members_of(out))
    assert len(found) > 20


FORMATS = [
    pytest.param((), "b.zip", None, id="zip"),
    pytest.param(("--format", "7z"), "b.7z", None, id="7z"),
    pytest.param(("--password-env", "PW"), "b.zip", "pass phrase 1", id="zip-aes"),
    pytest.param(("--format", "7z", "--password-env", "PW", "--split", "8K"), "b.7z", "pass phrase 1",
                 id="7z-aes-split"),
]


@pytest.mark.parametrize(("args", "name", "password"), FORMATS)
def test_full_redaction_leaves_no_personal_data_in_any_format(tmp_path: Path, monkeypatch, args, name,
                                                              password) -> None:
    monkeypatch.setenv("PW", "pass phrase 1")
    code, out = collect(tmp_path, *args, name=name)
    assert code in (0, 2)
    bundle = out if "--split" not in args else out.with_name(out.name + ".001")
    result = inspect_bundle(bundle, password)
    assert result.ok and result.checked == len(result.manifest["files"]) - 0
    members = members_of(bundle, password)
    assert leaks(members) == []
    assert set(members) >= {"manifest.json", "report.html", "analysis/findings.json"}
    # the map: beside the bundle, only for its owner, never inside
    the_map = tmp_path / (out.name + ".map.json")
    assert the_map.is_file()
    if os.name == "posix":
        assert the_map.stat().st_mode & 0o777 == 0o600
    map_id = json.loads(the_map.read_text())["map_id"]
    assert not any(b"PRIVATE: says who" in data or (b'"names"' in data and map_id.encode() in data)
                   for data in members.values() if not data.startswith(b"PK"))
    assert not (tmp_path / "b").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_pseudonyms_are_consistent_across_files_formats_and_runs(tmp_path: Path) -> None:
    the_map = tmp_path / "customer.map.json"
    code, out = collect(tmp_path, "--map", str(the_map))
    assert code in (0, 2)
    data = json.loads(the_map.read_text())
    host = data["names"]["host"]["ws-acct-07"][0]
    user = data["names"]["user"]["alice.smith"][0]
    ip = data["addresses"]["ipv4"]["10.20.30.40"]
    members = members_of(out)
    mms0 = members["collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log"].decode()
    mms2 = members["collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.2.log"].decode("utf-16")
    activity = members["collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/Logs/activity_details.json"]
    for text in (mms0, mms2):
        assert host.upper() in text and f"\\{user}" in text and ip in text
    assert user in activity.decode() and ip in activity.decode()
    nested = [n for n in members if n.endswith("old_logs.zip")]
    with zipfile.ZipFile(io.BytesIO(members[nested[0]])) as zf:
        inner = zf.read(zf.namelist()[0]).decode()
        assert host.upper() in inner and zf.namelist()[0].endswith(f"aakore.{host}.log")
    manifest = json.loads(members["manifest.json"])
    assert manifest["host"]["hostname"] == host.upper()
    # subnets stay subnets: 10.20.30.40 and 10.20.30.41 share their pseudonym's /24
    ip2 = data["addresses"]["ipv4"]["10.20.30.41"]
    assert ip.rsplit(".", 1)[0] == ip2.rsplit(".", 1)[0] and ip != ip2 and ip.startswith("10.")
    # a second run with the same map: the same pseudonyms, in another format too
    code, out2 = collect(tmp_path, "--map", str(the_map), "--format", "7z", name="again.7z")
    assert code in (0, 2)
    again = json.loads(the_map.read_text())
    assert again["names"]["host"]["ws-acct-07"][0] == host and again["addresses"]["ipv4"]["10.20.30.40"] == ip
    assert host.upper() in members_of(out2)[
        "collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log"].decode()


def test_redaction_report_counts_per_category_and_file(tmp_path: Path, capsys) -> None:
    main(["collect", "--root", str(ROOT), "--output", str(tmp_path / "b.zip"), "--redact", "full"])
    err = capsys.readouterr().err
    assert "redaction:   full, pseudonym map" in err and "replaced:" in err
    report = json.loads(members_of(tmp_path / "b.zip")["manifest.json"])["redaction"]
    assert report["mode"] == "full" and report["totals"]["ipv4"] >= 4 and report["totals"]["email"] >= 2
    mms0 = "collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log"
    assert report["files"][mms0]["sid"] == 1 and report["files"][mms0]["mac"] == 1
    assert "map" not in report  # where the map is stays out of the bundle


def test_unmask_gives_the_names_back(tmp_path: Path, capsys) -> None:
    _code, out = collect(tmp_path)
    text = members_of(out)["collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log"]
    masked = tmp_path / "mms.0.log"
    masked.write_bytes(text)
    capsys.readouterr()
    assert main(["unmask", str(tmp_path / "b.zip.map.json"), str(masked), "-o", str(tmp_path / "u.log")]) == 0
    back = (tmp_path / "u.log").read_text()
    for original in ("WS-ACCT-07", "ws-acct-07.corp.contoso-pharma.com", "CONTOSOPH\\alice.smith", "10.20.30.40",
                     "alice.smith@contoso-pharma.com", "00:15:5D:AB:CD:EF", "\\\\FILESRV02\\backups",
                     "S-1-5-21-1004336348-1177238915-682003330-1105", "C:\\Users\\Bob Jones\\Documents"):
        assert original in back, original


def test_default_name_has_the_case_id_and_the_hosts_pseudonym(tmp_path: Path) -> None:
    assert main(["collect", "--root", str(ROOT), "--output", str(tmp_path), "-q", "--redact", "full",
                 "--case-id", "CASE-2024-0042"]) in (0, 2)
    bundles = [p.name for p in tmp_path.iterdir() if p.suffix == ".zip"]
    assert len(bundles) == 1 and bundles[0].startswith("CASE-2024-0042-HOST-0001-") and bundles[0].endswith("Z.zip")
    assert json.loads(members_of(tmp_path / bundles[0])["manifest.json"])["case_id"] == "CASE-2024-0042"


@pytest.mark.parametrize("bad", ["../x", "a b", "", "x" * 65, "-lead"])
def test_bad_case_id_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["collect", "--demo", "--output", str(tmp_path / "b.zip"), "--case-id", bad])
    assert stop.value.code == 64
    assert list(tmp_path.iterdir()) == []


def test_password_is_never_taken_from_the_command_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["collect", "--demo", "--output", str(tmp_path / "b.zip"), "--password", "secret"])
    assert stop.value.code == 64


def test_missing_password_variable_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("NOPE", raising=False)
    assert main(["collect", "--demo", "--output", str(tmp_path / "b.zip"), "--password-env", "NOPE"]) == 64
    assert list(tmp_path.iterdir()) == []


# ---- formats without pseudonymisation


def _demo(tmp_path: Path, *args: str, name: str) -> Path:
    assert main(["collect", "--demo", "--output", str(tmp_path / name), "-q", *args]) in (0, 2)
    return tmp_path / name


def test_issue_check_split_encrypted_7z_inspects_and_joins(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PW", "s3cret pass")
    _demo(tmp_path, "--format", "7z", "--split", "16K", "--password-env", "PW", name="x.7z")
    volumes = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".sha256"))
    assert volumes[:3] == ["x.7z.001", "x.7z.002", "x.7z.003"]
    capsys.readouterr()
    assert main(["inspect", str(tmp_path / "x.7z.002"), "--password-env", "PW"]) == 0
    out = capsys.readouterr().out
    assert "AES-256 encrypted" in out and "checksums:   OK" in out
    # .sha256 beside each volume and for the joined archive, in sha256sum's format
    joined = b"".join((tmp_path / v).read_bytes() for v in volumes)
    import hashlib

    assert (tmp_path / "x.7z.sha256").read_text() == f"{hashlib.sha256(joined).hexdigest()}  x.7z\n"
    for v in volumes:
        digest = hashlib.sha256((tmp_path / v).read_bytes()).hexdigest()
        assert (tmp_path / f"{v}.sha256").read_text() == f"{digest}  {v}\n"
    # the file names are encrypted too: nothing readable without the pass phrase
    assert b"manifest.json" not in joined and b"collected/" not in joined
    monkeypatch.delenv("PW")
    assert main(["inspect", str(tmp_path / "x.7z.001")]) == 64  # no terminal to ask on


@pytest.mark.skipif(SEVEN_ZIP is None, reason="no 7z on this system (apt-get install p7zip-full)")
@pytest.mark.parametrize(("args", "name", "first"), [
    (("--format", "7z", "--split", "16K"), "x.7z", "x.7z.001"),
    (("--split", "20K"), "y.zip", "y.zip.001"),
    ((), "z.zip", "z.zip"),
])
def test_system_7z_opens_encrypted_and_split_bundles(tmp_path: Path, monkeypatch, args, name, first) -> None:
    monkeypatch.setenv("PW", "s3cret pass")
    _demo(tmp_path, *args, "--password-env", "PW", name=name)
    assert SEVEN_ZIP is not None
    unpacked = tmp_path / "unpacked"
    run = subprocess.run([SEVEN_ZIP, "x", "-y", "-ps3cret pass", f"-o{unpacked}", str(tmp_path / first)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    manifest = json.loads((unpacked / "manifest.json").read_text())
    import hashlib

    for record in manifest["files"]:
        assert hashlib.sha256((unpacked / record["path"]).read_bytes()).hexdigest() == record["sha256"]
    wrong = subprocess.run([SEVEN_ZIP, "t", "-pwrong", str(tmp_path / first)], capture_output=True, timeout=120)
    assert wrong.returncode != 0


def test_plain_zip_stays_the_default_with_its_checksum_and_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = _demo(tmp_path, name="d.zip")
    finally:
        os.umask(old)
    import hashlib

    assert (tmp_path / "d.zip.sha256").read_text() == f"{hashlib.sha256(out.read_bytes()).hexdigest()}  d.zip\n"
    if os.name == "posix":
        assert out.stat().st_mode & 0o007 == 0  # never world-readable
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.zip", "d.zip.sha256"]


def test_inspect_finds_a_changed_file_and_a_wrong_pass_phrase(tmp_path: Path, monkeypatch, capsys) -> None:
    out = _demo(tmp_path, name="d.zip")
    tampered = tmp_path / "t.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "report.html":
                data = data.replace(b"<html", b"<HTML", 1)  # same size, other bytes
            dst.writestr(info, data)
    capsys.readouterr()
    assert main(["inspect", str(tampered)]) == 3
    assert "report.html: does not match its sha256" in capsys.readouterr().out
    monkeypatch.setenv("PW", "right")
    _demo(tmp_path, "--format", "7z", "--password-env", "PW", name="e.7z")
    monkeypatch.setenv("PW", "wrong")
    assert main(["inspect", str(tmp_path / "e.7z"), "--password-env", "PW"]) == 1


def test_analyze_reads_split_and_encrypted_bundles(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PW", "pw")
    _demo(tmp_path, name="plain.zip")
    _demo(tmp_path, "--format", "7z", "--split", "16K", "--password-env", "PW", name="x.7z")
    capsys.readouterr()
    assert main(["analyze", str(tmp_path / "plain.zip"), "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["analyze", str(tmp_path / "x.7z.002"), str(tmp_path / "x.7z.001"), "--json",
                 "--password-env", "PW"]) == 0
    split = json.loads(capsys.readouterr().out)
    assert split["stats"]["files"] == plain["stats"]["files"]
    assert sorted(f["signature"] for f in split["findings"]) == sorted(f["signature"] for f in plain["findings"])


def test_a_full_disk_during_the_export_leaves_nothing(tmp_path: Path) -> None:
    from acronis_triage.app.pipeline import CollectOptions, run_collect
    from acronis_triage.collectors.bundle import MIN_FREE_BYTES

    class Usage:
        free = MIN_FREE_BYTES + 16 * 1024  # room for the zip's checks, not for a second copy of it

    result = run_collect(CollectOptions(demo=True, output=tmp_path / "x.7z", format="7z"),
                         disk_usage=lambda _p: Usage())
    assert result.exit_code == 1 and "not enough free space" in result.reason
    assert list(tmp_path.iterdir()) == []
