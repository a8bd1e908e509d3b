"""Product detection on offline roots (Windows, True Image, Linux, macOS) and live systems (registry, rpm/dpkg,
pkgutil replayed), and the "nothing found" verdict."""

from __future__ import annotations

import shutil

import pytest

from acronis_triage.collectors.builtin.products import (
    Products,
    agent_build,
    classify_display_name,
    parse_acronis_config,
    scan_log,
    split_version,
)
from acronis_triage.collectors.facts import REGISTRATION_ADDRESS
from acronis_triage.collectors.sysroot import SystemRoot
from acronis_triage.collectors.windows_support import UNINSTALL_KEYS


def _by_component(run):
    return {(p["name"], p.get("component", "")): p for p in run.json("products.json")["products"]}


def test_windows_offline_root(run_windows, products_data, tmp_path):
    root = SystemRoot.offline(products_data / "windows_root", "windows")
    run = run_windows(Products, root=root)
    assert run.status == "ok", run.outcome.reason
    products = _by_component(run)
    agent = products[("Acronis Cyber Protect Cloud", "Agent for Windows")]
    # The newest main-agent $module wins over the older disk_bundle build and the relayed server module.
    assert agent["build"] == "36791" and agent["version"] == "15.0"
    assert "$module in C:\\ProgramData\\Acronis\\BackupAndRecovery\\MMS\\mms.0.log" in agent["source"]
    assert ("Acronis Cyber Protect Cloud", "Agent Core") in products
    assert not any(c == "Management Server" for _, c in products)  # relayed from the cloud, not installed
    assert run.facts.get(REGISTRATION_ADDRESS) == "https://eu2-cloud.acronis.com"
    data = run.json("products.json")
    assert data["registration_address"] == "https://eu2-cloud.acronis.com"
    modules = {m["module"]: m for m in data["log_modules"]}
    assert modules["disk_bundle_vsa64_36432"]["platform"] == "Windows x64"
    assert "management_server_vsa64_16363" in modules
    searched = {s["where"]: s["result"] for s in data["searched"]}
    assert searched["installer database"].startswith("not read: offline root")
    assert searched["%ProgramData%\\Acronis\\TrueImageHome"] == "absent"
    assert "fixture-client-secret" not in run.files["products.json"].decode()
    assert [p.name for p in run.facts.products][:1] == ["Acronis Cyber Protect Cloud"]


def test_true_image_offline(run_windows, products_data):
    run = run_windows(Products, root=SystemRoot.offline(products_data / "windows_ti_root", "windows"))
    assert run.status == "ok", run.outcome.reason
    products = _by_component(run)
    ti = products[("Acronis True Image", "")]
    assert (ti["version"], ti["build"]) == ("29", "42065")
    # The scheduler is shared; with no business agent here it belongs to True Image.
    assert ("Acronis True Image", "Scheduler") in products
    assert not any(name.startswith("Acronis Cyber Protect") for name, _ in products)


def test_demo_root_is_recognised(run_windows):
    from acronis_triage.resources import resource_path

    demo = resource_path("demo")
    if not (demo / "ProgramData").is_dir():
        pytest.skip("embedded demo not present")
    run = run_windows(Products, root=SystemRoot.offline(demo, "windows"))
    products = _by_component(run)
    agent = products[("Acronis Cyber Protect Cloud", "Agent for Windows")]
    assert agent["build"] == "36432"


def test_nothing_found_is_not_applicable_with_the_search_list(run_windows, tmp_path):
    (tmp_path / "empty" / "ProgramData").mkdir(parents=True)
    run = run_windows(Products, root=SystemRoot.offline(tmp_path / "empty"))
    assert run.status == "not_applicable"
    assert run.outcome.reason.startswith("no Acronis product found (searched ")
    data = run.json("products.json")  # written before the verdict: the bundle shows where we looked
    assert data["products"] == [] and len(data["searched"]) > 10
    assert run.facts.products == []


