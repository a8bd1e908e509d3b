"""The typed readers of a run's documents: what they make of a well-formed and of a malformed bundle."""

from __future__ import annotations

from acronis_triage.app.results import (
    AnalysisReport,
    ChainLink,
    EvidenceLine,
    FoundIssue,
    ManifestView,
    NotAnalyzed,
    Product,
)


def test_a_finding_reads_every_field_the_app_uses() -> None:
    entry = {"signature": "vss-timeout", "title": "VSS writer timed out", "severity": "error", "count": 3,
             "kb": ["60196"], "kb_urls": ["https://kb.acronis.com/content/60196"],
             "first_seen": "2026-11-20T03:12:09+00:00", "last_seen": None,
             "error_chain": [{"module": 149, "code": 1285, "hex": "0x00950505", "text": "VSS failed"}, "junk"],
             "evidence": [{"file": "collected/logs/mms.0.log", "line": 12, "text": "Error 0x950505"}, 7],
             "workaround": ["Restart the VSS service"]}
    issue = FoundIssue.from_json(entry)
    assert issue == FoundIssue("vss-timeout", "VSS writer timed out", "error", 3, "2026-11-20T03:12:09+00:00", "",
                               ("60196",), ("https://kb.acronis.com/content/60196",),
                               (ChainLink("0x00950505", "VSS failed"),),
                               (EvidenceLine("collected/logs/mms.0.log", "12", "Error 0x950505"),),
                               ("Restart the VSS service",))
    assert issue.summary_json() == {k: entry[k] for k in ("signature", "title", "severity", "kb", "count")}


def test_a_malformed_analysis_reads_as_what_is_usable() -> None:
    assert AnalysisReport.from_json(None) == AnalysisReport()
    assert AnalysisReport.from_json({"findings": "not a list", "skipped": None}) == AnalysisReport()
    report = AnalysisReport.from_json({"findings": [{"title": "only a title"}, 5],
                                       "skipped": [{"path": "collected/a.log", "reason": "unreadable"}, []]})
    assert report.findings == (FoundIssue("", "only a title", "", 0, "", ""),)
    assert report.not_analyzed == (NotAnalyzed("collected/a.log", "unreadable"),)


def test_a_malformed_manifest_reads_as_empty_parts() -> None:
    assert ManifestView.from_json(["not", "a", "manifest"]) == ManifestView()
    view = ManifestView.from_json({"host": "pc-1", "identifiers": {"InstanceID": "x"}, "tool": None,
                                   "products": [{"name": "Agent", "version": "15.0", "build": 36791}, {"build": 1}],
                                   "files": [{"path": "collected/a/b.log"}, "x"], "created_utc": None})
    assert view.host == {} and view.identifiers == {"InstanceID": "x"} and view.tool == {}
    assert view.products == (Product("Agent", "", "15.0", "36791"),)
    assert view.member_paths == ("collected/a/b.log",)
    assert view.created_utc == ""
