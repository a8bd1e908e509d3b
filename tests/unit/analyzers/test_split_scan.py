"""One big log cut at event boundaries and scanned in parts (by both cores) gives exactly what one scan of it gives:
findings, counts, evidence with its line numbers, unmatched templates and their examples, folded events, related
articles. Checked on MMS logs with ``|`` detail blocks (cuts right after a head, inside a block, on CRLF lines),
the shipped signatures' own samples, JSON lines, installer logs, a file with a BOM, and random logs and cut points
(hypothesis); then through the forked path of `analyze_paths`."""

from __future__ import annotations

import gzip
import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acronis_triage.analyzers.analyze as analyze_mod
import acronis_triage.analyzers.unmatched as unmatched_mod
from acronis_triage.analyzers.analyze import combine
from acronis_triage.analyzers.formats import get_parser
from acronis_triage.analyzers.inputs import resolve_inputs
from acronis_triage.analyzers.model import AnalysisResult, LogSource
from acronis_triage.analyzers.scan import Scanner, finish, merge_segments
from acronis_triage.analyzers.signatures import load_signatures

TESTS = Path(__file__).resolve().parents[2]
LOGS = TESTS / "data" / "logs"
HEAD_RE = r"^\d{4}-\d\d-\d\dT"


@pytest.fixture(scope="module")
def shipped():
    return load_signatures()


@pytest.fixture(scope="module")
def scanner(shipped):
    return Scanner(shipped)


def _samples(sigs) -> list[str]:
    """The MMS-format positive samples of the shipped signatures (real hits, with their detail blocks)."""
    import re

    head = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}[+-]\d\d:\d\d \d+ [A-Z][0-9A-F]{8}: ")
    return [s.rstrip("\n") for sig in sigs.signatures for s in sig.positive if head.match(s)]


WORDS = ("alpha", "bravo", "delta", "kilo", "lima", "oscar", "papa", "romeo", "sierra", "tango", "zulu", "echo")


def mms_log(sigs, events: int, seed: int = 1, crlf: bool = False, words: int = 0) -> str:
    """MMS events: info lines, known warnings, unknown errors with ``|`` detail blocks, the signatures' samples,
    bare ``Error 0x..:`` heads, and with `words`, warnings whose unquoted words make many templates."""
    rnd = random.Random(seed)
    samples = _samples(sigs)
    out = ["| orphan detail line before the first head", "| code: 0x80070005"]
    for i in range(events):
        stamp = f"2024-05-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}:{i % 1000:03d}+02:00"
        tid = rnd.choice((9044, 5616))
        r = rnd.random()
        if r < 0.08 and samples:
            sample = rnd.choice(samples)
            out.append(f"{stamp} {tid} {sample.split(' ', 2)[2]}")
        elif r < 0.2:
            out.append(f"{stamp} {tid} E0064004D: Error 0x64004d: Unexpected reply for 'plan {rnd.randint(1, 9)}'.")
            out.extend(["| trace level: error", f"| channel: tol-activity#{rnd.getrandbits(64):016X}",
                        f"| line: 0x{rnd.getrandbits(32):08x}", "| error 0x80070005: Access is denied",
                        f"| $module: disk_bundle_vsa64_{rnd.randint(1, 99999)}"])
        elif r < 0.35:
            out.append(f"{stamp} {tid} W0057002C: Database 'db{rnd.randint(1, 9)}' skipped after {i} ms")
            if rnd.random() < 0.4:
                out.extend(["| trace level: warning", f"| line: 0x{rnd.getrandbits(32):08x}"])
        elif r < 0.35 + (0.3 if words else 0):
            code = rnd.choice(("W00640010", "W000101F6", "E01350019", "W00BE0011"))
            text = " ".join(rnd.choice(WORDS[:words]) for _ in range(4))
            out.append(f"{stamp} {tid} {code}: Skipped folder {text} after {rnd.randint(1, 999)} s")
            if rnd.random() < 0.4:
                out.extend(["| trace level: warning", f"| line: 0x{rnd.getrandbits(32):08x}"])
        elif r < 0.7:
            out.append(f"Error 0x{rnd.randint(1, 0xFFFFFF):x}: Bare head {rnd.choice(WORDS)}")
            out.append("| error 0x80070005: Access is denied")
        else:
            out.append(f"{stamp} {tid} I000101FA: Locking partition C:... step {i} é")
    eol = "\r\n" if crlf else "\n"
    return eol.join(out) + eol


