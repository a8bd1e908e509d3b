from __future__ import annotations

import sys
from pathlib import Path

import pytest

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin.linux_snapapi import LinuxSnapapi
from acronis_triage.collectors.builtin.linux_snapapi_state import (
    SnapapiState,
    diagnose,
    parse_dkms_status,
    parse_module_list,
    parse_secure_boot,
)
from acronis_triage.collectors.runner import SubprocessRunner

HEALTHY = Path(__file__).resolve().parents[2] / "data" / "linux" / "ubuntu2404_healthy"
BROKEN = HEALTHY.parent / "centos7_broken"


def test_healthy_acronis_machine_has_no_problems(run_live, replay_from):
    run = run_live(LinuxSnapapi, replay_from(HEALTHY))

    assert run.outcome.status == Status.OK, run.outcome.reason
    state = run.json("snapapi_state.json")
    assert state["kernel"] == "6.8.0-45-generic"
    assert state["snapapi26_loaded"] is True
    assert state["file_protector_loaded"] is True
    assert state["loaded_acronis_modules"] == ["file_protector", "snapapi26"]
    assert [(d["kernel"], d["state"]) for d in state["dkms"]] == [
        ("6.8.0-45-generic", "installed"), ("6.8.0-41-generic", "installed")]
    assert state["modinfo"]["version"] == "1.0.30"
    assert state["kernel_headers_installed"] is True
    # Secure Boot is on, but the DKMS-signed module loaded: nothing to report.
    assert state["secure_boot"] == "enabled"
    assert state["problems"] == []
    assert state["snapapi26_loaded"] is True


def test_healthy_outputs_are_named_and_self_describing(run_live, replay_from):
    run = run_live(LinuxSnapapi, replay_from(HEALTHY))

    assert {"lsmod.txt", "lsmod_acronis.txt", "dkms_status.txt", "modinfo_snapapi26.txt", "kernel_headers.txt",
            "mokutil_sb_state.txt", "snapapi_state.json"} <= run.names()
    assert run.text("lsmod.txt").startswith("# command: lsmod\n# result: exit code 0")
    assert "psmouse" in run.text("lsmod.txt")  # the full list is kept
    filtered = run.text("lsmod_acronis.txt")
    assert "(2 of 49 lines kept)" in filtered
    assert "snapapi26" in filtered and "file_protector" in filtered and "psmouse" not in filtered
    assert run.text("kernel_headers.txt").startswith("# command: ls -ldL /lib/modules/6.8.0-45-generic/build")


def test_kernel_update_without_headers_is_explained(run_live, replay_from):
    run = run_live(LinuxSnapapi, replay_from(BROKEN))

    # mokutil is not installed on that machine: a skip, so the collector is partial, not failed.
    assert run.outcome.status == Status.PARTIAL
    assert [(s.what, s.reason) for s in run.outcome.skipped] == [("mokutil --sb-state", "command not found: mokutil")]
    state = run.json("snapapi_state.json")
    assert state["snapapi26_loaded"] is False
    assert state["kernel_headers_installed"] is False
    assert state["module_file_for_running_kernel"] is False
    assert state["secure_boot"] == "unknown"
    problems = "\n".join(state["problems"])
    assert "snapapi26 kernel module is not loaded" in problems
    assert ("DKMS has snapapi26 0.8.10 for 3.10.0-1160.102.1.el7.x86_64, but not for "
            "3.10.0-1160.108.1.el7.x86_64") in problems
    assert "kernel-devel-3.10.0-1160.108.1.el7.x86_64" in problems
    assert "modinfo cannot find it" in problems
    assert len(state["problems"]) == 4
    assert "Module snapapi26 not found" in run.text("modinfo_snapapi26.txt.stderr")


def test_secure_boot_blocking_an_unloaded_module_is_a_problem():
    state = SnapapiState(kernel="5.14.0-427.el9.x86_64", snapapi26_loaded=False, secure_boot="enabled",
                         dkms=parse_dkms_status("snapapi26/1.0.30, 5.14.0-427.el9.x86_64, x86_64: installed"),
                         kernel_headers_installed=True, module_file_for_running_kernel=True)
    diagnose(state)
    assert len(state.problems) == 2
    assert "Secure Boot is enabled" in state.problems[1]


def test_module_only_added_to_dkms_is_reported():
    state = SnapapiState(kernel="6.8.0-45-generic", snapapi26_loaded=False,
                         dkms=parse_dkms_status("snapapi26/1.0.30, 6.8.0-45-generic, x86_64: built\n"))
    diagnose(state)
    assert "is 'built', not 'installed'" in "\n".join(state.problems)


@pytest.mark.parametrize(("line", "expected"), [
    ("snapapi26/1.0.30, 6.8.0-45-generic, x86_64: installed", ("1.0.30", "6.8.0-45-generic", "installed", "")),
    ("snapapi26, 0.8.10, 3.10.0-1160.102.1.el7.x86_64, x86_64: installed",
     ("0.8.10", "3.10.0-1160.102.1.el7.x86_64", "installed", "")),
    ("snapapi26/1.0.30: added", ("1.0.30", "", "added", "")),
    ("snapapi26/0.8.10, 5.4.0-42-generic, x86_64: installed (WARNING! Diff between built and installed module!)",
     ("0.8.10", "5.4.0-42-generic", "installed", "(WARNING! Diff between built and installed module!)")),
])
def test_dkms_status_both_formats(line, expected):
    (entry,) = parse_dkms_status("Error! Could not locate dkms.conf file.\n" + line)
    assert (entry.version, entry.kernel, entry.state, entry.note) == expected


def test_module_list_from_proc_modules_has_no_header():
    text = "snapapi26 143360 0 - Live 0xffffffffc0a1e000 (OE)\nxfs 997681 2 - Live 0xffffffffc03c5000\n"
    assert parse_module_list(text) == {"snapapi26", "xfs"}


@pytest.mark.parametrize(("text", "expected"), [
    ("SecureBoot enabled\n", "enabled"),
    ("SecureBoot disabled\nPlatform is in Setup Mode\n", "disabled"),
    ("\nEFI variables are not supported on this system\n", "not_efi"),
    ("", "unknown"),
])
def test_secure_boot_states(text, expected):
    assert parse_secure_boot(text) == expected


@pytest.mark.linux
@pytest.mark.skipif(sys.platform != "linux", reason="runs the real Linux commands")
def test_runs_for_real_on_this_linux_machine(run_live):
    run = run_live(LinuxSnapapi, SubprocessRunner())

    # Missing tools (dkms, mokutil ... on a machine without Acronis) are skips, never errors.
    assert run.outcome.status in (Status.OK, Status.PARTIAL), run.outcome.reason
    assert all(s.reason.startswith("command not found") for s in run.outcome.skipped)
    state = run.json("snapapi_state.json")
    assert state["kernel"] == __import__("platform").release()
    assert state["snapapi26_loaded"] is False
    said = "\n".join(state["problems"] + state["notes"])
    assert "snapapi26 is not loaded" in said or "snapapi26 kernel module is not loaded" in said
