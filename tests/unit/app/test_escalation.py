"""The escalation form: pre-filled from a realistic manifest and findings, technician fields visibly empty."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from acronis_triage.app.escalation import (
    FIELDS,
    NOT_FOUND,
    PLACEHOLDER,
    SECTIONS,
    build_form,
    errorcode_url,
    sercode,
)

BUNDLE = "acronis-triage_SRV-FILE01_20261124-0841.zip"
HOSTILE = "<script>alert('pwn')</script>"


def make_manifest() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "tool": {"name": "acronis-triage", "version": "0.1.0"},
        "created_utc": "2026-11-24T08:41:00+00:00",
        "host": {"hostname": "SRV-FILE01", "os": "windows", "platform": "Windows-2019Server-10.0.17763-SP0",
                 "live": True, "elevated": True},
        "options": {"since_days": 7},
        "time_window": {"since": "2026-11-17T08:41:00+00:00", "until": "2026-11-24T08:41:00+00:00"},
        "products": [{"name": "Acronis Cyber Protect Cloud agent", "version": "15.0", "build": "36432",
                      "component": "mms", "source": r"C:\Program Files\BackupClient"}],
        "identifiers": {"MMSCurrentMachineID": "B2C9E4A7-1F3D-4E8B-A6C5-7D2F0E9B1A63",
                        "InstanceID": "4F6B2E1D-8C3A-4B7F-9E21-5D0C6A3B8F94"},
        "collectors": [
            {"name": "acronis_logs", "title": "Acronis logs", "status": "ok", "reason": "", "duration_s": 0.4},
            {"name": "windows_vss", "title": "VSS state", "status": "partial",
             "reason": "vssadmin list shadows: timed out after 60 s", "duration_s": 60.2,
             "skipped": [{"what": "vssadmin list shadows", "reason": "timed out after 60 s"}]},
            {"name": "linux_snapapi", "title": "SnapAPI", "status": "not_applicable",
             "reason": "not a Linux system", "duration_s": 0.0},
            {"name": "windows_eventlogs", "title": "Event logs", "status": "error",
             "reason": f"wevtutil failed: {HOSTILE}", "duration_s": 1.5},
        ],
        "files": [
            {"path": "collected/acronis_logs/mms.0.log", "size": 31130, "sha256": "0" * 64,
             "source": r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.0.log", "collector": "acronis_logs"},
            {"path": "collected/acronis_logs/mms.1.log", "size": 22217, "sha256": "1" * 64,
             "source": r"C:\ProgramData\Acronis\BackupAndRecovery\MMS\mms.1.log", "collector": "acronis_logs"},
            {"path": "collected/windows_vss/vssadmin_list_writers.txt", "size": 2100, "sha256": "2" * 64,
             "source": "vssadmin list writers", "collector": "windows_vss", "kind": "command"},
        ],
    }


VSS_FIX_TEXT = """\
2026-11-21T23:04:10:395+01:00 10060 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.
| trace level: error
| $module: disk_bundle_vsa64_36432
|
| error 0x11e000d: Failed to stop service 'Cryptographic Services'.
|
| error 0xfff0: Access is denied
| code: 0x80070005"""


def make_findings() -> dict[str, Any]:
    return {
        "findings": [
            {
                "signature": "storage-timeout", "title": "Network operation timed out (cloud storage)",
                "severity": "warning", "kb": ["47678"], "kb_urls": ["https://kb.acronis.com/content/47678"],
                "count": 3, "first_seen": "2026-11-23T02:14:05.301000+01:00",
                "last_seen": "2026-11-23T02:44:05.118000+01:00",
                "evidence": [{"file": "collected/acronis_logs/mms.0.log", "line": 190,
                              "text": "2026-11-23T02:14:05:301+01:00 11208 E029B1398: Error 0x29b1398: "
                                      "Network operation timed out\n| $module: archive3_vsa64_36432"}],
                "error_chain": [{"module": 667, "code": 5016, "hex": "0x029B1398",
                                 "text": "Network operation timed out"}],
                "workaround": ["Run the Connection Verification Tool (KB 47678) with a customer backup account."],
                "information_needed": ["Connection Verification Tool output"],
                "cause": "", "description": "",
            },
            {
                "signature": "vss-fix-failed-access-denied", "title": "VSS troubleshooting failed: access denied",
                "severity": "error", "kb": ["36200"], "kb_urls": ["https://kb.acronis.com/content/36200"],
                "count": 1, "first_seen": "2026-11-21T23:04:10.395000+01:00",
                "last_seen": "2026-11-21T23:04:10.395000+01:00",
                "evidence": [{"file": "collected/acronis_logs/mms.0.log", "line": 51, "text": VSS_FIX_TEXT}],
                "error_chain": [
                    {"module": 149, "code": 1285, "hex": "0x00950505",
                     "text": "An attempt to fix VSS errors has failed."},
                    {"module": 286, "code": 13, "hex": "0x011E000D",
                     "text": "Failed to stop service 'Cryptographic Services'."},
                    {"module": 0, "code": 65520, "hex": "0x0000FFF0", "text": "Access is denied"},
                    {"module": None, "code": 0x80070005, "hex": "0x80070005", "text": ""},
                ],
                "workaround": ["Run Acronis VSS Doctor and read the bottom section of its report.",
                               "Run `vssadmin list writers`: every writer should be `[1] Stable`.",
                               "Reboot, then run the backup again."],
                "information_needed": ["vssadmin list writers output", "Connection Verification Tool output"],
                "cause": "The VSS troubleshooting step could not stop a service.", "description": "",
            },
            {
                "signature": "hostile", "title": f"Hostile {HOSTILE} title", "severity": "critical",
                "kb": ["61714"], "kb_urls": ["javascript:alert(1)"], "count": 1,
                "first_seen": None, "last_seen": None,
                "evidence": [{"file": "x<img src=x onerror=alert(1)>.log", "line": 7,
                              "text": f"{HOSTILE} [click](javascript:alert(1)) | pipe `tick`"}],
                "error_chain": [], "workaround": [f"Do {HOSTILE}"], "information_needed": [],
                "cause": "", "description": "",
            },
        ],
        "unmatched": [],
        "skipped": [],
        "stats": {"files": 3, "bytes": 55447, "events": 517, "seconds": 0.21},
    }


@pytest.fixture
def form():
    return build_form(make_manifest(), make_findings(), BUNDLE)


def _field(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in data["fields"] if f["key"] == key)


def test_field_specs_are_well_formed() -> None:
    keys = [f.key for f in FIELDS]
    assert len(keys) == len(set(keys))
    sections = {k for k, _ in SECTIONS}
    assert all(f.section in sections and f.source in ("tool", "technician") for f in FIELDS)
    assert all(f.choices for f in FIELDS if f.kind == "choice")
    technician = {f.key for f in FIELDS if f.source == "technician"}
    assert {"partner_name", "partner_contact", "acronis_login", "data_center", "customer_tenant", "description",
            "first_occurrence", "steps_to_reproduce", "expected_result", "actual_result", "business_impact",
            "requested_severity", "troubleshooting_done", "console_access_consent"} <= technician
    assert _severity_choices() == ("A", "B", "C", "D")


def _severity_choices() -> tuple[str, ...]:
    return next(f.choices for f in FIELDS if f.key == "requested_severity")


def test_tool_fields_are_prefilled_from_the_manifest(form) -> None:
    data = form.to_json()
    assert _field(data, "machine_name")["value"] == "SRV-FILE01"
    assert _field(data, "agent_id")["value"] == "B2C9E4A7-1F3D-4E8B-A6C5-7D2F0E9B1A63"
    assert _field(data, "resource_id")["value"] == "4F6B2E1D-8C3A-4B7F-9E21-5D0C6A3B8F94"
    assert _field(data, "product")["value"] == "Acronis Cyber Protect Cloud agent (mms)"
    assert _field(data, "version")["value"] == "15.0 build 36432"
    assert _field(data, "os")["value"] == "Windows-2019Server-10.0.17763-SP0"
    attachments = _field(data, "attachments")["value"]
    assert attachments[0].startswith(BUNDLE)
    assert "collected/acronis_logs/ (2 files)" in attachments
    summary = _field(data, "collector_summary")["value"]
    assert summary[0] == "4 collectors: 1 error, 1 not applicable, 1 ok, 1 partial"
    assert any(s.startswith("windows_vss: partial") for s in summary)
    assert not any(s.startswith("acronis_logs") for s in summary)
    assert data["bundle"] == BUNDLE
    json.dumps(data)  # the pipeline writes it as JSON


def test_errors_carry_sercode_lookup_and_kb_links_most_severe_first(form) -> None:
    errors = form.to_json()["fields"][[f.key for f in FIELDS].index("errors")]["value"]
    assert [e["severity"] for e in errors] == ["critical", "error", "warning"]
    vss = errors[1]
    assert vss["sercode"] == "0x00950505+0x011E000D+0x0000FFF0+0x80070005"
    assert vss["errorcode_url"] == ("https://kb.acronis.com/errorcode?ser="
                                    "0x00950505%2B0x011E000D%2B0x0000FFF0%2B0x80070005")
    assert vss["message"].endswith("E00950505: Error 0x950505: An attempt to fix VSS errors has failed.")
    assert vss["where"] == "collected/acronis_logs/mms.0.log:51"
    assert vss["first_seen"] == "2026-11-21 23:04:10 +01:00"
    assert vss["kb"] == [{"number": "36200", "url": "https://kb.acronis.com/content/36200"}]
    # a non-web URL in a bundle's findings is never kept: the link is rebuilt from the KB number
    assert errors[0]["kb"] == [{"number": "61714", "url": "https://kb.acronis.com/content/61714"}]
    assert errors[0]["sercode"] == "" and errors[0]["errorcode_url"] == ""


def test_checklist_is_unchecked_and_information_needed_is_merged(form) -> None:
    data = form.to_json()
    checklist = _field(data, "checklist")["value"]
    assert len(checklist) == 5
    assert not any(item["done"] for item in checklist)
    assert checklist[1] == {"step": "Run Acronis VSS Doctor and read the bottom section of its report.",
                            "finding": "VSS troubleshooting failed: access denied", "done": False}
    needed = _field(data, "information_needed")["value"]
    assert len(needed) == 2  # each item once, marked as in the bundle or missing with how to get it
    assert any(n.startswith("vssadmin list writers output — ") for n in needed)
    assert any(n.startswith("Connection Verification Tool output — missing: Run the Acronis Connection")
               for n in needed)
    kbs = _field(data, "kb_articles")["value"]
    assert [k["number"] for k in kbs] == ["61714", "36200", "47678"]


def test_technician_fields_are_empty_and_listed_as_missing(form) -> None:
    data = form.to_json()
    technician_required = [f.key for f in FIELDS if f.source == "technician" and f.required]
    assert data["missing_fields"] == technician_required
    for key in technician_required:
        assert _field(data, key)["value"] is None
        assert _field(data, key)["filled"] is False
    assert _field(data, "first_occurrence")["hint"].endswith("2026-11-21 23:04:10 +01:00")
    assert data["placeholder"] == PLACEHOLDER


def test_filling_a_field_removes_it_from_missing(form) -> None:
    form.set_value("partner_name", "Contoso IT Services")
    form.set_value("console_access_consent", False)  # an answer, even "no", is filled
    missing = form.to_json()["missing_fields"]
    assert "partner_name" not in missing and "console_access_consent" not in missing
    assert "| Partner / service provider name \\* | Contoso IT Services |" in form.to_markdown()
    with pytest.raises(KeyError):
        form.set_value("no_such_field", "x")


def test_unknown_machine_facts_are_missing_not_invented() -> None:
    manifest = make_manifest()
    manifest["products"] = []
    manifest["identifiers"] = {}
    del manifest["host"]["platform"]
    form = build_form(manifest, make_findings(), BUNDLE)
    data = form.to_json()
    assert {"agent_id", "resource_id", "product"} <= set(data["missing_fields"])
    assert _field(data, "os")["value"] == "Windows"
    # the build is still known from the $module of the logged errors (DOMAIN.md §1.7)
    assert _field(data, "version")["value"] == "build 36432 (from the $module of the logged errors)"
    assert NOT_FOUND in form.to_html()


def test_bad_input_gives_an_empty_form_not_a_crash() -> None:
    for manifest, findings in (({}, {}), (None, None), ({"host": "x", "collectors": ["y"]}, {"findings": [1]})):
        form = build_form(manifest, findings, BUNDLE)  # type: ignore[arg-type]
        data = form.to_json()
        assert "machine_name" in data["missing_fields"]
        assert form.to_markdown() and form.to_html()


def test_markdown_shape(form) -> None:
    md = form.to_markdown()
    lines = md.splitlines()
    assert lines[0] == "# Escalation to Acronis Service Provider Support"
    assert [line[3:] for line in lines if line.startswith("## ")] == [t for _, t in SECTIONS]
    assert "| Field | Value |" in md
    assert re.search(r"^> \*\*15 required fields are still empty:\*\*", md, re.M)
    assert f"| Partner / service provider name \\* | {PLACEHOLDER} |" in md
    assert "- [ ] Run Acronis VSS Doctor and read the bottom section of its report. " in md
    assert "- [x]" not in md
    assert "serCode: `0x00950505+0x011E000D+0x0000FFF0+0x80070005` — [Acronis error-code lookup](" in md
    for number in ("61714", "36200", "47678"):
        assert f"(https://kb.acronis.com/content/{number})" in md
    # every table row has the two cells of its header: no stray pipes from log text
    for line in lines:
        if line.startswith("| ") and not line.startswith("| Field"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 3, line


def test_markdown_neutralises_hostile_text(form) -> None:
    md = form.to_markdown()
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "<script>" not in outside_code
    assert "<img" not in outside_code
    assert "](javascript:" not in outside_code


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        self.srcs += [v or "" for k, v in attrs if k == "src"]
        assert not any(k.startswith("on") for k, _ in attrs), (tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_self_contained_escaped_and_shows_empty_fields(form) -> None:
    page = form.to_html()
    parsed = parse_html(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert HOSTILE in "".join(parsed.text)  # shown as text, not run
    assert all(h.startswith(("https://", "mailto:")) for h in parsed.hrefs)
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    assert "javascript:" not in " ".join(parsed.hrefs)
    assert page.count(PLACEHOLDER) == len([f for f in FIELDS if f.source == "technician"])
    for number in ("61714", "36200", "47678"):
        assert f"https://kb.acronis.com/content/{number}" in parsed.hrefs
    assert "https://kb.acronis.com/errorcode?ser=0x00950505%2B0x011E000D%2B0x0000FFF0%2B0x80070005" in parsed.hrefs
    assert page.count("☐") == 5


def test_sercode_helpers() -> None:
    chain = [{"hex": "0x1350016"}, {"hex": "0x01C90009"}, {"hex": "not a code"}, {}]
    assert sercode(chain) == "0x01350016+0x01C90009"
    assert errorcode_url("0x01350016+0x01C90009") == "https://kb.acronis.com/errorcode?ser=0x01350016%2B0x01C90009"


def test_building_does_not_change_its_inputs() -> None:
    manifest, findings = make_manifest(), make_findings()
    before = copy.deepcopy((manifest, findings))
    build_form(manifest, findings, BUNDLE).to_html()
    assert (manifest, findings) == before
