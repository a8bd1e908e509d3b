"""Names and reasons from the examined machine never reach the terminal with their control characters raw."""

from __future__ import annotations

import io
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from acronis_triage.app.cli_progress import ProgressPrinter
from acronis_triage.app.pipeline import CollectResult
from acronis_triage.app.terminal_text import json_for_terminal, printable
from acronis_triage.collectors.base import Status
from acronis_triage.collectors.engine import CollectorOutcome, EngineEvent

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
EVIL = "mms\x1b]0;owned\x07\x1b[2J\u202egol.exe\x9b31m\udcff\r\n.log"


def test_escape_sequences_are_shown_not_acted_on() -> None:
    assert printable(EVIL) == "mms\\x1b]0;owned\\x07\\x1b[2J\\u202egol.exe\\x9b31m\\udcff\\r\\n.log"
    assert printable("C:\\ProgramData\\Acronis\\mms.0.log — ログ") == "C:\\ProgramData\\Acronis\\mms.0.log — ログ"


@given(st.text())
def test_printable_leaves_nothing_unsafe_and_keeps_safe_text(text: str) -> None:
    out = printable(text)
    assert not UNSAFE.search(out)
    out.encode("utf-8")  # always encodable, even from undecodable file names
    if not UNSAFE.search(text):
        assert out == text


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=10))
def test_json_for_the_terminal_is_the_same_value(value: object) -> None:
    text = json_for_terminal(json.dumps(value, indent=2, ensure_ascii=False))
    assert not UNSAFE.search(text.replace("\n", ""))
    assert json.loads(text) == value


def test_progress_lines_and_summary_escape_names_and_reasons() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream)
    printer(EngineEvent("planned", "logs", "Acronis logs"))
    printer(EngineEvent("finished", "logs", f"Acronis logs {EVIL}", status=Status.PARTIAL,
                        text=f"/var/log/acronis/{EVIL}: cannot read: Permission denied"))
    printer(EngineEvent("phase", text=f"analyzing {EVIL}"))
    printer(EngineEvent("finished", "x", "X", status=Status.NOT_APPLICABLE, text=f"no {EVIL} here"))
    result = CollectResult(2, __import__("pathlib").Path(f"/tmp/{EVIL}.zip"), f"logs: partial ({EVIL})",
                           [CollectorOutcome("logs", "Acronis logs", Status.PARTIAL, EVIL)],
                           {"findings": [{"title": EVIL, "severity": "error", "kb": [], "count": 1}]}, {}, 1.0)
    printer.done(result)
    out = stream.getvalue()
    assert EVIL not in out
    assert not UNSAFE.search(out.replace("\n", ""))
    assert out.count("\\x1b]0;owned\\x07") >= 6  # each place the name appeared, shown escaped
