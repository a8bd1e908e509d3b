"""The signature and parser examples of CONTRIBUTING.md work with the code as it is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from acronis_triage.analyzers import formats
from acronis_triage.analyzers.formats import detect, iter_line_events
from acronis_triage.analyzers.signatures import schema
from acronis_triage.analyzers.signatures.loader import load_signatures
from acronis_triage.analyzers.signatures.selftest import run_samples

REPO = Path(__file__).resolve().parents[3]
GUIDE = REPO / "CONTRIBUTING.md"


def example(name: str) -> str:
    m = re.search(rf"<!-- example: {re.escape(name)} -->\n```\w+\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert m, f"CONTRIBUTING.md has no example {name!r}"
    return m.group(1)


def test_the_signature_example_is_the_shipped_file_and_passes_its_own_samples(tmp_path: Path) -> None:
    text = example("signature")
    assert text == (REPO / "resources/signatures/services/services-mms-cannot-bind.yaml").read_text(encoding="utf-8")
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "services-mms-cannot-bind.yaml").write_text(text, encoding="utf-8")
    sigset = load_signatures(tmp_path)
    assert sigset.problems == [] and [s.id for s in sigset.signatures] == ["services-mms-cannot-bind"]
    assert run_samples(sigset) == []


JOURNAL = """-- Boot 3f2a9c1e5d7b4a60b1c2d3e4f5a6b7c8 --
2026-11-30T10:15:02+0100 srv-lx01 acronis_mms[812]: Error 0x30002: CannotBind
2026-11-30T10:15:03+0100 srv-lx01 systemd[1]: acronis_mms.service: Main process exited, code=exited, status=1/FAILURE
2026-11-30T10:15:09+0100 srv-lx01 aakore[640]: listening on 127.0.0.1:9999
"""


def test_the_parser_example_reads_a_journal_and_streams_the_same() -> None:
    scope: dict[str, Any] = {"__name__": "contributing_parser"}
    exec(compile(example("parser"), "CONTRIBUTING.md:parser", "exec"), scope)  # the guide's own examples
    parser = scope["JournalParser"]()
    events = parser.parse_block(JOURNAL.splitlines(), 1, "journal.txt")
    assert [(e.line, e.level, e.fields["program"]) for e in events] == [
        (2, "error", "acronis_mms"), (3, "error", "systemd"), (4, "info", "aakore")]
    assert events[0].time is not None and events[0].time.isoformat() == "2026-11-30T10:15:02+01:00"
    assert [c.composite for c in events[0].codes] == [0x30002]
    chunks = [JOURNAL.encode()[i:i + 50] for i in range(0, len(JOURNAL.encode()), 50)]
    assert list(iter_line_events(parser, chunks, "journal.txt")) == events


def test_the_places_a_new_format_is_registered_exist() -> None:
    # The guide names them; a rename must update the guide.
    guide = GUIDE.read_text(encoding="utf-8")
    assert isinstance(formats._PARSER_CLASSES, dict) and "_PARSER_CLASSES" in guide
    assert "text" in detect.KINDS and "text" in schema.KINDS
    assert detect.KINDS == schema.KINDS
