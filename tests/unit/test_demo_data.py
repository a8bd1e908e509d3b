"""The embedded demo machine: every file parses in its format, and the documented problems are really there."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from lxml import etree

from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.sysroot import SystemRoot, detect_layout
from acronis_triage.resources import resource_path

DEMO = resource_path("demo")
MMS_DIR = DEMO / "ProgramData/Acronis/BackupAndRecovery/MMS"
XML_LOG = DEMO / "ProgramData/Acronis/BackupAndRecovery/Logs/activity_export_20261123.xml"
AAKORE_LOG = DEMO / "ProgramData/Acronis/Agent/var/log/aakore/aakore.log"
AAKORE_YAML = DEMO / "ProgramData/Acronis/Agent/etc/aakore.yaml"
MSI_LOG = DEMO / "ProgramData/Acronis/InstallationLogs/live_update/msi_15.0.36791_20261119_031240.log"
RECORDED = DEMO / "_recorded"
FAKE_PROXY_PASSWORD = "Demo-Pr0xy-Secret!"

# DOMAIN.md §2.8
MMS_LINE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}:\d{3}[+-]\d{2}:\d{2}) (?P<tid>\d+) "
    r"(?P<lvl>[A-Z])(?P<code>[0-9A-F]{8}): (?P<msg>.*)$"
)
TRACE_KV = re.compile(r"^\| (?P<key>[^:]+): (?P<val>.*)$")
TRACE_ERR = re.compile(r"^\| error (?P<code>0x[0-9a-f]+): (?P<msg>.*)$")


def _mms_events(path: Path) -> list[tuple[re.Match[str], list[str]]]:
    events: list[tuple[re.Match[str], list[str]]] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if m := MMS_LINE.match(line):
            events.append((m, []))
            continue
        assert line == "|" or TRACE_ERR.match(line) or TRACE_KV.match(line), f"{path.name}:{n}: {line!r}"
        assert events, f"{path.name}:{n}: detail line before the first event"
        events[-1][1].append(line)
    return events


def _mms_time(m: re.Match[str]) -> datetime:
    ts = m["ts"]
    return datetime.fromisoformat(ts[:19] + "." + ts[20:23] + ts[23:])


@pytest.mark.parametrize("name", ["mms.0.log", "mms.1.log"])
def test_mms_logs_follow_the_text_log_layout(name: str) -> None:
    path = MMS_DIR / name
    assert b"\r\n" in path.read_bytes()  # written on Windows
    events = _mms_events(path)
    assert len(events) >= 100
    assert {m["lvl"] for m, _ in events} <= {"I", "W", "E"}
    times = [_mms_time(m) for m, _ in events]
    assert times == sorted(times)
    for m, block in events:
        if block:
            keys = {TRACE_KV.match(b)["key"] for b in block if TRACE_KV.match(b) and not TRACE_ERR.match(b)}
            assert {"trace level", "channel", "$module"} <= keys, m.group(0)
            assert all(v.endswith("_36432") for b in block if (v := b.removeprefix("| $module: ")) != b)
        if m["lvl"] == "E" and m["code"] != "00000000":
            # "Error 0x<composite>" repeats the head's code (DOMAIN.md §2.1, §2.3)
            assert m["msg"].startswith(f"Error 0x{int(m['code'], 16):x}:"), m.group(0)


def test_mms_rotation_is_older_than_the_current_log() -> None:
    newest_of_old = max(_mms_time(m) for m, _ in _mms_events(MMS_DIR / "mms.1.log"))
    oldest_of_new = min(_mms_time(m) for m, _ in _mms_events(MMS_DIR / "mms.0.log"))
    assert newest_of_old < oldest_of_new


def _error(events: list[tuple[re.Match[str], list[str]]], text: str) -> list[tuple[re.Match[str], list[str]]]:
    return [(m, b) for m, b in events if m["lvl"] == "E" and text in m["msg"]]


def test_known_problems_are_in_the_mms_log() -> None:
    events = _mms_events(MMS_DIR / "mms.0.log")

    [(head, block)] = _error(events, "An attempt to fix VSS errors has failed.")
    assert head["code"] == "00950505"
    assert "| error 0x11e000d: Failed to stop service 'Cryptographic Services'." in block
    assert "| error 0xfff0: Access is denied" in block
    assert "| code: 0x80070005" in block
    assert block.count("|") == 2  # two bare separators: three nested errors

    [(head, block)] = _error(events, "VSS writer 'System Writer' with class ID "
                                     "'E8132975-6F93-4464-A53E-1050253AE220' has timed out")
    assert "| code: 0x800423F2" in block

    [(_, block)] = _error(events, "The shadow copy provider had an unexpected error")
    assert "| code: 0x8004230F" in block

    timeouts = _error(events, "Network operation timed out")
    assert len(timeouts) == 3
    assert all(m["code"] == "029B1398" and int(m["code"], 16) >> 16 == 667 for m, _ in timeouts)

    assert len(_error(events, "The storage quota is exceeded. Further backups will fail.")) == 1
    assert _error(events, "Failed to update the protection status")  # left for the unmatched templates
    assert any(m["lvl"] == "W" for m, _ in events)


def test_earlier_auto_update_failure_is_in_the_rotated_log_and_the_msi_log() -> None:
    assert _error(_mms_events(MMS_DIR / "mms.1.log"), "The installer returned error 1603")
    raw = MSI_LOG.read_bytes()
    assert raw.startswith(b"\xff\xfe")  # Windows Installer writes UTF-16 LE
    text = raw.decode("utf-16")
    assert "MainEngineThread is returning 1603" in text
    assert text.splitlines()[0].startswith("=== Verbose logging started:")


def test_xml_activity_log_is_well_formed_with_an_error_event() -> None:
    root = etree.parse(str(XML_LOG)).getroot()
    assert root.tag == "log"
    assert root.get("build") == "36432"
    assert root.get("product") and root.get("version")
    events = root.findall("event")
    assert {e.get("type") for e in events} == {"Information", "Warning", "Error"}
    for e in events:
        assert set(e.keys()) >= {"id", "type", "time", "message", "code", "module"}
        decimal, hexa = re.fullmatch(r"([\d,]+)\(0x([0-9A-F]+)\)", e.get("code")).groups()
        assert int(decimal.replace(",", "")) == int(hexa, 16)
        datetime.strptime(e.get("time"), "%m/%d/%y %I:%M:%S %p")
    [provider_error] = [e for e in events if "shadow copy provider had an unexpected error" in e.get("message")]
    assert provider_error.get("type") == "Error"
    assert "|| code: 0x8004230F" in provider_error.get("message")


def test_aakore_log_is_json_lines_with_an_error() -> None:
    records = [json.loads(line) for line in AAKORE_LOG.read_text("utf-8").splitlines()]
    assert len(records) > 50
    for r in records:
        assert {"time", "level", "msg"} <= set(r)
        datetime.fromisoformat(r["time"])
    errors = [r for r in records if r["level"] == "error"]
    assert [r["msg"] for r in errors] == [
        "GET /api/cyber-desktop-service/v1/getpolicystatus: cyber-desktop-service unit is offline"]


def test_aakore_config_holds_the_fake_proxy_password() -> None:
    text = AAKORE_YAML.read_text("utf-8")
    config = yaml.safe_load(text)
    assert config["http"] == "127.0.0.1:9999"
    assert FAKE_PROXY_PASSWORD in config["env"]["http-proxy"]
    assert FAKE_PROXY_PASSWORD in config["env"]["https-proxy"]


def test_the_redactor_strips_the_demo_proxy_password() -> None:
    assert FAKE_PROXY_PASSWORD not in Redactor().redact_text(AAKORE_YAML.read_text("utf-8"))


def test_location_definitions_are_well_formed_xml() -> None:
    files = sorted((MMS_DIR / "Locations").glob("*.xml"))
    assert len(files) == 2
    for f in files:
        assert etree.parse(str(f)).getroot().tag == "location"


def test_recorded_commands_are_listed_and_show_the_vss_state() -> None:
    index = json.loads((RECORDED / "index.json").read_text("utf-8"))
    listed = {c["stdout"] for c in index["commands"]}
    assert listed == {p.name for p in RECORDED.glob("*.txt")}
    by_cmd = {" ".join(c["argv"]): (RECORDED / c["stdout"]).read_bytes().decode("ascii") for c in index["commands"]}

    writers = by_cmd["vssadmin list writers"]
    blocks = [b for b in writers.split("\r\n\r\n") if b.startswith("Writer name:")]
    assert len(blocks) == 11
    failed = [b for b in blocks if "State: [1] Stable" not in b]
    assert len(failed) == 1
    assert "Writer name: 'System Writer'" in failed[0]
    assert re.search(r"State: \[(\d+)\] Failed", failed[0])

    providers = re.findall(r"Provider name: '([^']+)'\r\n   Provider type: (\w+)", by_cmd["vssadmin list providers"])
    assert ("Microsoft Software Shadow Copy provider 1.0", "System") in providers
    assert any(kind != "System" for _, kind in providers)

    assert "Maximum Shadow Copy Storage space:" in by_cmd["vssadmin list shadowstorage"]
    machine = by_cmd[r"reg query HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\MachineManager"]
    assert re.search(r"MMSCurrentMachineID\s+REG_SZ\s+[0-9A-F-]{36}", machine)
    assert re.search(r"InstanceID\s+REG_SZ\s+[0-9A-F-]{36}", machine)


def test_demo_is_an_offline_windows_root_where_the_agent_is_found() -> None:
    assert detect_layout(DEMO) == "windows"
    root = SystemRoot.offline(DEMO)
    assert root.resolve(r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.0.log").is_file()
    assert root.resolve(r"%ProgramData%\Acronis\Agent\etc\aakore.yaml").is_file()
    assert root.resolve(r"C:\Program Files\BackupClient").is_dir()
    assert [p.name for p in root.glob(r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.*.log")] == [
        "mms.0.log", "mms.1.log"]


def test_demo_stays_small_and_ships_no_binaries() -> None:
    files = [p for p in DEMO.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sum(p.stat().st_size for p in files) < 2 * 1024 * 1024
    assert not [p for p in files if p.suffix.lower() in (".exe", ".dll", ".sys", ".msi")]