def _json(result: AnalysisResult) -> dict:
    data = result.to_json()
    data["stats"].pop("seconds")
    return data


def _analyzed(scan, sigs) -> dict:
    result = AnalysisResult()
    combine([scan], sigs, result)
    return _json(result)


def _whole_and_split(scanner, sigs, source, wanted: list[int]) -> tuple[dict, dict, int]:
    """The analysis of one scan of `source` and of its parts cut near `wanted`; every template (not only those
    shown) is compared too, with its example, context and times, and what was folded."""
    whole_scan = scanner.scan(source)
    segments = scanner.segments(source, wanted)
    split_scan = finish(merge_segments([scanner.scan(source, segment=s) for s in segments]))
    assert _templates(split_scan) == _templates(whole_scan)
    assert [(k, g.count) for k, g in split_scan.unmatched.folded.items()] == [
        (k, g.count) for k, g in whole_scan.unmatched.folded.items()]
    return _analyzed(whole_scan, sigs), _analyzed(split_scan, sigs), len(segments)


def _source(path: Path) -> LogSource:
    [source] = resolve_inputs([str(path)])
    return source


def _every(size: int, step: int) -> list[int]:
    return list(range(step, size, step))


@pytest.mark.parametrize("crlf", [False, True])
def test_mms_with_detail_blocks_cut_everywhere(shipped, scanner, tmp_path, crlf):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 3000, crlf=crlf).encode("utf-8"))
    size = log.stat().st_size
    whole, split, parts = _whole_and_split(scanner, shipped, _source(log), _every(size, 4000))
    assert parts > 20
    assert whole["findings"] and whole["unmatched"] and whole["related"]
    assert split == whole


def test_cut_points_are_event_starts_never_inside_a_detail_block(shipped, scanner, tmp_path):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 2000).encode("utf-8"))
    data = log.read_bytes()
    # ask for a cut at every byte of the first detail block: each lands on the next head, never inside the block
    block = data.index(b"\n| trace level: error") + 1
    wanted = list(range(block - 80, block + 200))
    segments = scanner.segments(_source(log), wanted)
    starts = [s.start for s in segments]
    assert len(starts) > 2
    for at in starts[1:]:
        assert data[at - 1:at] == b"\n"
        line = data[at:data.index(b"\n", at)].decode("utf-8")
        assert not line.startswith("|")
        assert get_parser("mms").is_event_start(line)
    assert data[block:block + 1] == b"|" and block not in starts
    assert all(a < b for a, b in itertools.pairwise(starts))


