"""XML activity log parser: DOMAIN.md §2.5 sample, truncation, damage, XXE, entity bombs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.analyzers.formats import iter_events, parse_text
from acronis_triage.analyzers.model import ErrorCode

LOGS = Path(__file__).parents[2] / "data" / "logs"
SAMPLE = (LOGS / "activity_log.xml").read_text("utf-8")


def test_sample_events() -> None:
    events = parse_text(SAMPLE, "activity.xml")
    assert [e.kind for e in events] == ["xml_activity"] * 3
    first, second, third = events
    assert first.time == datetime(2018, 11, 20, 11, 36, 12, tzinfo=UTC)
    assert first.level == "info"
    assert first.codes == [ErrorCode(309, 0x3A)]
    assert first.message.startswith("User is running command. Command=Recovering volumes")
    assert first.fields["product"] == "Acronis Backup Management Console"
    assert first.fields["build"] == "12110"
    assert first.line == 3
    assert second.codes == [ErrorCode(1, 504)]
    # Flattened "||" detail goes into fields, code 0 is no code.
    assert third.message == "Error 0x0"
    assert third.codes == []
    assert third.fields["channel"] == "tol-activity#34B8AB7A-7DCC-4626-807C-F05E76BFA935"
    assert third.fields["trace level"] == "information"


def test_numeric_levels_epoch_times_and_detail_chain() -> None:
    text = (
        '<log><event id="1" level="4" module="149" code="9,766,149(0x950505)" time="1331642404" '
        'line_tag="0x1" message="Error 0x950505: An attempt to fix VSS errors has failed.||| error 0xfff0: '
        'Access is denied|| code: 0x80070005"/>'
        '<event id="2" level="3" module="1" code="0" time="1331642405" message="low space"/>'
        '<event id="3" type="Warning" time="20.11.2018 11:36:12" message="w" code="0(0x0)" module="0"/></log>'
    )
    a, b, c = parse_text(text)
    assert a.level == "error"
    assert a.time == datetime(2012, 3, 13, 12, 40, 4, tzinfo=UTC)
    assert a.root_cause == ErrorCode(None, 0x80070005, "Access is denied")
    assert a.codes[0] == ErrorCode(0x95, 0x505, "An attempt to fix VSS errors has failed.")
    assert a.fields["line_tag"] == "0x1"
    assert b.level == "warning"
    assert c.level == "warning"
    assert c.time == datetime(2018, 11, 20, 11, 36, 12, tzinfo=UTC)


def test_truncated_file_keeps_events_before_the_cut(tmp_path: Path) -> None:
    cut = SAMPLE[: SAMPLE.index('message="Error 0x0') + 20]
    path = tmp_path / "cut.xml"
    path.write_text(cut, "utf-8")
    events = list(iter_events(path))
    assert [e.fields["id"] for e in events][:2] == ["1", "3"]
    assert len(events) >= 2


def test_damage_in_the_middle_is_skipped(tmp_path: Path) -> None:
    rows = [
        f'<event id="{i}" type="Error" time="11/20/18 11:36:12 AM" message="m{i}" code="0" module="0"/>'
        for i in range(1, 201)
    ]
    rows[100] = '<event id="101" type="Error" message="bad < and & here \x01" code="0" module="0"/>'
    path = tmp_path / "bad.xml"
    path.write_text("<log>\n" + "\n".join(rows) + "\n</log>\n", "utf-8")
    ids = [e.fields["id"] for e in iter_events(path)]
    assert "200" in ids
    assert len(ids) >= 199


def test_xxe_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", "utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<log><event id="1" type="Error" message="a &x; b" code="0(0x0)" module="0"/></log>'
    )
    events = parse_text(text)
    assert events
    assert all("TOP-SECRET" not in e.message and "TOP-SECRET" not in e.raw for e in events)


def test_billion_laughs_does_not_expand() -> None:
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    text = f'<?xml version="1.0"?><!DOCTYPE log [{lol}]><log><event id="1" type="Error" message="&lol9;"/></log>'
    events = parse_text(text)
    assert all(len(e.message) < 1000 for e in events)


def test_utf16_xml_with_declaration(tmp_path: Path) -> None:
    path = tmp_path / "ti_demon.log"
    path.write_bytes(SAMPLE.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    events = list(iter_events(path))
    assert [e.codes for e in events][:2] == [[ErrorCode(309, 0x3A)], [ErrorCode(1, 504)]]


# Issue 8, class 8: one damaged event, or two <log> documents appended, must not lose the events after it.
_DAMAGE = [
    "</log>\n",  # a stray end of the root
    '</log>\n<?xml version="1.0" encoding="utf-8"?>\n<log build="9">\n',  # a second document appended
    "<!-- an unclosed comment\n",
    "<![CDATA[ an unclosed CDATA section\n",
    "<!DOCTYPE log>\n",
    "\ufffd\ufffd<<>>\n",
    "\x00" * 64 + "\n",  # NUL bytes after a power loss
    '<event id="bad" type="Error" message="cut here',
    '<event id="bad" type="Error">\n',  # never closed
]


def _row(i: int) -> str:
    return f'<event id="{i}" type="Error" time="11/20/18 11:36:12 AM" message="m{i}" code="22" module="309"/>\n'


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 40), where=st.data(), damage=st.lists(st.sampled_from(_DAMAGE), min_size=1, max_size=3),
       chunk=st.integers(7, 4096))
def test_damage_never_loses_the_later_events(n, where, damage, chunk) -> None:
    from acronis_triage.analyzers.formats.xml_activity import XmlActivityParser

    rows = [_row(i) for i in range(n)]
    for d in damage:
        rows.insert(where.draw(st.integers(1, len(rows))), d)
    text = '<?xml version="1.0"?>\n<log build="1">\n' + "".join(rows) + "</log>\n"
    data = text.encode("utf-8")
    events = list(XmlActivityParser().iter_document([data[i:i + chunk] for i in range(0, len(data), chunk)], "f"))
    ids = [e.fields.get("id") for e in events]
    assert [i for i in ids if i not in (None, "bad")] == [str(i) for i in range(n)]
    lines = text.split("\n")
    for e in events:
        if e.fields.get("id") not in (None, "bad"):
            assert f'id="{e.fields["id"]}"' in lines[e.line - 1]


def test_appended_documents_keep_their_own_root_attributes(tmp_path: Path) -> None:
    text = ('<?xml version="1.0"?>\n<log build="100">\n' + _row(1) + "</log>\n"
            '<?xml version="1.0"?>\n<log build="200">\n' + _row(2) + _row(3) + "</log>\n")
    path = tmp_path / "two.xml"
    path.write_text(text, "utf-8")
    events = list(iter_events(path))
    assert [(e.fields["id"], e.fields["build"]) for e in events] == [("1", "100"), ("2", "200"), ("3", "200")]


def test_scan_streams_xml_without_the_whole_document_cap(tmp_path: Path, monkeypatch) -> None:
    import acronis_triage.analyzers.scan as scan_mod
    from acronis_triage.analyzers.analyze import analyze_paths
    from acronis_triage.analyzers.formats.xml_activity import XmlActivityParser

    monkeypatch.setattr(scan_mod, "DOCUMENT_MAX_BYTES", 64 * 1024)

    def whole(*args, **kwargs):
        raise AssertionError("the scan must stream XML, not parse it whole")

    monkeypatch.setattr(XmlActivityParser, "parse_document", whole)
    path = tmp_path / "big.xml"
    path.write_text("<log>\n" + "".join(_row(i) for i in range(5000)) + "</log>\n", "utf-8")
    assert path.stat().st_size > 4 * 64 * 1024
    result = analyze_paths([str(path)])
    assert result.skipped == []
    assert result.stats.events == 5000
