"""The speed-ups of `analyze` give exactly the results of the plain paths: the parsed-signature cache, the fast
MMS head path, and the way work is shared between processes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from acronis_triage.analyzers.signatures import load_signatures

DATA = Path(__file__).resolve().parents[2] / "data" / "signatures"
SHIPPED = Path(__file__).resolve().parents[3] / "resources" / "signatures"


def _sig_view(sigset):
    return ([(s.id, s.title, s.severity, s.rule, s.kb, s.positive, s.negative, s.file) for s in sigset.signatures],
            [str(p) for p in sigset.problems])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.delenv("ACRONIS_TRIAGE_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setenv("LOCALAPPDATA", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return folder


def test_cached_signatures_equal_parsed_ones(cache, monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")
    plain = load_signatures(SHIPPED)
    monkeypatch.delenv("ACRONIS_TRIAGE_NO_CACHE")
    first = load_signatures(SHIPPED)  # parses and writes the cache
    assert list(cache.rglob("signatures-*.json"))
    second = load_signatures(SHIPPED)  # from the cache
    assert _sig_view(plain) == _sig_view(first) == _sig_view(second)
    assert len(second.signatures) > 50


def test_cache_hit_does_not_parse_yaml(cache, monkeypatch):
    load_signatures(SHIPPED)
    import acronis_triage.analyzers.signatures.loader as loader

    def no_parse(*args, **kwargs):
        raise AssertionError("YAML parsed despite a cache hit")

    monkeypatch.setattr(loader, "_parse_file", no_parse)
    assert load_signatures(SHIPPED).signatures


def test_changed_file_is_parsed_again(cache, tmp_path):
    folder = tmp_path / "sigs"
    shutil.copytree(DATA / "valid", folder)
    before = load_signatures(folder)
    target = next(p for p in folder.rglob("*.yaml") if "test-vss-fix-denied" in p.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("severity: error", "severity: warning").replace(
        "severity: critical", "severity: warning"), encoding="utf-8")
    after = load_signatures(folder)
    assert after.by_id()["test-vss-fix-denied"].severity == "warning"
    assert before.by_id()["test-vss-fix-denied"].severity != "warning"


def test_broken_files_are_never_cached_and_still_reported(cache):
    first = load_signatures(DATA / "broken")
    assert not list(cache.rglob("signatures-*.json"))
    second = load_signatures(DATA / "broken")
    assert _sig_view(first) == _sig_view(second)
    assert any("not valid YAML" in str(p) for p in second.problems)


def test_damaged_cache_file_is_ignored(cache, monkeypatch):
    expected = _sig_view(load_signatures(DATA / "valid"))
    for path in cache.rglob("signatures-*.json"):
        path.write_text('{"not": "a list"', encoding="utf-8")
    assert _sig_view(load_signatures(DATA / "valid")) == expected
    for path in cache.rglob("signatures-*.json"):
        path.write_text("[[]]", encoding="utf-8")  # valid JSON, wrong shape
    assert _sig_view(load_signatures(DATA / "valid")) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="chmod")
def test_unwritable_cache_folder_costs_nothing_but_time(cache):
    cache.mkdir(parents=True)
    cache.chmod(0o500)
    try:
        assert load_signatures(DATA / "valid").signatures
    finally:
        cache.chmod(0o700)


# -- work shared between processes ---------------------------------------------------------------------------------

HEAD = "2021-03-01T10:{m:02d}:{s:02d}:000+01:00 100 E029B1398: Storage request timeout"


def _write_logs(folder: Path, sizes: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, lines in enumerate(sizes):
        rows = []
        for j in range(lines):
            rows.append(HEAD.format(m=(i * 7 + j) % 60, s=j % 60))
            rows.append(f"2021-03-01T11:{j % 60:02d}:00:000+01:00 5 W00000001: slow {j} ms in job{i}")
            if j % 5 == 0:
                rows.append("| trace level: warning\n| code: 0x80070005")
            rows.append(f"2021-03-01T11:{j % 60:02d}:01:000+01:00 5 I00000002: fine {j}")
        (folder / f"mms.{i}.log").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def no_cache(monkeypatch):
    monkeypatch.setenv("ACRONIS_TRIAGE_NO_CACHE", "1")


def _json(result):
    out = result.to_json()
    out["stats"].pop("seconds")
    return out


def test_shared_task_pipe_gives_the_serial_result(no_cache, tmp_path, monkeypatch):
    """Unequal files, more files than processes: the parent and the child take files as they come, and the
    result is that of one process scanning them in order."""
    import acronis_triage.analyzers.analyze as analyze_mod

    sigs = load_signatures(DATA / "valid")
    _write_logs(tmp_path / "logs", [300, 5, 120, 40, 1, 260, 75])
    serial = analyze_mod.analyze_paths([str(tmp_path / "logs")], sigs)
    assert serial.findings and serial.unmatched
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    forked = []
    real_fork = analyze_mod.os.fork

    def counting_fork():
        forked.append(1)
        return real_fork()

    monkeypatch.setattr(analyze_mod.os, "fork", counting_fork)
    parallel = analyze_mod.analyze_paths([str(tmp_path / "logs")], sigs)
    assert len(forked) == 1  # two workers: this process and one child
    assert _json(parallel) == _json(serial)


def test_more_files_than_task_records(no_cache, tmp_path, monkeypatch):
    """Past `_MAX_TASKS` files, runs of files are handed out together; every file is still scanned once."""
    import acronis_triage.analyzers.analyze as analyze_mod

    sigs = load_signatures(DATA / "valid")
    _write_logs(tmp_path / "logs", [3] * 9)
    serial = analyze_mod.analyze_paths([str(tmp_path / "logs")], sigs)
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(analyze_mod, "_MAX_TASKS", 4)
    parallel = analyze_mod.analyze_paths([str(tmp_path / "logs")], sigs)
    assert parallel.stats.files == 9
    assert _json(parallel) == _json(serial)


def test_cancel_during_the_parents_share(no_cache, tmp_path, monkeypatch):
    import acronis_triage.analyzers.analyze as analyze_mod
    from acronis_triage.analyzers.inputs import resolve_inputs
    from acronis_triage.analyzers.model import Skipped

    sigs = load_signatures(DATA / "valid")
    _write_logs(tmp_path / "logs", [50] * 4)

    class CancelAfterFirst:
        calls = 0

        def is_cancelled(self):
            self.calls += 1
            return self.calls > 1

    sources = [s for s in resolve_inputs([str(tmp_path / "logs")])]
    out = analyze_mod._scan_parallel(analyze_mod.get_scanner(sigs), sources, 2, CancelAfterFirst(), None, None)
    assert len(out) == 4
    assert any(isinstance(r, Skipped) and r.reason == "analysis cancelled" for r in out)


# -- unknown-error templates: the shape cache and the bytes event-start test give what `mask` and the parser give --

def _mms_lines(seed: int, count: int) -> list[bytes]:
    import random

    rnd = random.Random(seed)
    words = ("Retrying", "request", "'Arquivos'", "'a 1 b'", '"x y"', "it's", "C:\\Users\\jsmith", "/var/log",
             "0x8004230f", "C0FFEE-11", "é5", "١٢", "\tTab", "\x1cword", "a\xa0b", "é\u2003x", "E00640002:",
             "(3/5)", "ms", "x'1", "\x00", "/", "DB67-49E2")
    lines = []
    for _ in range(count):
        code = rnd.choice(("W0057002C:", "W01C90009:", "E0064004D:", "w0057002c:", "W0057002C:\tx"))
        body = " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 9)))
        if rnd.random() < 0.05:
            body += " " + "long " * 120
        lines.append(f"2024-05-01T10:01:50:260+02:00 9044 {code} {body}".encode("utf-8", errors="replace"))
    return lines


def test_cached_mms_templates_equal_mask():
    from acronis_triage.analyzers.unmatched import UnmatchedCollector, mask

    collector = UnmatchedCollector()
    for raw in _mms_lines(1, 4000):
        collector.add_mms_head(raw, "warning", "f", lambda offset: 1, 0)
        text = raw.decode("utf-8", errors="replace")
        template = mask(text.split(" ", 2)[-1])
        assert (template, "warning") in collector.stats, text
    expected = {}
    for raw in _mms_lines(1, 4000):
        template = mask(raw.decode("utf-8", errors="replace").split(" ", 2)[-1])
        expected[template] = expected.get(template, 0) + 1
    assert {t: st.count for (t, _), st in collector.stats.items()} == expected


def test_one_code_with_several_templates_stays_split():
    from acronis_triage.analyzers.unmatched import UnmatchedCollector

    collector = UnmatchedCollector()
    heads = (b"2024-05-01T10:01:50:260+02:00 9044 W01C90009: Connection to 10.0.0.1 is slow: 120 ms",
             b"2024-05-01T10:01:51:260+02:00 9044 W01C90009: Connection to 10.0.0.2 is slow: 80 ms",
             b"2024-05-01T10:01:52:260+02:00 9044 W01C90009: Connection lost to 'Teste'",
             b"2024-05-01T10:01:53:260+02:00 9044 W01C90009: Connection lost to 'Fileserver 2'")
    for i, raw in enumerate(heads):
        collector.add_mms_head(raw, "warning", "f", lambda offset: offset + 1, i)
    stats = {t: (st.count, st.example.line) for (t, _), st in collector.stats.items()}
    assert stats == {"W01C90009: Connection to <*> is slow: <*> ms": (2, 1),
                     "W01C90009: Connection lost to <*>": (2, 3)}


def test_bytes_event_start_agrees_with_the_mms_parser():
    from acronis_triage.analyzers.formats import get_parser
    from acronis_triage.analyzers.scan import _START_BYTES

    parser = get_parser("mms")
    fast = _START_BYTES["mms"]
    samples = [*_mms_lines(2, 300),
        b"| trace level: error", b"", b"2024-05-01T10:01:50:260 9044 W0057002C:",
        b"2024-05-01T10:01:50:260 9044 W0057002C:\r",
        b"2024-05-01T10:01:50.2604+0200 1 I0000000a: x", b"2024-05-01T10:01:50:260Z 1 i0000000A: x",
        "٢٠٢٤-05-01T10:01:50:260 9044 W0057002C: arabic digits".encode(), b"2024-05-01 10:01:50:260 9044 W0057002C: x"]
    for raw in samples:
        if fast.match(raw, 0, len(raw)) is not None:
            assert parser.is_event_start(raw.decode("utf-8", errors="replace")), raw
        elif raw.isascii():
            assert not parser.is_event_start(raw.decode("ascii")), raw


def test_xml_parser_and_lxml_are_imported_only_for_xml_logs(tmp_path):
    import subprocess

    log = tmp_path / "mms.0.log"
    log.write_bytes(b"2024-05-01T10:01:50:260+02:00 9044 E00640002: Error 0x640002: failed\n")
    xml = tmp_path / "activity.xml"
    xml.write_text('<?xml version="1.0"?><log><event id="1" level="4" module="1" code="2" time="3" '
                   'message="m"/></log>', encoding="utf-8")
    probe = ("import sys; from acronis_triage.analyzers.analyze import analyze_paths; analyze_paths([sys.argv[1]]); "
             "print('lxml' in sys.modules, 'acronis_triage.analyzers.formats.xml_activity' in sys.modules)")
    root = Path(__file__).resolve().parents[3]
    for path, expected in ((log, "False False"), (xml, "True True")):
        out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=root,
                             check=True).stdout.split()
        assert " ".join(out) == expected, (path, out)