def test_evidence_lines_after_the_cut_are_exact(shipped, scanner, tmp_path):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 3000).encode("utf-8"))
    source = _source(log)
    lines = log.read_text(encoding="utf-8").splitlines()
    size = log.stat().st_size
    segments = scanner.segments(source, [size // 2])
    assert len(segments) == 2
    merged = finish(merge_segments([scanner.scan(source, segment=s) for s in segments]))
    late = [ev for hits in merged.hits.values() for ev in hits.evidence if ev.line > len(lines) // 2]
    late += [st.example for st in merged.unmatched.stats.values() if st.example.line > len(lines) // 2]
    assert late
    for ev in late:
        assert lines[ev.line - 1].strip() == ev.text


def test_small_chunks_and_cuts_together(shipped, tmp_path):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 800, seed=5).encode("utf-8"))
    small = Scanner(shipped, chunk_size=700)
    whole, split, parts = _whole_and_split(small, shipped, _source(log), _every(log.stat().st_size, 2500))
    assert parts > 10
    assert split == whole


def test_samples_of_every_shipped_signature(shipped, scanner, tmp_path):
    """Each MMS sample of the database once, many cuts: every finding and its evidence survive the cuts."""
    log = tmp_path / "mms.0.log"
    log.write_text("\n".join(_samples(shipped)) + "\n", encoding="utf-8")
    whole, split, parts = _whole_and_split(scanner, shipped, _source(log), _every(log.stat().st_size, 1500))
    assert parts > 10 and len(whole["findings"]) > 50
    assert split == whole


def test_json_lines_installer_and_bom(shipped, scanner, tmp_path):
    rnd = random.Random(2)
    jl = tmp_path / "agent.log"
    rows = []
    for i in range(3000):
        level = rnd.choice(("info", "info", "warn", "error"))
        rows.append(json.dumps({"time": f"2024-05-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z", "level": level,
                                "msg": f"request {rnd.choice(WORDS)} failed with status: 503" if level == "error"
                                else f"step {i} {rnd.choice(WORDS)}"}))
    jl.write_text("\n".join(rows) + "\n", encoding="utf-8")
    setup = tmp_path / "trueimage-setup.log"
    setup.write_bytes((LOGS / "trueimage-setup.log").read_bytes() * 60)
    bom = tmp_path / "mms.1.log"
    bom.write_bytes(b"\xef\xbb\xbf" + mms_log(shipped, 1500, seed=9).encode("utf-8"))
    for path in (jl, setup, bom):
        whole, split, parts = _whole_and_split(scanner, shipped, _source(path), _every(path.stat().st_size, 5000))
        assert parts > 5, path.name
        assert split == whole, path.name


def test_sources_that_cannot_be_read_at_an_offset_stay_whole(shipped, scanner, tmp_path):
    text = mms_log(shipped, 1500).encode("utf-8")
    gz = tmp_path / "mms.0.log.gz"
    gz.write_bytes(gzip.compress(text))
    utf16 = tmp_path / "mms.1.log"
    utf16.write_bytes(text.decode("utf-8").encode("utf-16"))
    import zipfile

    zipped = tmp_path / "logs.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mms.0.log", text)
    xml = tmp_path / "activity.xml"
    xml.write_bytes((LOGS / "activity_log.xml").read_bytes())
    sources = [_source(gz), _source(utf16), *resolve_inputs([str(zipped)]), _source(xml)]
    for source in sources:
        assert len(scanner.segments(source, _every(len(text), 3000))) == 1, source.name


# -- the caps on unmatched templates --------------------------------------------------------------------------------

@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(unmatched_mod, "MAX_TRACKED", 25)
    monkeypatch.setattr(unmatched_mod, "MAX_GROUPED", 8)
    monkeypatch.setattr(unmatched_mod, "MAX_FOLD_GROUPS", 3)


def test_caps_fold_the_same_events_in_parts_as_in_one_pass(shipped, scanner, tmp_path, small_caps):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 4000, seed=4, words=len(WORDS)).encode("utf-8"))
    whole, split, parts = _whole_and_split(scanner, shipped, _source(log), _every(log.stat().st_size, 3000))
    assert parts > 20
    folded = whole["unmatched_folded"]
    assert folded["events"] > 100 and folded["templates"] > 0 and folded["tracked"] == 25
    assert 3 < folded["group_count"] <= 3 + 2  # 3 groups of their own, then one "*" group per level
    assert split == whole


