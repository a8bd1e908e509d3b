"""Console "Additional info" blocks (DOMAIN.md §2.2) in six languages, and pasted mixed text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from acronis_triage.analyzers.errorcodes import errorcode_url
from acronis_triage.analyzers.formats import detect_kind, iter_events, parse_text
from acronis_triage.analyzers.model import ErrorCode

LOGS = Path(__file__).parents[2] / "data" / "logs"


def test_english_block_verbatim() -> None:
    (ev,) = iter_events(LOGS / "console_block_en.txt")
    assert ev.kind == "console_block"
    assert ev.level == "error"
    assert ev.time == datetime(2020, 11, 18, 11, 7, 8, tzinfo=UTC)
    assert ev.message == "TOL: Failed to execute the command. Remote registration"
    assert ev.codes == [
        ErrorCode(309, 22, "TOL: Failed to execute the command. Remote registration"),
        ErrorCode(457, 9, "Failed to connect to the management server."),
    ]
    assert ev.root_cause == ErrorCode(457, 9, "Failed to connect to the management server.")
    assert ev.fields["serCode"] == "0x01350016+0x01350016+0x01C90009"
    assert errorcode_url(ev.fields["serCode"]).endswith("0x01350016%2B0x01350016%2B0x01C90009")
    # Inner entry fields win; the httpBody JSON string survives.
    assert ev.fields["$module"] == "acroinst_vs_s_16363"
    assert ev.fields["CommandID"] == "2B220C98-B8C2-428D-98B7-5C54AEBC8713"
    assert "Connection timed out after 20000 milliseconds" in ev.fields["httpBody"]
    assert ev.fields["entries"][0]["lineinfo"] == "0x8D165E86FB819597"
    assert ev.fields["root_message"] == "Failed to connect to the management server."
    assert ev.line == 1
    assert ev.raw.startswith("DATE AND TIME\n")


@pytest.mark.parametrize(
    ("name", "chain", "module"),
    [
        ("console_block_de.txt", [(307, 41), (161, 212)], "disk_bundle_vsa64_26077"),
        ("console_block_it.txt", [(309, 22), (457, 9)], "acroinst_vs_s_26077"),
        ("console_block_fr.txt", [(309, 22), (16, 50305)], "disk_bundle_vsa64_26077"),
        ("console_block_es.txt", [(309, 22), (309, 61)], "mms_vsa64_29051"),
        ("console_block_ja.txt", [(309, 22), (100, 1)], "disk_bundle_vsa64_26077"),
    ],
)
def test_localized_blocks(name: str, chain: list[tuple[int, int]], module: str) -> None:
    text = (LOGS / name).read_text("utf-8")
    assert detect_kind(text) == "console_block"
    events = parse_text(text, name)
    assert len(events) == 1
    (ev,) = events
    assert [(c.module, c.code) for c in ev.codes] == chain
    assert all(c.text for c in ev.codes)
    assert ev.fields["$module"] == module
    assert ev.level == "error"


def test_spanish_decimal_composite_code_is_split() -> None:
    (ev,) = parse_text((LOGS / "console_block_es.txt").read_text("utf-8"))
    assert ev.codes[0].module == 309 and ev.codes[0].code == 22  # Código de error: 20250646


def test_german_fields_with_file_and_line() -> None:
    (ev,) = parse_text((LOGS / "console_block_de.txt").read_text("utf-8"))
    assert ev.fields["$file"] == "e:\\b\\archive\\locate.cpp"
    assert ev.fields["$line"] == "251"
    assert ev.root_cause == ErrorCode(161, 212, "Failed to find archive")


def test_single_line_entry_with_inline_labels() -> None:
    text = (
        'Fehlercode: 10001, Modul: 20, Felder: {"Computer":"SRV","EventID":"1000",'
        '"providerName":"Application Error","Channel":"Application"}\nNachricht: Windows crash'
    )
    (ev,) = parse_text(text)
    assert ev.kind == "console_block"
    assert ev.codes == [ErrorCode(20, 10001, "Windows crash")]
    assert ev.fields["EventID"] == "1000"


def test_broken_fields_json_is_read_leniently() -> None:
    text = (
        "Additional info:\n------------------------\nError code: 9\nModule: 457\n"
        'Fields: {"$module":"acroinst_vs_s_16363","httpStatus":"503","httpBody":"{...cut\n'
        "Message: Failed to connect to the management server.\n"
    )
    (ev,) = parse_text(text)
    assert ev.fields["$module"] == "acroinst_vs_s_16363"
    assert ev.fields["httpStatus"] == "503"
    assert ev.codes == [ErrorCode(457, 9, "Failed to connect to the management server.")]


def test_two_blocks_and_log_lines_pasted_together() -> None:
    en = (LOGS / "console_block_en.txt").read_text("utf-8")
    de = (LOGS / "console_block_de.txt").read_text("utf-8")
    mms = "2018-08-16T22:04:16:969-03:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed."
    text = f"Hi, the backup fails with:\n\n{en}\n\n{mms}\n\nand yesterday:\n{de}\nThanks"
    events = parse_text(text, "pasted")
    kinds = [e.kind for e in events]
    assert kinds.count("console_block") == 2
    assert "mms" in kinds
    blocks = [e for e in events if e.kind == "console_block"]
    assert blocks[0].root_cause == ErrorCode(457, 9, "Failed to connect to the management server.")
    assert blocks[1].root_cause == ErrorCode(161, 212, "Failed to find archive")
    lines = text.splitlines()
    for ev in events:
        assert lines[ev.line - 1].strip() == ev.raw.splitlines()[0].strip()
    mms_event = next(e for e in events if e.kind == "mms")
    assert mms_event.codes[0] == ErrorCode(0x95, 0x505, "An attempt to fix VSS errors has failed.")


def test_header_only_block_uses_header_code() -> None:
    text = "DATE AND TIME\nNov 18, 2020, 11:07:08 AM\nCODE\n0x01350016+0x01C90009\nMODULE\n309\nMESSAGE\nTOL: failed\n"
    (ev,) = parse_text(text)
    assert ev.codes == [ErrorCode(309, 22), ErrorCode(457, 9)]
    assert ev.message == "TOL: failed"
