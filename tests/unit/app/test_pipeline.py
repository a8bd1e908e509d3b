"""The pipeline around the engine: full disks, cancels, failures and what the manifest says about them."""

from __future__ import annotations

import json
import time
import zipfile
from collections import namedtuple
from pathlib import Path

from hang_guard import HANG_GUARD_S, returns_within

from acronis_triage.app.pipeline import CollectOptions, run_collect
from acronis_triage.collectors.base import Collector, Status
from acronis_triage.collectors.bundle import verify_bundle
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.engine import EngineEvent, EventKind

Usage = namedtuple("Usage", "total used free")


class Writes(Collector):
    name = "t_writes"
    title = "Writes a log"

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text(
            "mms.0.log",
            "2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.\n",
            source="test",
        )


class Crashes(Collector):
    name = "t_crashes"
    title = "Crashes"

    def collect(self, ctx: Context) -> None:
        raise OSError("the device is not ready")


class Partial(Collector):
    name = "t_partial"
    title = "Takes only part"

    def collect(self, ctx: Context) -> None:
        ctx.writer.add_text("ok.txt", "fine\n", source="test")
        ctx.writer.skip("/etc/acronis/locked.conf", "locked by another program")


class Slow(Collector):
    name = "t_slow"
    title = "Slow"

    def collect(self, ctx: Context) -> None:
        while True:
            ctx.cancel.raise_if_cancelled()
            time.sleep(0.02)


def _options(tmp_path: Path, **kw) -> CollectOptions:
    return CollectOptions(output=tmp_path / "b.zip", **kw)


def test_complete_run_exit_0_and_manifest(tmp_path: Path) -> None:
    result = run_collect(_options(tmp_path), collectors=[Writes])
    assert result.exit_code == 0, result.reason
    manifest = verify_bundle(result.bundle)
    assert manifest["schema_version"] == 1
    assert manifest["collectors"][0]["status"] == "ok"
    assert manifest["host"]["live"] is True
    assert "since" in manifest["time_window"]
    assert isinstance(manifest["products"], list)


def test_summary_lists_the_findings_that_findings_json_holds(tmp_path: Path) -> None:
    result = run_collect(_options(tmp_path, demo=True))
    with zipfile.ZipFile(result.bundle) as zf:
        written = json.loads(zf.read("analysis/findings.json"))
    assert written["findings"], "the demo has known problems"
    assert result.summary()["findings"] == [
        {k: f[k] for k in ("signature", "title", "severity", "kb", "count")} for f in written["findings"]]


def test_failed_collector_gives_exit_2_with_reason(tmp_path: Path) -> None:
    result = run_collect(_options(tmp_path), collectors=[Writes, Crashes])
    assert result.exit_code == 2
    assert "t_crashes: error (OSError: the device is not ready)" in result.reason
    manifest = verify_bundle(result.bundle)
    assert {c["name"]: c["status"] for c in manifest["collectors"]} == {"t_writes": "ok", "t_crashes": "error"}


def test_cancel_gives_a_valid_partial_bundle(tmp_path: Path) -> None:
    cancel = CancelToken()
    seen: set[tuple[str, str]] = set()

    def cancel_once_writes_is_done_and_slow_runs(event: EngineEvent) -> None:
        seen.add((event.kind, event.collector))
        if {(EventKind.FINISHED, "t_writes"), (EventKind.STARTED, "t_slow")} <= seen:
            cancel.cancel("cancelled by the user")

    # t_slow only ends on a cancel: the run returning is the cancel working.
    result = returns_within(HANG_GUARD_S, run_collect, _options(tmp_path), collectors=[Writes, Slow],
                            cancel=cancel, on_event=cancel_once_writes_is_done_and_slow_runs)
    assert result.exit_code == 2
    assert result.reason.startswith("run cancelled (cancelled by the user)")
    statuses = {o.name: o.status for o in result.outcomes}
    assert statuses == {"t_writes": Status.OK, "t_slow": Status.CANCELLED}
    verify_bundle(result.bundle)


def test_full_disk_before_start_writes_nothing(tmp_path: Path) -> None:
    result = run_collect(_options(tmp_path), collectors=[Writes],
                         disk_usage=lambda p: Usage(10**9, 10**9, 2**20))
    assert result.exit_code == 1
    assert result.reason.startswith("not enough free space")
    assert "\n" not in result.reason
    assert list(tmp_path.iterdir()) == []


def test_full_disk_during_run_writes_nothing(tmp_path: Path) -> None:
    free = [10**11]

    class FillsDisk(Collector):
        name = "t_fills"
        title = "Fills the disk"

        def collect(self, ctx: Context) -> None:
            free[0] = 2**20
            ctx.writer.add_bytes("big.bin", b"\0" * (16 * 2**20), source="t", redact=False)

    result = run_collect(_options(tmp_path), collectors=[Writes, FillsDisk],
                         disk_usage=lambda p: Usage(10**11, 0, free[0]))
    assert result.exit_code == 1
    assert result.reason.startswith("not enough free space")
    assert list(tmp_path.iterdir()) == []


def test_partial_collector_gives_exit_2_with_reason(tmp_path: Path) -> None:
    result = run_collect(_options(tmp_path), collectors=[Writes, Partial])
    assert result.exit_code == 2
    assert result.reason == "t_partial: partial (/etc/acronis/locked.conf: locked by another program)"
    manifest = verify_bundle(result.bundle)
    partial = next(c for c in manifest["collectors"] if c["name"] == "t_partial")
    assert partial["skipped"] == [{"what": "/etc/acronis/locked.conf", "reason": "locked by another program"}]


