"""vssadmin list writers / providers / shadowstorage output (DOMAIN.md §6.1), English and German."""

from __future__ import annotations

from pathlib import Path

from acronis_triage.analyzers.formats import detect_kind, iter_events
from acronis_triage.analyzers.model import ErrorCode
from acronis_triage.analyzers.reader import read_head

LOGS = Path(__file__).parents[2] / "data" / "logs"


def test_writers() -> None:
    assert detect_kind(read_head(LOGS / "vssadmin_writers.txt")) == "vssadmin"
    events = list(iter_events(LOGS / "vssadmin_writers.txt"))
    assert [e.fields["writer"] for e in events] == [
        "Task Scheduler Writer",
        "SqlServerWriter",
        "System Writer",
        "Microsoft Exchange Writer",
    ]
    assert [e.level for e in events] == ["info", "error", "info", "error"]
    sql = events[1]
    assert sql.fields["state"] == 7
    assert sql.fields["last_error"] == "Non-retryable error"
    assert sql.fields["writer_id"] == "{a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}"
    assert sql.codes == [ErrorCode(None, 0x800423F4, "Non-retryable error")]
    assert "State: [7] Failed" in sql.raw and "Last error: Non-retryable error" in sql.raw
    assert sql.line == 10
    assert events[3].codes == [ErrorCode(None, 0x800423F3, "Retryable error")]
    assert events[0].codes == [] and events[2].codes == []


def test_german_writers_by_structure() -> None:
    assert detect_kind(read_head(LOGS / "vssadmin_writers_de.txt")) == "vssadmin"
    failed, ok = iter_events(LOGS / "vssadmin_writers_de.txt")
    assert failed.level == "error" and failed.fields["state"] == 9
    assert failed.fields["writer"] == "System Writer"
    assert ok.level == "info" and ok.fields["last_error"] == "Kein Fehler"


def test_providers_and_shadowstorage() -> None:
    provider, storage = iter_events(LOGS / "vssadmin_providers_storage.txt")
    assert provider.level == "info"
    assert provider.fields["name"] == "Microsoft Software Shadow Copy provider 1.0"
    assert provider.fields["Provider Id"] == "{b5946137-7b9f-4925-af80-51abd60b20d5}"
    assert storage.fields["Maximum Shadow Copy Storage space"] == "10.0 GB (5%)"


def test_permission_error() -> None:
    (ev,) = iter_events(LOGS / "vssadmin_denied.txt")
    assert ev.level == "error"
    assert ev.message.startswith("Error: You don't have the correct permissions")
    assert ev.message.endswith("elevated administrator privileges.")


def test_unknown_state_is_warning() -> None:
    from acronis_triage.analyzers.formats import parse_text

    text = (
        "Writer name: 'X'\n   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\n   State: [0] Unknown\n"
        "   Last error: No error\n"
    )
    (ev,) = parse_text(text, kind="vssadmin")
    assert ev.level == "warning"
