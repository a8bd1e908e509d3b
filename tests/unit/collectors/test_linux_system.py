"""Kernel, memory, storage, packages and dmesg collectors: replayed recordings and a real run."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Status
from acronis_triage.collectors.builtin.linux_dmesg import LinuxDmesg, keep_tail
from acronis_triage.collectors.builtin.linux_kernel import LinuxKernel, parse_os_release
from acronis_triage.collectors.builtin.linux_memory import LinuxMemory
from acronis_triage.collectors.builtin.linux_packages import LinuxPackages
from acronis_triage.collectors.builtin.linux_storage import LinuxStorage
from acronis_triage.collectors.facts import LINUX_RELEASE, LinuxRelease
from acronis_triage.collectors.runner import CommandResult, SubprocessRunner

HEALTHY = Path(__file__).resolve().parents[2] / "data" / "linux" / "ubuntu2404_healthy"
BROKEN = HEALTHY.parent / "centos7_broken"
LINUX_COLLECTORS = (LinuxKernel, LinuxMemory, LinuxStorage, LinuxPackages, LinuxDmesg)


def test_kernel_and_distribution(run_live, replay_from):
    run = run_live(LinuxKernel, replay_from(BROKEN))

    assert run.outcome.status == Status.OK
    assert run.names() == {"uname_a.txt", "uname_r.txt", "os_release.txt", "proc_version.txt"}
    assert run.facts.get(LINUX_RELEASE) == LinuxRelease(kernel="3.10.0-1160.108.1.el7.x86_64",
                                                        pretty_name="CentOS Linux 7 (Core)", id="centos",
                                                        version_id="7")
    assert "gcc version 4.8.5" in run.text("proc_version.txt")


def test_os_release_quoting():
    assert parse_os_release('# c\nNAME="Ubuntu"\nVERSION="24.04.1 LTS (Noble Numbat)"\nID=ubuntu\nbad line\n') == {
        "NAME": "Ubuntu", "VERSION": "24.04.1 LTS (Noble Numbat)", "ID": "ubuntu"}


def test_memory(run_live, replay_from):
    run = run_live(LinuxMemory, replay_from(BROKEN))

    assert run.outcome.status == Status.OK
    assert run.names() == {"free_m.txt"}
    assert run.text("free_m.txt").startswith("# command: free -m\n")
    assert "Swap:" in run.text("free_m.txt")


def test_storage_on_old_util_linux(run_live, replay_from):
    run = run_live(LinuxStorage, replay_from(BROKEN))

    assert run.outcome.status == Status.OK
    assert "centos-root xfs" in run.text("lsblk_f.txt")
    # CentOS 7's lsblk has no --json: recorded as it answered, not dropped.
    assert "exit code 1" in run.text("lsblk_json.txt")
    assert "unrecognized option '--json'" in run.text("lsblk_json.txt.stderr")
    assert "92% /" in run.text("df_h.txt")
    assert "/dev/mapper/centos-root" in run.text("findmnt.txt")


def test_storage_hung_df_falls_back_to_local_file_systems(monkeypatch, run_live, replay_from):
    runner = replay_from(HEALTHY)
    runner.add("df -h -l", stdout=b"Filesystem Size Used Avail Use% Mounted on\n/dev/sda2 2.0G 183M 1.6G 11% /boot\n")
    runner.recordings["df -h"].delay_s = 60.0  # a dead NFS mount: df never returns
    quick = tuple(dataclasses.replace(c, timeout=0.3, fallback=c.fallback and dataclasses.replace(
        c.fallback, timeout=0.3)) for c in LinuxStorage.commands)
    monkeypatch.setattr(LinuxStorage, "commands", quick)
    run = run_live(LinuxStorage, runner)
    assert run.outcome.status == Status.PARTIAL
    assert "df -h: timed out" in run.outcome.reason
    assert "/dev/sda2" in run.text("df_h_local.txt")


def test_findmnt_missing_falls_back_to_proc_mounts(run_live):
    runner = ReplayRunner().add("cat /proc/mounts", stdout=b"/dev/vda / ext4 rw,relatime 0 0\n")
    run = run_live(LinuxStorage, runner)

    assert "/dev/vda / ext4" in run.text("proc_mounts.txt")
    assert ("findmnt", "command not found: findmnt") in [(s.what, s.reason) for s in run.outcome.skipped]


def test_packages_on_debian_family(run_live, replay_from):
    run = run_live(LinuxPackages, replay_from(HEALTHY))

    assert run.outcome.status == Status.OK
    assert [(e.what, e.reason) for e in run.outcome.excluded] == [
        ("rpm -qa", "command not found: rpm; this system keeps packages with dpkg")]
    text = run.text("dpkg_l_acronis.txt")
    assert "(3 of 10 lines kept)" in text
    assert "backupandrecoveryagent" in text and "adduser" not in text
    assert text.splitlines()[4].startswith("Desired=")  # dpkg's column legend is kept
    assert any(line.split()[1:3] == ["backupandrecoveryagent", "15.0.38151-1"] for line in text.splitlines()[5:])


def test_packages_on_rhel_family(run_live, replay_from):
    run = run_live(LinuxPackages, replay_from(BROKEN))

    assert run.text("rpm_qa_acronis.txt").splitlines()[-3:] == [
        "BackupAndRecoveryAgent-15.0.36432-1.x86_64", "BackupAndRecoveryBootableComponents-15.0.36432-1.x86_64",
        "snapapi26_modules-0.8.10-1.noarch"]
    assert "kernel-devel" not in run.text("rpm_qa_acronis.txt")


def test_no_package_manager_at_all(run_live):
    run = run_live(LinuxPackages, ReplayRunner())

    assert run.outcome.status == Status.PARTIAL
    assert [s.reason for s in run.outcome.skipped] == ["command not found: rpm", "command not found: dpkg"]


def test_dmesg_shows_the_oom_kill(run_live, replay_from):
    run = run_live(LinuxDmesg, replay_from(BROKEN))

    assert run.outcome.status == Status.OK
    assert run.text("dmesg.txt").startswith("# command: dmesg -T\n")
    excerpt = run.text("dmesg_acronis_oom.txt")
    assert "Killed process 1321 (mms)" in excerpt and "Out of memory" in excerpt
    assert "XFS (dm-0)" not in excerpt


def test_dmesg_access_denied_is_a_skip(run_live):
    runner = ReplayRunner().add("dmesg -T", stderr=(BROKEN / "dmesg_denied.stderr").read_bytes(), returncode=1)
    run = run_live(LinuxDmesg, runner, admin=False)

    assert run.outcome.status == Status.PARTIAL
    (skip,) = run.outcome.skipped
    assert skip.what == "dmesg -T"
    assert skip.reason.startswith("access denied: reading the kernel log needs root")
    assert "Operation not permitted" in skip.reason
    assert run.names() == set()


def test_dmesg_keeps_the_newest_lines():
    data = b"".join(b"[%06d] line\n" % i for i in range(1000))
    kept = keep_tail(CommandResult(("dmesg",), 0, data), limit=1000)
    assert kept.truncated
    assert kept.stdout.endswith(b"[000999] line\n")
    assert kept.stdout.startswith(b"[")
    assert len(kept.stdout) <= 1000


@pytest.mark.linux
@pytest.mark.skipif(sys.platform != "linux", reason="runs the real Linux commands")
@pytest.mark.parametrize("cls", LINUX_COLLECTORS, ids=lambda c: c.name)
def test_runs_for_real_on_this_linux_machine(cls, run_live):
    run = run_live(cls, SubprocessRunner())

    assert run.outcome.status in (Status.OK, Status.PARTIAL), run.outcome.reason
    assert all(s.reason.startswith(("command not found", "access denied")) for s in run.outcome.skipped)
    assert run.names(), "every Linux collector stores something on a Linux machine"
    for name in run.names():
        if name.endswith(".txt"):
            assert run.text(name).startswith("# command: "), name


@pytest.mark.linux
@pytest.mark.skipif(sys.platform != "linux", reason="runs the real Linux commands")
def test_real_kernel_output_matches_this_machine(run_live):
    import platform

    run = run_live(LinuxKernel, SubprocessRunner())
    release = run.facts.get(LINUX_RELEASE)
    assert release is not None and release.kernel == platform.release()
    assert platform.release() in run.text("uname_a.txt")
