"""Hostile archives the way attackers write them: valid zip, 7z, gzip and nested archives with bytes of their
headers and data changed, cut short or grown. Whatever the damage, resolving and reading never raises past the
analyzer's per-source guard, every refusal has a reason, and nothing reads more than the caps allow."""

from __future__ import annotations

import gzip
import io
import zipfile
from functools import cache
from pathlib import Path

import py7zr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acronis_triage.analyzers.analyze import analyze_sources
from acronis_triage.analyzers.inputs import Limits, resolve_inputs
from acronis_triage.analyzers.limits import DEFAULT_LIMITS
from acronis_triage.analyzers.model import LogSource, Skipped
from acronis_triage.analyzers.reader import iter_utf8_chunks
from acronis_triage.analyzers.signatures import load_signatures

LOG = b"".join(b"2021-03-01T10:00:%02d:000+01:00 100 E029B1398: Storage request timeout %d\n" % (i % 60, i)
               for i in range(400))
SMALL = Limits(member_bytes=256 * 1024, total_bytes=512 * 1024, members=20, ratio=50, ratio_floor=64 * 1024,
               nested_bytes=256 * 1024, decoder_memory=4 * 2**20)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _7z(members: dict[str, bytes], encoded_header: bool = True) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w") as z:
        z.set_encoded_header_mode(encoded_header)
        for name, data in members.items():
            z.writestr(data, name)
    return out.getvalue()


@cache
def seeds() -> dict[str, bytes]:
    logs = {"logs/mms.0.log": LOG, "logs/mms.1.log": LOG[::-1]}
    return {
        "plain.zip": _zip({**logs, "logs/mms.2.log.gz": gzip.compress(LOG)}),
        "stored.zip": _zip(logs, zipfile.ZIP_STORED),
        "lzma.zip": _zip(logs, zipfile.ZIP_LZMA),
        "nested.zip": _zip({"report/inner.zip": _zip(logs), "report/inner.7z": _7z(logs), "a.log": LOG}),
        "solid.7z": _7z(logs, encoded_header=False),
        "encoded.7z": _7z(logs),
        "mms.3.log.gz": gzip.compress(LOG * 4),
    }


@st.composite
def hostile(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[name])
    for _ in range(draw(st.integers(0, 6))):
        # headers sit at both ends: the local header and magic at the start, zip/7z directories at the end
        pos = draw(st.one_of(st.integers(0, 64), st.integers(max(0, len(data) - 200), len(data) - 1),
                             st.integers(0, len(data) - 1)))
        data[pos] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, data[pos] ^ 0x01, draw(st.integers(0, 255))]))
    if draw(st.booleans()):
        data = data[: draw(st.integers(2, len(data)))]
    if draw(st.integers(0, 4)) == 0:
        pos = draw(st.integers(0, len(data)))
        data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
    return name, bytes(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=hostile())
def test_damaged_archives_never_escape_the_caps(case, tmp_path_factory) -> None:
    name, data = case
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    items = resolve_inputs([str(path)], limits=SMALL)
    assert all(isinstance(i, (LogSource, Skipped)) for i in items)
    assert all(i.reason for i in items if isinstance(i, Skipped))
    for item in items:
        if not isinstance(item, LogSource):
            continue
        assert item.fork_safe
        # the raw member: never more than a member may hold
        try:
            with item.open() as fh:
                raw = fh.read(SMALL.member_bytes + 1)
        except Exception:  # noqa: BLE001 - a damaged member may fail to read; the analyzer skips it with the reason
            continue
        assert len(raw) <= SMALL.member_bytes
        # decompressed and transcoded to UTF-8 (a cp1252 byte becomes up to 3): bounded by the gzip cap
        problems: list[str] = []
        try:
            text = sum(len(c) for c in iter_utf8_chunks(item, problems=problems))
        except Exception:  # noqa: BLE001 - same: skipped with the reason by the analyzer
            continue
        assert text <= 3 * max(len(raw), DEFAULT_LIMITS.expansion_cap(len(raw))) + 4


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=hostile())
def test_damaged_archives_analyze_without_raising(case, tmp_path_factory) -> None:
    name, data = case
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    result = analyze_sources(resolve_inputs([str(path)], limits=SMALL), _sigset())
    assert result.stats.files + len(result.skipped) >= 1
    assert all(s.reason for s in result.skipped)


@cache
def _sigset():
    return load_signatures(Path(__file__).resolve().parents[2] / "data" / "signatures" / "valid")


def test_seeds_are_read_whole_when_undamaged(tmp_path) -> None:
    for name, data in seeds().items():
        (tmp_path / name).write_bytes(data)
    items = resolve_inputs([str(tmp_path)], limits=SMALL)
    skipped = [(s.path, s.reason) for s in items if isinstance(s, Skipped)]
    assert skipped == []
    names = sorted(Path(i.name).name if "!" not in i.name else i.name.rsplit("!", 1)[1] for i in items)
    assert names.count("logs/mms.0.log") == 7  # plain, stored, lzma, inner.zip, inner.7z, solid, encoded
    assert "mms.3.log.gz" in names