def test_live_windows_registry(run_windows, replay, recorded):
    replay.add(f"reg query {UNINSTALL_KEYS[0]} /s", stdout=recorded("reg_query_uninstall.txt"))
    replay.add(f"reg query {UNINSTALL_KEYS[1]} /s", stdout=recorded("reg_query_uninstall_wow6432node.txt"))
    replay.add(r"reg query HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\MachineManager",
               stdout=recorded("reg_query_machinemanager.txt"))
    replay.add(r"reg query HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\OnlineBackup\FesAddressCache",
               stdout=recorded("reg_query_fesaddresscache.txt"))
    run = run_windows(Products, replay)
    assert run.status == "ok", run.outcome.reason
    products = _by_component(run)
    agent = products[("Acronis Cyber Protect Cloud", "Agent for Windows")]
    assert (agent["version"], agent["build"]) == ("15.0.36432", "36432")
    assert agent["source"].startswith("registry HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft")
    assert products[("Acronis Cyber Protect Cloud", "Agent Core")]["build"] == "36432"
    assert products[("Acronis Cyber Protect Cloud", "Scheduler")]["version"] == "15.0.36432"
    assert not any("Veeam" in n for n, _ in products)
    assert run.facts.identifiers == {"InstanceID": "4F6B2E1D-8C3A-4B7F-9E21-5D0C6A3B8F94",
                                     "MMSCurrentMachineID": "B2C9E4A7-1F3D-4E8B-A6C5-7D2F0E9B1A63"}
    assert run.facts.get(REGISTRATION_ADDRESS) == "https://fes-eu2-cloud.acronis.com:44445"


def test_live_windows_registry_refused(run_windows, replay):
    replay.add("reg query", stderr=b"ERROR: Access is denied.\r\n", returncode=1)
    run = run_windows(Products, replay)
    assert run.status == "not_applicable"  # nothing found; the refusals are listed as searched places
    searched = {s["where"]: s["result"] for s in run.json("products.json")["searched"]}
    assert "Access is denied" in searched[r"HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\MachineManager"]


def test_linux_packages_live(run_windows, replay, products_data, tmp_path):
    replay.add("rpm -qa", stdout=(products_data / "rpm_qa.txt").read_bytes())
    run = run_windows(Products, replay, root=SystemRoot(tmp_path / "target", "linux", True))
    if not run.files:
        pytest.fail(run.outcome.reason)
    products = _by_component(run)
    agent = products[("Acronis Cyber Protect", "Agent for Linux")]
    assert (agent["version"], agent["build"]) == ("15.0.36432", "36432")
    assert agent["source"] == "rpm package BackupAndRecoveryAgent"
    assert ("Acronis Cyber Protect", "Bootable Components") in products
    assert products[("Acronis Cyber Protect", "SnapAPI kernel module")]["version"] == "0.8.12"
    rpm = next(c for c in run.runner.calls if c[0] == "rpm")
    assert rpm[2:] == ("--queryformat", "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}\\n")
    searched = {s["where"]: s["result"] for s in run.json("products.json")["searched"]}
    assert searched["dpkg package database"].startswith("command not found")


def test_linux_dpkg_skips_removed_packages(run_windows, replay, products_data, tmp_path):
    replay.add("dpkg-query -W", stdout=(products_data / "dpkg_query.txt").read_bytes())
    run = run_windows(Products, replay, root=SystemRoot(tmp_path / "target", "linux", True))
    products = _by_component(run)
    assert products[("Acronis Cyber Protect", "Agent for Linux")]["version"] == "24.10.38890"
    assert len([p for p in products if p[1] != "Agent Core"]) == 1  # the config-files-only package is gone


def test_linux_offline_config_and_log(run_windows, products_data):
    run = run_windows(Products, root=SystemRoot.offline(products_data / "linux_root", "linux"))
    assert run.status == "ok", run.outcome.reason
    products = _by_component(run)
    assert products[("Acronis Cyber Protect Cloud", "Agent for Linux")]["build"] == "36432"
    assert run.facts.identifiers["MMSCurrentMachineID"] == "1F2E3D4C-5B6A-4789-8A9B-0C1D2E3F4A5B"
    assert run.facts.get(REGISTRATION_ADDRESS) == "https://fes-us5-cloud.acronis.com:44445"


def test_mac_plist_offline(run_windows, products_data):
    run = run_windows(Products, root=SystemRoot.offline(products_data / "mac_root", "darwin"))
    assert run.status == "ok", run.outcome.reason
    cpho = _by_component(run)[("Acronis Cyber Protect Home Office", "")]
    assert (cpho["version"], cpho["build"]) == ("29.2", "42065")
    assert "Info.plist" in cpho["source"]


def test_mac_pkgutil_live(run_windows, replay, products_data, tmp_path):
    replay.add("pkgutil --pkgs", stdout=(products_data / "pkgutil_pkgs.txt").read_bytes())
    replay.add("pkgutil --pkg-info com.acronis.CyberProtectHomeOffice",
               stdout=(products_data / "pkgutil_pkg_info_cpho.txt").read_bytes())
    run = run_windows(Products, replay, root=SystemRoot(tmp_path / "target", "darwin", True))
    cpho = _by_component(run)[("Acronis Cyber Protect Home Office", "")]
    assert (cpho["version"], cpho["build"]) == ("29.2.42065", "42065")
    assert ("pkgutil", "--pkg-info", "com.microsoft.package.Microsoft_Word.app") not in run.runner.calls