def test_caps_keep_the_findings_and_bound_what_is_kept(shipped, scanner, tmp_path, monkeypatch):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 4000, seed=4, words=len(WORDS)).encode("utf-8"))
    monkeypatch.setattr(unmatched_mod, "MAX_GROUPED", 10**6)
    free_scan = scanner.scan(_source(log))
    events = sum(st.count for st in free_scan.unmatched.stats.values())
    assert len(free_scan.unmatched.stats) > 100 and not free_scan.unmatched.folded
    free = _analyzed(free_scan, shipped)
    assert free["unmatched_folded"]["events"] == 0
    monkeypatch.setattr(unmatched_mod, "MAX_GROUPED", 8)
    monkeypatch.setattr(unmatched_mod, "MAX_TRACKED", 25)
    monkeypatch.setattr(unmatched_mod, "MAX_FOLD_GROUPS", 3)
    scan = scanner.scan(_source(log))
    assert len(scan.unmatched.stats) == 25
    assert len(scan.unmatched.folded) <= 3 + 2  # and one "*" group per level
    assert sum(st.count for st in scan.unmatched.stats.values()) + sum(
        g.count for g in scan.unmatched.folded.values()) == events  # every event counted once, none lost
    capped = _analyzed(scan, shipped)
    assert capped["findings"] == free["findings"]
    assert capped["unmatched_folded"]["events"] > 0


def test_more_templates_than_drain_is_given_are_folded_not_lost(monkeypatch):
    monkeypatch.setattr(unmatched_mod, "MAX_GROUPED", 5)
    collector = unmatched_mod.UnmatchedCollector()
    for i in range(40):
        rnd = random.Random(i)
        word = "".join(rnd.choice("abcdefghij") for _ in range(8))
        for _ in range(40 - i):
            collector.add(f"W0064001{i % 2}: {word} {word[::-1]} stopped", "warning", "text", "f", i + 1)
    templates, folded = collector.group()
    assert folded.templates == 35 and folded.tracked == 40
    assert sum(t.count for t in templates) + folded.events == sum(40 - i for i in range(40))
    assert {g.key for g in folded.groups} == {"W00640010", "W00640011"}


# -- random logs, random cuts -----------------------------------------------------------------------------------------

_LINES = st.sampled_from([
    "2024-05-01T10:00:00:000+02:00 9044 I000101FA: Locking partition C:...",
    "2024-05-01T10:00:01:000+02:00 9044 W0057002C: Database 'x' skipped after 5 ms",
    "2024-05-01T10:00:02:000+02:00 5616 E0064004D: Error 0x64004d: Unexpected reply",
    "2024-05-01T10:00:03:000+02:00 5616 E00950505: Error 0x950505: An attempt to fix VSS errors has failed.",
    "2024-05-01T10:00:04:000+02:00 5616 W00640010: Skipped folder alpha bravo now",
    "2024-05-01T10:00:05:000+02:00 5616 W00640010: Skipped folder tango zulu now",
    "2024-05-01 10:00:06:000 77 E00000000: Snapshot failed: code 0x80042313",
    "Error 0x950505: An attempt to fix VSS errors has failed.",
    "| trace level: error",
    "| error 0xfff0: Access is denied",
    "| code: 0x80070005",
    "| $module: disk_bundle_vsa64_123",
    "|",
    "free text line with error 5 in it",
    "",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINES, min_size=1, max_size=120), cuts=st.lists(st.floats(0, 1), max_size=12),
       crlf=st.booleans())
def test_random_logs_and_cuts(shipped, scanner, tmp_path_factory, lines, cuts, crlf):
    path = tmp_path_factory.mktemp("split") / "mms.0.log"
    eol = "\r\n" if crlf else "\n"
    path.write_bytes((eol.join(lines) + eol).encode("utf-8"))
    source = LogSource(path.name, lambda: open(path, "rb"), path.stat().st_size, fork_safe=True)  # noqa: SIM115
    size = path.stat().st_size
    wanted = sorted({int(c * size) for c in cuts})
    whole, split, _ = _whole_and_split(scanner, shipped, source, wanted)
    assert split == whole


# -- through analyze_paths: two processes, one file --------------------------------------------------------------------

