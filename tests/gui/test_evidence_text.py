"""The log viewer's text: read from a bundle, an archive member, a folder or a file, decoded as the analysis
decoded it (so line numbers agree), a window of lines around the evidence of a large file, binaries refused."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.analyzers.analyze import analyze_paths
from acronis_triage.app.gui.evidence_text import CONTEXT_LINES, EvidenceError, load_text

QUOTA = ("2026-11-24T08:52:09:205+01:00 8804 E029B13A0: Error 0x29b13a0: The storage quota is exceeded. "
         "Further backups will fail.")


def _log(lines_before: int) -> str:
    noise = "".join(f"2026-11-24T08:00:{i % 60:02d}:000+01:00 2284 I00000000: heartbeat {i}\n"
                    for i in range(lines_before))
    return noise + QUOTA + "\n| trace level: error\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_line_numbers_agree_with_the_analysis(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "mms.0.log"
    path.write_bytes(_log(30).replace("\n", "\r\n" if encoding == "cp1252" else "\n").encode(encoding))
    finding = analyze_paths([str(path)]).to_json()["findings"][0]
    evidence = finding["evidence"][0]
    loaded = load_text(evidence["file"], None, evidence["line"])
    assert evidence["line"] == 31
    assert loaded.text.splitlines()[evidence["line"] - loaded.first_line] == QUOTA


def test_members_of_a_bundle_and_of_archives(tmp_path: Path) -> None:
    bundle = tmp_path / "b.zip"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("logs/mms.log", _log(2))
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("collected/acronis_logs/mms.0.log", _log(5))
        z.writestr("collected/acronis_sysinfo/sysinfo.zip", inner.getvalue())
        z.writestr("collected/acronis_logs/old.log.gz", gzip.compress(_log(1).encode()))
        z.writestr("collected/x/hive.dat", b"regf\x00\x00\x01\x02" * 100)
    assert load_text("collected/acronis_logs/mms.0.log", bundle, 6).text.splitlines()[5] == QUOTA
    assert load_text(f"{bundle}!collected/acronis_sysinfo/sysinfo.zip!logs/mms.log").text.splitlines()[2] == QUOTA
    assert load_text("collected/acronis_logs/old.log.gz", bundle).text.splitlines()[1] == QUOTA
    with pytest.raises(EvidenceError, match="binary file"):
        load_text("collected/x/hive.dat", bundle)
    with pytest.raises(EvidenceError, match=r"not in b\.zip"):
        load_text("collected/missing.log", bundle)
    folder = tmp_path / "unpacked"
    (folder / "collected").mkdir(parents=True)
    (folder / "collected" / "a.log").write_text(_log(0), encoding="utf-8")
    assert load_text("collected/a.log", folder, 1).text.splitlines()[0] == QUOTA


def test_a_large_file_is_shown_around_the_line(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_text(_log(3 * CONTEXT_LINES), encoding="utf-8")
    line = 3 * CONTEXT_LINES + 1
    loaded = load_text(str(path), None, line)
    assert loaded.first_line == line - CONTEXT_LINES
    assert loaded.text.splitlines()[line - loaded.first_line] == QUOTA
    assert loaded.last_line == line + 1
    head = load_text(str(path), None, 5)
    assert head.first_line == 1 and head.total_lines is None  # stopped before the end


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                        max_size=80), min_size=1, max_size=40), st.data())
def test_any_text_keeps_its_lines(tmp_path_factory: pytest.TempPathFactory, lines: list[str],
                                  data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("h") / "any.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = data.draw(st.integers(1, len(lines)))
    loaded = load_text(str(path), None, line)
    shown = loaded.text.split("\n")
    assert len(shown) == len(lines) and "\u2029" not in loaded.text
    assert shown[line - loaded.first_line] == lines[line - 1].replace("\u2029", " ")