def test_unreadable_config_is_a_skip(run_windows, products_data, tmp_path):
    root = tmp_path / "linux"
    shutil.copytree(products_data / "linux_root", root)
    (root / "etc/Acronis/BackupAndRecovery.config").write_bytes(b"\x00\x01 not xml at all")
    run = run_windows(Products, root=SystemRoot.offline(root, "linux"))
    assert run.status == "partial"
    assert "BackupAndRecovery.config" in next(iter(run.skipped))


@pytest.mark.parametrize(("name", "expected"), [
    ("Acronis Cyber Protect Home Office", ("home", "", "Acronis Cyber Protect Home Office")),
    ("Acronis True Image", ("home", "", "Acronis True Image")),
    ("Acronis Cyber Protect 15 Management Server", ("management_server", "Management Server", "")),
    ("Acronis Backup & Recovery 11.5 Agent for Windows", ("agent", "Agent for Windows", "")),
    ("Acronis Cyber Protect Agent Core", ("shared", "Agent Core", "")),
    ("Acronis Active Protection", ("shared", "Active Protection", "")),
    ("Acronis Backup Management Console", ("agent", "Management Console", "")),
    ("Acronis Cyber Protect Agent", ("agent", "Agent for Windows", "")),
    ("Veeam Agent for Microsoft Windows", None),
])
def test_classify_display_name(name, expected):
    assert classify_display_name(name, "windows") == expected


def test_version_and_module_parsing():
    assert split_version("15.0.36432") == ("15.0.36432", "36432")
    assert split_version("24.10.38890-1") == ("24.10.38890", "38890")
    assert split_version("12.5") == ("12.5", "")
    text = ('| $module: disk_bundle_vsa64_10330\n'
            '{"$module":"acroinst_vs_s_16363","x":"{\\"$module\\":\\"mms_lxa64_4560\\"}"}\n'
            '    $module = "acrocmd_lxa64_39376"\n'
            '"kbLink": {"build": 20463, "os": "Windows", "version": "15.0"}')
    modules, kblinks = scan_log(text)
    assert [(m[1], m[2], m[3]) for m in modules] == [
        ("disk_bundle", "vsa64", "10330"), ("acroinst", "vs_s", "16363"), ("mms", "lxa64", "4560"),
        ("acrocmd", "lxa64", "39376")]
    assert kblinks == [("15.0", "20463")]
    assert agent_build(modules) == "39376"
    assert agent_build([("x", "management_server", "vsa64", "1"), ("y", "other", "vsa64", "7")]) == "7"


def test_config_parser_ignores_entities():
    evil = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<registry><key name="S"><value name="InstanceID" type="TString">"&x;A"</value></key></registry>')
    assert parse_acronis_config(evil) == {"S\\InstanceID": "&x;A"}  # left as written, never resolved


def _msi_log(path, product: str, version: str, status: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "=== Verbose logging started: 5/1/2024  2:00:00  Build type: SHIP UNICODE 5.00.10011.00 ===\r\n"
        f"MSI (s) (A4:6C) [02:01:40:130]: Windows Installer installed the product. Product Name: {product}. "
        f"Product Version: {version}. Product Language: 1033. Manufacturer: Acronis. "
        f"Installation success or error status: {status}.\r\n"
    )
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def test_msi_logs_give_the_installed_version_offline(run_windows, tmp_path):
    tree = tmp_path / "win"
    logs = tree / "ProgramData/Acronis/InstallationLogs"
    _msi_log(logs / "install_20240501.log", "Cyber Protection Agent", "15.0.36432", 0)
    _msi_log(logs / "live_update/update_20240511.log", "Cyber Protection Agent", "15.0.36791", 1603)
    run = run_windows(Products, root=SystemRoot.offline(tree, "windows"))
    assert run.status == "ok", run.outcome.reason
    agent = _by_component(run)[("Acronis Cyber Protect", "Agent for Windows")]
    assert (agent["version"], agent["build"]) == ("15.0.36432", "36432")
    assert agent["source"].startswith("MSI log C:\\ProgramData\\Acronis\\InstallationLogs\\install_20240501.log")
    searched = {s["where"]: s["result"] for s in run.json("products.json")["searched"]}
    failed = "C:\\ProgramData\\Acronis\\InstallationLogs\\live_update\\update_20240511.log"
    assert searched[failed] == "Cyber Protection Agent 15.0.36791: Windows Installer status 1603 (not installed)"
