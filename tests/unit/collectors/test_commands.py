"""The one verdict on a command's answer, for Windows, Linux and macOS tools alike, and the storing rules."""

from __future__ import annotations

import pytest
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import Outcome, classify, is_denied, problem_of, run_and_store, run_step
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.runner import CommandResult


def result(stdout: bytes = b"", stderr: bytes = b"", returncode: int | None = 1, **kwargs) -> CommandResult:
    return CommandResult(("tool", "arg"), returncode, stdout, stderr, **kwargs)


@pytest.mark.parametrize(("stdout", "stderr", "reason"), [
    (b"", b"ERROR: Access is denied.\r\n", "ERROR: Access is denied."),  # reg, Windows
    (b"[SC] OpenService FAILED 5:\r\n\r\nAccess is denied.\r\n", b"",
     "[SC] OpenService FAILED 5: Access is denied."),
    (b"", b"dmesg: read kernel buffer failed: Operation not permitted\n",  # util-linux
     "dmesg: read kernel buffer failed: Operation not permitted"),
    (b"", b"modprobe: ERROR: could not insert 'snapapi26': Operation not permitted\n",  # kmod
     "modprobe: ERROR: could not insert 'snapapi26': Operation not permitted"),
    (b"", b"Failed to restart acronis_mms.service: Access denied\n",  # systemd
     "Failed to restart acronis_mms.service: Access denied"),
    (b"", b"log: Must be admin to run 'stream' command\n", "log: Must be admin to run 'stream' command"),  # macOS
])
def test_refusals_of_every_os_are_denials(stdout, stderr, reason):
    answer = result(stdout, stderr)
    assert classify(answer) == (Outcome.DENIED, f"needs administrator rights: {reason}")
    assert is_denied(answer)


def test_missing_program_hint_names_windows_only():
    missing = CommandResult(("rpm", "-qa"), None, error="command not found: rpm")
    assert classify(missing, "windows") == (Outcome.MISSING,
                                            "command not found: rpm (not available on this Windows version)")
    assert classify(missing, "linux") == (Outcome.MISSING, "command not found: rpm")
    assert classify(missing, "darwin") == (Outcome.MISSING, "command not found: rpm")


def test_data_that_mentions_denial_is_not_a_refusal():
    listing = b"".join(b"Nov 26 10:00:%02d mms: open /backup/x: Permission denied\n" % (i % 60) for i in range(200))
    assert classify(result(listing, returncode=0)) == (Outcome.OK, "")
    # A failing tool that printed a long listing first: the words deep in its data are not its refusal.
    failed = result(b"x" * 5000 + b"\n" + listing, b"log: error reading the store\n", returncode=65)
    assert classify(failed) == (Outcome.FAILED, "exit code 65: log: error reading the store")
    assert not is_denied(failed)
    assert not is_denied(result(b"Permission denied\n", returncode=0))


def test_absent_timeout_and_failure_reasons():
    absent = result(b"", b"ERROR: The system was unable to find the specified registry key or value.\r\n")
    assert classify(absent) == (Outcome.ABSENT,
                                "ERROR: The system was unable to find the specified registry key or value.")
    timed_out = result(b"partial", returncode=None, timed_out=True, duration_s=30.0)
    assert classify(timed_out) == (Outcome.TIMED_OUT, "timed out after 30 s; process tree killed")
    failed = result(b"out line\n", b"\n  modinfo: ERROR: Module snapapi26 not found.\n")
    assert classify(failed) == (Outcome.FAILED, "exit code 1: modinfo: ERROR: Module snapapi26 not found.")
    assert problem_of(failed) == classify(failed)[1]
    assert problem_of(result(returncode=0)) == ""


class Steps(Collector):
    """The same failing, refused and missing commands, judged or not (option ``judge``)."""

    name = "steps"
    title = "Steps"
    platforms = ("linux",)

    def collect(self, ctx: Context) -> None:
        judge = ctx.options["judge"]
        for argv, name in ((("systemctl", "status", "aakore"), "status.txt"), (("dmesg",), "dmesg.txt"),
                           (("lsmod",), "lsmod.txt")):
            if judge:
                run_step(ctx, argv, name)
            else:
                run_and_store(ctx, argv, name)


def _steps(run_live, judge: bool):
    runner = (ReplayRunner()
              .add("systemctl status aakore", stderr=b"Unit aakore.service could not be found.\n", returncode=4)
              .add("dmesg", stderr=b"dmesg: read kernel buffer failed: Operation not permitted\n", returncode=1))
    return run_live(Steps, runner, options={"judge": judge})


def test_judged_steps_skip_refusals_and_mark_failures_partial(run_live):
    run = _steps(run_live, judge=True)
    assert run.outcome.status == "partial"
    assert {s.what: s.reason for s in run.outcome.skipped} == {
        "dmesg": "needs administrator rights: dmesg: read kernel buffer failed: Operation not permitted",
        "lsmod": "command not found: lsmod",
    }
    assert "systemctl status aakore: exit code 4: Unit aakore.service could not be found." in run.outcome.reason
    assert run.names() == {"status.txt", "status.txt.stderr"}


def test_unjudged_steps_store_every_answer_and_skip_only_missing_programs(run_live):
    run = _steps(run_live, judge=False)
    assert {s.what: s.reason for s in run.outcome.skipped} == {"lsmod": "command not found: lsmod"}
    assert run.names() == {"status.txt", "status.txt.stderr", "dmesg.txt", "dmesg.txt.stderr"}
    assert "exit code" not in run.outcome.reason
