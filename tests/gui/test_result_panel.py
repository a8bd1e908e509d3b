"""The result panel and the findings list: exit states in plain words, findings worst first, KB links."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from acronis_triage.analyzers.model import Evidence, Finding, KBRef
from acronis_triage.app.gui.findings_view import KB_NUMBERS_ROLE, FindingsView, kb_links
from acronis_triage.app.gui.result_panel import COMPLETE, INCOMPLETE, NOTHING_WRITTEN, ResultPanel, describe_result
from acronis_triage.app.pipeline import EXIT_INCOMPLETE, EXIT_NOTHING_WRITTEN, EXIT_OK, CollectResult
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import CollectorOutcome

pytestmark = pytest.mark.usefixtures("qapp")


def finding(signature: str, severity: str, count: int, kb: tuple[str, ...] = ()) -> dict[str, Any]:
    seen = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return Finding(signature, f"Title of {signature}", severity, [KBRef(n) for n in kb], count, seen, seen,
                   [Evidence("collected/acronis_logs/mms.log", 12, "error 0x00D9002D")],
                   description="What it means.", cause="Why it happens.",
                   workaround=["Restart the service.", "Run the backup again."]).to_json()


def outcome(name: str, status: Status, reason: str = "") -> CollectorOutcome:
    return CollectorOutcome(name, name.replace("_", " ").capitalize(), status, reason, "2026-11-26T10:00:00", 1.0)


def test_complete() -> None:
    result = CollectResult(EXIT_OK, Path("/tmp/b.zip"), "", [outcome("logs", Status.OK),
                                                             outcome("vss", Status.NOT_APPLICABLE, "linux")],
                           {"findings": [finding("a", "error", 2)]}, {}, 3.2)
    verdict = describe_result(result, cancelled=False)
    assert verdict.kind == COMPLETE
    assert verdict.heading == "Complete: every collector finished"
    assert "2 collectors (1 not applicable, 1 ok) · 1 known issues found · 3.2 s" in verdict.details


def test_incomplete_names_each_failure_and_partial_collector() -> None:
    result = CollectResult(EXIT_INCOMPLETE, Path("/tmp/b.zip"), "logs: timeout", [
        outcome("logs", Status.TIMEOUT, "timed out after 300 s"),
        outcome("vss", Status.ERROR, "OSError: denied"),
        outcome("config", Status.PARTIAL, "settings.xml: locked"),
        outcome("system", Status.OK),
    ], {"findings": []}, {}, 301.0)
    verdict = describe_result(result, cancelled=False)
    assert verdict.kind == INCOMPLETE
    lines = verdict.details.splitlines()
    assert "• Logs: timed out (timed out after 300 s)" in lines
    assert "• Vss: error (OSError: denied)" in lines
    assert "• Config: settings.xml: locked" in lines
    assert "5 min 01 s" in lines[0]


def test_partial_collector_is_never_shown_as_complete(qtbot: Any) -> None:
    # Even where a run reports exit code 0 (as before the fix), a partial collector means something is missing.
    from acronis_triage.app.gui.style import state_colour

    for code in (EXIT_OK, EXIT_INCOMPLETE):
        result = CollectResult(code, Path("/tmp/b.zip"), "", [
            outcome("config", Status.PARTIAL, "settings.xml: locked by another program"),
            outcome("system", Status.OK)], {"findings": []}, {}, 2.0)
        verdict = describe_result(result, cancelled=False)
        assert verdict.kind == INCOMPLETE
        assert verdict.heading == "Incomplete: some things could not be collected"
        assert "• Config: settings.xml: locked by another program" in verdict.details.splitlines()
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(result, cancelled=False)
    assert panel.heading.styleSheet() == f"color: {state_colour(Status.PARTIAL).name()};"
    assert state_colour(Status.PARTIAL).name() != state_colour(Status.OK).name()


def test_files_the_analysis_could_not_read_make_the_run_incomplete() -> None:
    result = CollectResult(EXIT_INCOMPLETE, Path("/tmp/b.zip"), "", [outcome("logs", Status.OK)], {
        "findings": [], "skipped": [{"path": "collected/logs/mms.0.log", "reason": "could not be analyzed (x)"}]},
        {}, 2.0)
    verdict = describe_result(result, cancelled=False)
    assert verdict.kind == INCOMPLETE
    assert "• collected/logs/mms.0.log: could not be analyzed (x)" in verdict.details.splitlines()


def test_cancelled_says_the_bundle_is_still_valid() -> None:
    result = CollectResult(EXIT_INCOMPLETE, Path("/tmp/b.zip"), "run cancelled", [
        outcome("logs", Status.CANCELLED, "cancelled by the user")], {"findings": []}, {}, 2.0)
    verdict = describe_result(result, cancelled=True)
    assert verdict.heading == "Incomplete: cancelled by the user"
    assert "holds what was collected before the cancel" in verdict.details
    assert "• Logs: cancelled (cancelled by the user)" in verdict.details


def test_nothing_written_gives_the_pipeline_reason() -> None:
    result = CollectResult(EXIT_NOTHING_WRITTEN, reason="output folder /x does not exist")
    verdict = describe_result(result, cancelled=False)
    assert (verdict.kind, verdict.heading, verdict.details) == (
        NOTHING_WRITTEN, "Nothing written", "output folder /x does not exist")


def test_panel_shows_the_bundle(qtbot: Any) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show()
    findings = [finding("quota", "warning", 9, ("60226",)), finding("vss", "critical", 1, ("61714", "36200"))]
    panel.show_result(CollectResult(EXIT_OK, Path("/tmp/out/b.zip"), "", [], {"findings": findings}, {}, 1.0),
                      cancelled=False)
    assert panel.path_row.isVisible()
    assert panel.path_field.text() == str(Path("/tmp/out/b.zip"))
    assert "2 known issues found" in panel.details.text()

    panel.show_error("ImportError: no module", "Traceback ...")
    assert panel.heading.text() == "Nothing written"
    # What went wrong is selectable text, not only a tooltip.
    assert panel.error_details.isVisible() and panel.error_details.toPlainText() == "Traceback ..."
    assert not panel.path_row.isVisible() and panel.bundle is None


def test_no_acronis_product_is_never_shown_as_a_green_complete(qtbot: Any) -> None:
    from acronis_triage.app.gui.result_panel import NO_PRODUCT
    from acronis_triage.app.gui.style import state_colour

    result = CollectResult(EXIT_OK, Path("/tmp/b.zip"), "", [
        outcome("products", Status.NOT_APPLICABLE, "no Acronis product found (searched 12 places; see products.json)"),
        outcome("system", Status.OK)], {"findings": []}, {}, 2.0)
    verdict = describe_result(result, cancelled=False)
    assert verdict.kind == NO_PRODUCT
    assert verdict.heading == "Collected, but no Acronis product was found"
    assert "searched 12 places" in verdict.details
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(result, cancelled=False)
    assert panel.heading.styleSheet() != f"color: {state_colour(Status.OK).name()};"


def test_findings_are_worst_first_with_kb_links(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    view = FindingsView()
    qtbot.addWidget(view)
    view.set_findings([
        finding("info_one", "info", 50),
        finding("vss_timeout", "critical", 3, ("61714", "36200")),
        finding("quota", "warning", 9, ("60226",)),
        finding("vss_writer", "critical", 7),
    ])
    qtbot.waitUntil(lambda: not view.filler.busy, timeout=5000)  # rows after the first arrive in slices
    titles = [view.topLevelItem(i).text(FindingsView.COL_TITLE) for i in range(view.topLevelItemCount())]
    assert titles == ["Title of vss_writer", "Title of vss_timeout", "Title of quota", "Title of info_one"]
    second = view.topLevelItem(1)
    assert second.text(FindingsView.COL_SEVERITY) == "critical"
    assert second.data(FindingsView.COL_KB, KB_NUMBERS_ROLE) == "61714, 36200"
    assert second.text(FindingsView.COL_KB) == ""  # the link label is the only thing drawn there
    assert view.topLevelItem(0).text(FindingsView.COL_KB) == "—"
    assert second.text(FindingsView.COL_COUNT) == "3"
    assert "Workaround:\n1. Restart the service.\n2. Run the backup again." in second.toolTip(FindingsView.COL_TITLE)
    assert view.kb_label(0) is None
    label = view.kb_label(1)
    assert label is not None
    assert '<a href="https://kb.acronis.com/content/61714">KB 61714</a>' in label.text()

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    with qtbot.waitSignal(view.linkOpened) as blocker:
        label.linkActivated.emit("https://kb.acronis.com/content/36200")
    assert blocker.args == ["https://kb.acronis.com/content/36200"]
    assert opened == [QUrl("https://kb.acronis.com/content/36200")]


def test_kb_links_fall_back_to_the_kb_address() -> None:
    assert kb_links({"kb": ["123", 456], "kb_urls": ["https://kb.acronis.com/content/123"]}) == [
        ("123", "https://kb.acronis.com/content/123"), ("456", "https://kb.acronis.com/content/456")]
    assert kb_links({}) == []


def related_entry(kb: str, score: float, kind: str = "kb") -> dict[str, Any]:
    url = f"https://kb.acronis.com/content/{kb}" if kind == "kb" else "https://www.acronis.com/en-us/support/x.html"
    return {"kb": kb, "title": f"Article {kb}", "url": url, "score": score, "kind": kind,
            "event": {"template": "Error <*> something failed", "level": "error", "count": 1,
                      "file": "<stdin>", "line": 1, "text": "Error 0x1: something failed"}}


def test_possibly_related_articles_open_by_keyboard_and_copy(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from acronis_triage.app.gui.related_view import RelatedView

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    view = RelatedView()
    qtbot.addWidget(view)
    view.show()
    view.set_related([related_entry("61092", 18.9), related_entry("doc:alert-types", 9.5, kind="doc")])
    qtbot.waitUntil(lambda: not view.filler.busy, timeout=5000)
    first = view.topLevelItem(0)
    assert first.text(view.COL_TITLE) == "Article 61092" and first.text(view.COL_SCORE) == "18.9"
    assert ">Docs<" in view.itemWidget(view.topLevelItem(1), view.COL_ARTICLE).text()
    view.setFocus()
    view.setCurrentItem(first)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == ["https://kb.acronis.com/content/61092"]
    view.copy_link()
    assert QGuiApplication.clipboard().text() == "https://kb.acronis.com/content/61092"
