"""New-style JSON activity details (DOMAIN.md §2.4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from acronis_triage.analyzers.errorcodes import errorcode_url
from acronis_triage.analyzers.formats import detect_kind, iter_events, parse_text
from acronis_triage.analyzers.model import ErrorCode

LOGS = Path(__file__).parents[2] / "data" / "logs"
SAMPLE = (LOGS / "activity_details.json").read_text("utf-8")


def test_details_object() -> None:
    assert detect_kind(SAMPLE) == "activity_json"
    (ev,) = iter_events(LOGS / "activity_details.json")
    assert ev.kind == "activity_json"
    assert ev.level == "error"
    assert ev.time == datetime(2022, 6, 14, 1, 0, 12, 563000, tzinfo=UTC)
    assert ev.message == "The specified volume is not supported by the VSS provider."
    assert [c.hex for c in ev.codes] == [
        "0x015D06B1",
        "0x00070021",
        "0x0010C448",
        "0x00000009",
        "0x00000032",
        "0x0000FFF0",
        "0x80070032",
    ]
    assert ev.codes[0].text == "Failed to create volume snapshot."
    assert ev.codes[1].text == "Failed to add volume to the snapshot set."
    assert ev.codes[5].text == "The request is not supported"
    assert ev.root_cause == ErrorCode(None, 0x80070032)
    assert ev.fields["reason"] == "MemoVssProviderDoesNotSupportVolume"
    assert ev.fields["os_error_code"] == "0x80070032"
    assert ev.fields["$module"] == "mms_vsa64_20463"
    assert ev.fields["lineTag"] == "0xBD28FDBD64EDB8F8"
    assert ev.fields["src"]["func"] == "Common::Error::AddWindowsError"
    assert errorcode_url(ev.codes).endswith("0x0000FFF0%2B0x80070032")


def test_list_of_activities_and_chain_from_origin_only() -> None:
    one = json.loads(SAMPLE)
    two = {
        "origin": {
            "code": 0x01350016,
            "text": "TOL: failed",
            "suberror": {"code": 0x029B1398, "text": "Network operation timed out"},
        },
        "startTime": "2022-06-14T02:00:00Z",
    }
    events = parse_text(json.dumps([one, two], indent=2))
    assert len(events) == 2
    assert events[1].codes == [ErrorCode(309, 22, "TOL: failed"), ErrorCode(667, 0x1398, "Network operation timed out")]
    assert events[1].message == "TOL: failed"


def test_cut_json_is_salvaged() -> None:
    cut = SAMPLE[: SAMPLE.index('"origin"')]
    (ev,) = parse_text(cut, "pasted")
    assert ev.kind == "activity_json"
    assert ev.codes[-1] == ErrorCode(None, 0x80070032)
    assert ev.message == "The specified volume is not supported by the VSS provider."
    assert "parse_error" in ev.fields