def test_one_big_file_is_scanned_by_two_processes_like_one(shipped, tmp_path, monkeypatch):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 6000, seed=8, words=6).encode("utf-8"))
    serial_result = analyze_mod.analyze_paths([str(log)], shipped)
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(analyze_mod, "SEGMENT_MIN_BYTES", 20_000)
    forked, segments = [], []
    real_fork, real_segments = analyze_mod.os.fork, Scanner.segments

    def counting_fork():
        forked.append(1)
        return real_fork()

    def recording_segments(self, source, wanted):
        out = real_segments(self, source, wanted)
        segments.extend(out)
        return out

    monkeypatch.setattr(analyze_mod.os, "fork", counting_fork)
    monkeypatch.setattr(Scanner, "segments", recording_segments)
    assert analyze_mod._worker_count(list(resolve_inputs([str(log)]))) == 2
    parallel = analyze_mod.analyze_paths([str(log)], shipped)
    assert len(forked) == 1 and len(segments) > 10
    assert _json(parallel) == _json(serial_result)
    assert parallel.findings and parallel.unmatched and parallel.related


def test_a_source_not_safe_to_share_across_fork_is_never_forked(tmp_path, monkeypatch):
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    log = tmp_path / "mms.0.log"
    log.write_text("2024-05-01T10:00:00:000+02:00 1 I00000000: x\n" * 10, encoding="utf-8")
    shared = LogSource("mms.0.log", lambda: open(log, "rb"), log.stat().st_size, fork_safe=False)  # noqa: SIM115
    assert analyze_mod._worker_count([shared]) == 1


def _templates(scan) -> list[tuple]:
    return [(key, st.count, st.example.line, st.example.text, st.context, st.first_time, st.last_time)
            for key, st in scan.unmatched.stats.items()]


@pytest.mark.parametrize("chunk_size", [300, 701, 2048, 9000])
def test_the_result_does_not_depend_on_where_chunks_begin(shipped, tmp_path, chunk_size):
    """The last event of a chunk, and one carried into the next, are templated like every other event (they were
    parsed instead, and a template first seen there kept its detail block as its context, which changed its
    decoded codes and related articles)."""
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 3000, seed=6, words=4).encode("utf-8"))
    whole = Scanner(shipped).scan(_source(log))
    small = Scanner(shipped, chunk_size=chunk_size).scan(_source(log))
    assert len(whole.unmatched.stats) > 100
    assert _templates(small) == _templates(whole)
    assert _analyzed(small, shipped) == _analyzed(whole, shipped)


# -- results taken in order, waiting on disk ---------------------------------------------------------------------------

def test_results_wait_on_disk_and_are_used_in_file_order(shipped, scanner, tmp_path):
    """Parts finished early wait pickled in a spill file, not in memory; the file is put together in file order
    and handed on once, finished, followed by the next source."""
    big = tmp_path / "mms.0.log"
    big.write_bytes(mms_log(shipped, 3000, seed=3).encode("utf-8"))
    small = tmp_path / "mms.1.log"
    small.write_bytes(mms_log(shipped, 200, seed=4).encode("utf-8"))
    sources = [_source(big), _source(small)]
    segments = scanner.segments(sources[0], [30_000, 60_000, 90_000])
    assert len(segments) == 4
    tasks = [(0, s) for s in segments] + [(1, None)]
    got: list = []
    results = analyze_mod._InOrder(sources, tasks, got.append)
    try:
        for t in (4, 3, 1, 2):  # everything but the first part: nothing can be used yet
            i, segment = tasks[t]
            results.put(t, scanner.scan(sources[i], segment=segment))
        assert not got
        assert all(isinstance(w, tuple) for w in results.waiting.values())  # (spill file, offset, length)
        results.put(0, scanner.scan(sources[0], segment=segments[0]))
        assert len(got) == 2
    finally:
        results.release()
    whole = _analyzed(scanner.scan(sources[0]), shipped)
    assert _analyzed(got[0], shipped) == whole
    assert _analyzed(got[1], shipped) == _analyzed(scanner.scan(sources[1]), shipped)


