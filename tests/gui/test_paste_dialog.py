"""The window's paste box: analyzed as you paste, on a pool thread, findings and related articles apart."""

from __future__ import annotations

from typing import Any

import pytest

from acronis_triage.app.gui.paste_dialog import PasteDialog

pytestmark = pytest.mark.usefixtures("qapp")

# https://kb.acronis.com/ja/content/42708 (verbatim), flattened as a chat window does it
FLAT_JA = ("エラーコード: 46 モジュール: 7 行情報: a5695862aaf8e75e フィールド: パーティションID : 219 "
           "メッセージ: セクタ単位モードが強制されています。 -------------------- エラーコード: 28 モジュール: 7 "
           "行情報: 89d94b01b483dcca フィールド: メッセージ: Runlist が破損しています。")


def test_pasting_a_known_problem_confirms_it(qtbot: Any) -> None:
    dialog = PasteDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editor.setPlainText(FLAT_JA)
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10000)
    assert [f["signature"] for f in dialog.last_result["findings"]] == ["disk-ntfs-metadata-corrupted"]
    assert dialog.findings.topLevelItemCount() == 1 and dialog.tabs.currentIndex() == 0
    assert dialog.tabs.tabText(0) == "Known issues (1)"


def test_pasting_an_unknown_error_decodes_it_and_lists_related_articles(qtbot: Any) -> None:
    dialog = PasteDialog()
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText("Scheduled backup failed: Error 0x01350016: TOL: Failed, code 0x80070079")
    dialog.analyze_now()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10000)
    assert not dialog.last_result["findings"]
    assert dialog.related.topLevelItemCount() >= 1
    html = dialog.unmatched.toHtml()
    assert "0x80070079" in html and "errorcode?ser=" in html
    assert "No known issue confirmed" in dialog.status.text()


def test_only_the_answer_to_the_latest_text_is_shown(qtbot: Any) -> None:
    dialog = PasteDialog()
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText("Access is denied (5) while the backup failed")
    dialog.analyze_now()
    dialog.editor.setPlainText("")
    dialog.analyze_now()
    qtbot.wait(500)
    assert dialog.last_result is None and dialog.status.text() == "Waiting for text."
