"""The declarative form of a collector: files and commands said as data, taken by the framework with the same
verdicts, skips and exclusions a coded collector writes (recorded outputs through an injected runner)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Collector, NotApplicable
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.declarative import ADMIN_REASON, Command, Files, Gathered, When
from acronis_triage.collectors.sysroot import SystemRoot

DENIED = b"Error: You don't have the correct permissions to run this command.\r\n"


class Tools(Collector):
    name = "tools"
    title = "Tools"
    description = "A declared collector for these tests."
    platforms = ("windows", "linux")
    timeout_s = 60.0
    commands = (
        Command(("tool", "one"), "one.txt", 10.0, needs_admin=True),
        Command(("tool", "two"), "two.txt", 10.0, needs_admin=True),
        Command(("other",), "other.txt", 10.0, label="the other tool"),
        Command(("linux-only",), "linux_only.txt", 10.0, platforms=("linux",)),
    )

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        ctx.writer.add_json("answered.json", sorted(gathered.steps), source="test")


def test_every_command_is_stored_under_its_output_name_with_its_header(run_windows) -> None:
    runner = ReplayRunner().add("tool one", stdout=b"1\n").add("tool two", stdout=b"2\n").add("other", stdout=b"o\n")
    run = run_windows(Tools, runner)
    assert run.status == "ok", run.outcome.reason
    assert run.text("one.txt").startswith("# command: tool one\n# result: exit code 0")
    assert run.records["two.txt"]["kind"] == "command"
    # platforms: the Linux-only command is not run on Windows, and not reported either
    assert run.commands == ["tool one", "tool two", "other"]
    assert run.json("answered.json") == ["one.txt", "other.txt", "two.txt"]


def test_a_refusal_stops_the_later_commands_that_need_the_same_rights_only(run_windows) -> None:
    runner = ReplayRunner().add("tool", stdout=DENIED, returncode=5).add("other", stdout=b"o\n")
    run = run_windows(Tools, runner)
    assert run.status == "partial"
    assert run.skipped["tool one"].startswith("needs administrator rights: Error: You don't have")
    assert run.commands == ["tool one", "other"]


def test_a_missing_program_is_not_started_again(run_windows) -> None:
    run = run_windows(Tools, ReplayRunner().add("other", stdout=b"o\n"))
    assert run.commands == ["tool one", "other"]
    assert list(run.skipped) == ["tool one"] and run.skipped["tool one"].startswith("command not found: tool")


def test_without_rights_a_command_that_needs_them_is_excluded_not_run(run_windows) -> None:
    run = run_windows(Tools, ReplayRunner().add("other", stdout=b"o\n"), admin=False)
    assert run.status == "ok"
    assert run.excluded == {"tool one": ADMIN_REASON, "tool two": ADMIN_REASON}
    assert run.commands == ["other"]


def test_progress_names_each_command_in_turn(harness, tmp_path: Path) -> None:
    seen: list[tuple[float | None, str]] = []
    h = harness(SystemRoot(tmp_path, "linux", True), Tools, runner=ReplayRunner(), admin=True,
                progress=lambda fraction, text: seen.append((fraction, text)))
    h.collect()
    assert seen == [(0.0, "tool one"), (0.25, "tool two"), (0.5, "the other tool"), (0.75, "linux-only"),
                    (1.0, "done")]


class Disks(Collector):
    name = "disks"
    title = "Disks"
    description = "Fallbacks."
    platforms = ("linux",)
    commands = (
        Command(("df", "-h"), "df.txt", 0.2, judge=False, fallback_when=When.TIMED_OUT,
                fallback=Command(("df", "-l"), "df_local.txt", 5.0, judge=False)),
        Command(("findmnt",), "findmnt.txt", 5.0, judge=False,
                fallback=Command(("cat", "/proc/mounts"), "mounts.txt", 5.0, judge=False)),
    )


def test_a_fallback_runs_only_when_its_condition_holds(run_live) -> None:
    failing = ReplayRunner().add("df -h", stdout=b"", stderr=b"df: /mnt: Permission denied\n", returncode=1)
    failing.add("findmnt", stdout=b"/ /dev/sda1 ext4\n").add("df -l", stdout=b"local\n")
    run = run_live(Disks, failing)
    assert run.commands == ["df -h", "findmnt"]  # a failing df is stored as it answered; no fallback
    assert "Permission denied" in run.text("df.txt.stderr")

    hung = ReplayRunner().add("df -h", stdout=b"", delay_s=30.0).add("df -l", stdout=b"local\n")
    hung.add("cat /proc/mounts", stdout=b"/dev/sda1 / ext4\n")
    run = run_live(Disks, hung)
    assert run.commands == ["df -h", "df -l", "findmnt", "cat /proc/mounts"]
    assert run.text("df_local.txt").endswith("local\n") and run.text("mounts.txt").endswith("ext4\n")
    assert run.status == "partial" and "df -h: timed out" in run.outcome.reason


class Settings(Collector):
    name = "settings"
    title = "Settings"
    description = "Files by glob."
    platforms = ("linux",)
    files = (Files("/etc/app/*.conf", "app settings", product="app"),
             Files("/etc/app/*", "anything else of the app", product="app"))
    file_index = True
    nothing_found = "no app settings on this system"


def test_files_are_taken_once_each_with_an_index(harness, tmp_path: Path) -> None:
    tree = tmp_path / "root"
    (tree / "etc/app").mkdir(parents=True)
    (tree / "etc/app/a.conf").write_text("password=hunter2\n")
    (tree / "etc/app/b.txt").write_text("b\n")
    (tree / "etc/app/server.key").write_text("-----BEGIN PRIVATE KEY-----\n")
    os.symlink("/etc/passwd", tree / "etc/app/out.conf")
    h = harness(SystemRoot.offline(tree, "linux"), Settings)
    files, records = h.collect()
    assert set(files) == {"etc/app/a.conf", "etc/app/b.txt", "index.json"}
    assert records["etc/app/a.conf"]["source"] == "/etc/app/a.conf"
    listed = json.loads(files["index.json"])["files"]
    assert [(f["path"], f["description"]) for f in listed] == [
        ("/etc/app/a.conf", "app settings"), ("/etc/app/b.txt", "anything else of the app")]
    writer = h.ctx.writer
    assert any("out.conf" in s.what for s in writer.skipped)  # a link out of the root: refused, with why
    assert any("server.key" in e.what for e in writer.excluded)  # key material: never taken


def test_nothing_found_is_not_applicable(harness, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotApplicable, match="no app settings on this system"):
        harness(SystemRoot.offline(tmp_path / "empty", "linux"), Settings).collect()


def test_a_collector_without_declarations_or_code_says_so() -> None:
    class Empty(Collector):
        name = "empty"

    with pytest.raises(NotImplementedError, match="declares no files or commands"):
        Empty().collect(None)  # type: ignore[arg-type]
