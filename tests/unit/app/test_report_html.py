"""report.html: findings by severity with evidence and KB links, unmatched templates, collectors; all escaped."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import pytest

from acronis_triage.app.report_html import render_report

sys.path.insert(0, str(Path(__file__).parent))
from test_escalation import HOSTILE, make_findings, make_manifest, parse_html


def _findings_with_unmatched() -> dict:
    findings = make_findings()
    findings["unmatched"] = [
        {"template": "Failed to update the protection status of the machine <*>", "level": "error", "count": 2,
         "first_seen": "2026-11-22T09:12:40+01:00", "last_seen": "2026-11-22T10:12:40+01:00",
         "example": {"file": "collected/acronis_logs/mms.0.log", "line": 88,
                     "text": f"E00FC0012: Error 0xfc0012: Failed to update the protection status {HOSTILE}"}},
        {"template": "Reconnecting to the storage (attempt <*> of 3).", "level": "warning", "count": 2,
         "first_seen": None, "last_seen": None, "example": None},
    ]
    findings["skipped"] = [{"path": "collected/x/cache.bin", "reason": "binary file"}]
    findings["signature_problems"] = [f"bad.yaml: regex does not compile {HOSTILE}"]
    return findings


@pytest.fixture
def page() -> str:
    return render_report(make_manifest(), _findings_with_unmatched())


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", "".join(parse_html(page).text))


def test_findings_are_listed_most_severe_first_with_their_facts(page: str) -> None:
    text = _text(page)
    order = [text.index(t) for t in ("Hostile <script>", "VSS troubleshooting failed: access denied",
                                     "Network operation timed out (cloud storage)")]
    assert order == sorted(order)
    assert "CRITICAL (1)" in text.upper() and "ERRORS (1)" in text.upper() and "WARNINGS (1)" in text.upper()
    assert "first 2026-11-21 23:04:10 +01:00" in text
    assert "3×" in text
    assert "collected/acronis_logs/mms.0.log:51" in text
    assert "| error 0x11e000d: Failed to stop service 'Cryptographic Services'." in text
    assert "serCode 0x00950505+0x011E000D+0x0000FFF0+0x80070005" in text
    assert text.count("☐") == 5
    assert "Run vssadmin list writers: every writer should be [1] Stable." in text
    assert "<code>vssadmin list writers</code>" in page


def test_every_finding_links_its_kb_article(page: str) -> None:
    hrefs = parse_html(page).hrefs
    for finding in make_findings()["findings"]:
        for number in finding["kb"]:
            assert f"https://kb.acronis.com/content/{number}" in hrefs
    assert "https://kb.acronis.com/errorcode?ser=0x00950505%2B0x011E000D%2B0x0000FFF0%2B0x80070005" in hrefs
    assert all(h.startswith("https://") for h in hrefs)


def test_hostile_log_text_is_shown_not_run(page: str) -> None:
    parsed = parse_html(page)
    assert not {"script", "img", "iframe", "link", "object"} & set(parsed.tags)
    assert HOSTILE in "".join(parsed.text)
    assert "javascript:" not in " ".join(parsed.hrefs)
    assert "&lt;script&gt;" in page


def test_unmatched_templates_and_collectors_are_tabled(page: str) -> None:
    text = _text(page)
    assert "Failed to update the protection status of the machine <*>" in text
    assert "Reconnecting to the storage (attempt <*> of 3)." in text
    assert text.index("Failed to update the protection") < text.index("Reconnecting to the storage")
    for name, status in (("windows_eventlogs", "error"), ("windows_vss", "partial"), ("acronis_logs", "ok")):
        assert re.search(rf"<b>{name}</b>.*?<span class='status {status}'>", page, re.S)
    # not-applicable collectors fold away under one line, with their reasons
    assert re.search(r"1 collectors had nothing to do here.*?<b>linux_snapapi</b>", page, re.S)
    assert "60.2 s" in text
    assert "vssadmin list shadows: timed out after 60 s" in text
    assert "Not analyzed: collected/x/cache.bin — binary file" in text
    assert "regex does not compile" in text


def test_machine_products_and_summary(page: str) -> None:
    text = _text(page)
    assert "<title>Acronis triage report — SRV-FILE01</title>" in page
    assert "B2C9E4A7-1F3D-4E8B-A6C5-7D2F0E9B1A63" in text
    assert "Acronis Cyber Protect Cloud agent" in text and "36432" in text
    assert re.search(r"<b>1/3</b><span>applicable collectors complete</span>", page)  # not applicable: folded
    assert re.search(r"<b>1</b><span>critical</span>", page)
    assert "Analyzed 3 files, 54.1 KB, 517 events in 0.21 s." in text


def test_page_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    parsed = parse_html(page)
    assert parsed.srcs == []
    assert all(h.startswith("https://") for h in parsed.hrefs)
    assert "@import" not in page and "url(" not in page


def test_empty_and_malformed_input_still_render() -> None:
    for manifest, findings in (({}, {}), (None, None), ({"collectors": ["x"], "host": 3}, {"findings": "x"})):
        page = render_report(manifest, findings)  # type: ignore[arg-type]
        text = _text(page)
        assert "No known issue matched" in text
        assert "unknown machine" in text


def test_rendering_does_not_change_its_inputs() -> None:
    manifest, findings = make_manifest(), _findings_with_unmatched()
    before = copy.deepcopy((manifest, findings))
    render_report(manifest, findings)
    assert (manifest, findings) == before


def test_timeline_is_inline_svg_with_a_row_per_finding_and_template() -> None:
    import re
    from datetime import UTC, datetime

    from acronis_triage.app.report_html import render_report

    findings = {
        "findings": [{"signature": "a", "title": "Quota exceeded", "severity": "critical", "count": 2,
                      "first_seen": "2026-11-21T10:00:00+00:00", "last_seen": "2026-11-22T10:00:00+00:00",
                      "times": [datetime(2026, 11, 21, 10, tzinfo=UTC).timestamp(),
                                datetime(2026, 11, 22, 10, tzinfo=UTC).timestamp()]}],
        "unmatched": [{"template": "E01350016: Error <*>", "level": "error", "count": 5,
                       "first_seen": "2026-11-20T10:00:00+00:00", "last_seen": "2026-11-23T10:00:00+00:00"}],
    }
    page = render_report({}, findings)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<script" not in svg and "href" not in svg
    assert svg.count("<title>") == 2 and svg.count("fill='#9b1c1c'") == 2  # two ticks of the critical finding
    assert "Nov 20" in svg and "Nov 23" in svg
    assert render_report({}, {"findings": []}).count("<svg") == 0