def test_a_worker_that_dies_loses_its_file_not_the_run(shipped, tmp_path, monkeypatch):
    log = tmp_path / "mms.0.log"
    log.write_bytes(mms_log(shipped, 6000, seed=8).encode("utf-8"))
    other = tmp_path / "mms.1.log"
    other.write_bytes(mms_log(shipped, 300, seed=2).encode("utf-8"))
    monkeypatch.setattr(analyze_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(analyze_mod, "SEGMENT_MIN_BYTES", 20_000)
    parent = analyze_mod.os.getpid()
    real_scan = Scanner.scan

    def dying_scan(self, source, **kw):
        if analyze_mod.os.getpid() != parent:
            analyze_mod.os._exit(3)  # the child dies on its first task
        return real_scan(self, source, **kw)

    monkeypatch.setattr(Scanner, "scan", dying_scan)
    result = analyze_mod.analyze_paths([str(log), str(other)], shipped)
    assert [(s.path, s.reason) for s in result.skipped] == [
        (str(log), "could not be analyzed (the worker process failed)")]
    assert result.stats.files == 1


def test_a_cut_inside_a_long_detail_block_moves_to_the_next_head(shipped, scanner, tmp_path):
    head = "2024-05-01T10:00:00:000+02:00 9044 E0064004D: Error 0x64004d: Unexpected reply"
    block = "\n".join(f"| detail {i:06d} " + "x" * 40 for i in range(2000))  # ~110 KB, more than the first look
    rest = mms_log(shipped, 800, seed=12).split("\n", 2)[2]  # without its leading orphan detail lines
    log = tmp_path / "mms.0.log"
    log.write_text(f"{rest}{head}\n{block}\n{rest}", encoding="utf-8")
    data = log.read_bytes()
    inside = data.index(b"| detail 000100")
    after = data.index(b"\n", data.index(b"| detail 001999")) + 1
    [_, second] = scanner.segments(_source(log), [inside])
    assert second.start == after
    whole, split, _ = _whole_and_split(scanner, shipped, _source(log), [inside])
    assert split == whole


def test_folded_groups_keep_the_words_their_events_share_whatever_the_order(monkeypatch):
    monkeypatch.setattr(unmatched_mod, "MAX_TRACKED", 2)
    rnd = random.Random(5)
    lines = []
    for i in range(300):
        a, b = rnd.choice(WORDS), rnd.choice(WORDS)
        if i % 2:
            lines.append(f"W00640010: Skipped folder {a} {b} of user {a}: access denied")
        else:
            lines.append(f"W00640010: Cannot read {a} while backing up {b}")
    groups = []
    for order in (lines, lines[::-1], sorted(lines)):
        collector = unmatched_mod.UnmatchedCollector()
        for n, line in enumerate(order):
            collector.add(line, "warning", "text", "f", n + 1)
        templates, folded = collector.group()
        assert sum(t.count for t in templates) + folded.events == len(lines)
        groups.append(sorted(g.template for g in folded.groups))  # which two were tracked depends on the order
    assert groups[0] == groups[1] == groups[2] == ["W00640010: Cannot read <*> while backing up <*>",
                                                   "W00640010: Skipped folder <*> <*> of user <*> access denied"]


def test_the_report_says_what_was_folded(tmp_path, monkeypatch, capsys):
    from acronis_triage.app.cli import main

    monkeypatch.setattr(unmatched_mod, "MAX_TRACKED", 5)
    log = tmp_path / "mms.0.log"
    lines = [f"2024-05-01T10:00:{i % 60:02d}:000+02:00 9044 W00640010: Skipped folder {a} {b} now"
             for i, (a, b) in enumerate(itertools.product(WORDS, WORDS))]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["analyze", str(log), "--json"]) == 0
    folded = json.loads(capsys.readouterr().out)["unmatched_folded"]
    assert folded["tracked_cap"] == 5 and folded["tracked"] == 5 and folded["events"] == len(lines) - 5
    assert folded["groups"] == [{"level": "warning", "key": "W00640010", "count": len(lines) - 5,
                                 "template": "W00640010: Skipped folder <*> <*> now"}]
    assert main(["analyze", str(log)]) == 0
    text = capsys.readouterr().out
    assert f"Folded: {len(lines) - 5:,} more error/warning events" in text
    assert "first seen after 5 distinct ones" in text
    assert f"{len(lines) - 5}x warning W00640010: Skipped folder <*> <*> now" in text