def test_collected_file_the_analysis_cannot_read_gives_exit_2(tmp_path: Path, monkeypatch) -> None:
    from acronis_triage.analyzers.scan import Scanner

    real = Scanner.scan

    def broken(self, source, *args, **kwargs):
        if getattr(source, "name", "").endswith("mms.0.log"):
            raise ValueError("damaged")
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(Scanner, "scan", broken)
    result = run_collect(_options(tmp_path), collectors=[Writes])
    assert result.exit_code == 2
    assert "1 collected file(s) could not be analyzed (collected/t_writes/mms.0.log" in result.reason


def test_unknown_or_empty_selection_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    for only, exclude, expected in (
        (("t_writes",), ("t_writes",), "nothing to run: --only t_writes --exclude t_writes leaves no collector"),
        ((), ("t_nope",), "unknown collector(s): t_nope; known: t_crashes, t_writes"),
        (("t_nope", "t_writes"), (), "unknown collector(s): t_nope; known: t_crashes, t_writes"),
    ):
        result = run_collect(_options(tmp_path, only=only, exclude=exclude), collectors=[Writes, Crashes])
        assert (result.exit_code, result.reason) == (64, expected)
    assert list(tmp_path.iterdir()) == []


def test_impossible_time_window_is_a_usage_error_and_leaves_no_part_file(tmp_path: Path) -> None:
    for days in (float("nan"), float("inf"), 1e308, -1.0, 0.0, 36501.0):
        result = run_collect(_options(tmp_path, since_days=days), collectors=[Writes])
        assert result.exit_code == 64, days
        assert result.reason.startswith("the time window must be a number of days greater than 0 and at most 36500")
        assert "\n" not in result.reason
    assert list(tmp_path.iterdir()) == []


def test_bundle_written_inside_the_root_does_not_collect_itself(tmp_path: Path) -> None:
    root = tmp_path / "root"
    logs = root / "var" / "log" / "acronis"
    logs.mkdir(parents=True)
    (root / "etc").mkdir()
    (logs / "agent.log").write_text("2024-05-01T10:00:00:000+02:00 1 I00000000: started\n")
    result = run_collect(CollectOptions(root=root, since_days=36500, window_explicit=True,
                                        output=logs / "b.zip", only=("acronis_logs",)))
    manifest = verify_bundle(result.bundle)
    paths = [f["path"] for f in manifest["files"]]
    assert "collected/acronis_logs/var/log/acronis/agent.log" in paths
    assert not any(".part" in p or p.endswith("b.zip") for p in paths), paths
    logs_outcome = next(c for c in manifest["collectors"] if c["name"] == "acronis_logs")
    part = next(e for e in logs_outcome["excluded"] if ".part" in e["what"])
    # the guard refuses it by identity before the writer's own name check would
    assert part["reason"] in ("this run's own unfinished bundle",
                              "the bundle this run is writing: never collected into itself")


def test_linux_operating_system_is_the_distribution_from_os_release() -> None:
    from acronis_triage.app.pipeline import host_facts
    from acronis_triage.collectors.context import Facts
    from acronis_triage.collectors.facts import LINUX_RELEASE, OS_DESCRIPTION, LinuxRelease
    from acronis_triage.collectors.sysroot import SystemRoot

    facts = Facts(is_admin=False)
    facts.set(LINUX_RELEASE, LinuxRelease(pretty_name="Debian GNU/Linux 12 (bookworm)", id="debian"))
    root = SystemRoot(Path("/srv/copy"), "linux", False)
    assert host_facts(root, facts)["os_description"] == "Debian GNU/Linux 12 (bookworm)"
    facts.set(OS_DESCRIPTION, "Red Hat Enterprise Linux 9.4 (Plow)")  # a recorded description wins
    assert host_facts(root, facts)["os_description"] == "Red Hat Enterprise Linux 9.4 (Plow)"


def _findings(bundle: Path) -> dict:
    import json
    import zipfile

    with zipfile.ZipFile(bundle) as zf:
        return json.loads(zf.read("analysis/findings.json"))


def test_an_explicit_window_applies_to_the_events_in_the_logs(tmp_path: Path) -> None:
    # The demo's logs were written in November 2026 but carry the mtime they were unpacked at: a one-day window
    # keeps the files and must still leave their November errors out of the findings.
    default = run_collect(CollectOptions(output=tmp_path / "a.zip", demo=True))
    narrow = run_collect(CollectOptions(output=tmp_path / "b.zip", demo=True, since_days=1, window_explicit=True))
    wide = run_collect(CollectOptions(output=tmp_path / "c.zip", demo=True, since_days=3650, window_explicit=True))
    plain, short, long = (_findings(r.bundle) for r in (default, narrow, wide))
    assert "time_window" not in plain  # an offline copy's own window says nothing about the times inside
    assert long["time_window"]["events_outside"] == 0
    assert [f["signature"] for f in long["findings"]] == [f["signature"] for f in plain["findings"]]
    assert short["time_window"]["events_outside"] > 0
    assert len(short["findings"]) < len(plain["findings"])
    assert all(f["first_seen"] is None for f in short["findings"]), "only undated evidence (a writers list) is left"


def test_the_report_says_how_many_events_the_window_left_out(tmp_path: Path) -> None:
    import zipfile

    result = run_collect(CollectOptions(output=tmp_path / "b.zip", demo=True, since_days=1, window_explicit=True))
    with zipfile.ZipFile(result.bundle) as zf:
        report = zf.read("report.html").decode("utf-8")
    outside = _findings(result.bundle)["time_window"]["events_outside"]
    assert f"{outside} events dated outside the collection window" in report
