"""The pseudonymiser on hostile and planted text (hypothesis), its fallback without hyperscan, and the volumes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acronis_triage.collectors.pseudonym import Pseudonymiser, PseudonymMap, Seeds
from acronis_triage.collectors.redact import Redactor
from acronis_triage.collectors.volumes import VolumeWriter, open_volumes, volume_set

PLANTED = {
    "10.20.30.40": "ipv4", "alice@contoso-pharma.com": "email", "00:15:5D:AB:CD:EF": "mac",
    "S-1-5-21-1004336348-1177238915-682003330-1105": "sid", "2a01:4f8:10a:1f2::7": "ipv6",
    "CONTOSOPH\\alice": "user", "C:\\Users\\alice\\x": "profile", "WS-ACCT-07": "host",
    "ws-acct-07.corp.contoso-pharma.com": "host", "\\\\FILESRV02\\share": "host",
}
SECRETS = ("10.20.30.40", "alice", "00:15:5D:AB:CD:EF", "1004336348", "2a01:4f8", "WS-ACCT-07", "FILESRV02",
           "contoso-pharma", "CONTOSOPH")


def make(use_hyperscan: bool = True) -> Pseudonymiser:
    seeds = Seeds()
    seeds.add_host("WS-ACCT-07.corp.contoso-pharma.com")
    seeds.add_user("alice")
    seeds.add_netbios("CONTOSOPH")
    return Pseudonymiser(PseudonymMap(), seeds, use_hyperscan=use_hyperscan)


NOISE = st.text(alphabet=st.sampled_from(list("ab01 .:-@\\/_S=\"'\t")), max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NOISE, st.sampled_from(sorted(PLANTED))), max_size=6), NOISE)
def test_planted_values_never_survive_whatever_surrounds_them(parts, tail) -> None:
    p = make()
    text = "".join(f"{noise} {value} " for noise, value in parts) + tail + "\n"
    out = p.text(text)
    assert out.count("\n") == text.count("\n")
    for secret in SECRETS:
        assert secret.lower() not in out.lower()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_pass_without_error_and_keep_their_lines(data: bytes) -> None:
    p = make()
    out = p.transform(data)
    assert out.count(b"\n") == data.count(b"\n")


@pytest.mark.parametrize("hostile", [
    b"@" * 200_000, b"\\" * 200_000, b"1." * 100_000, b"a" * 200_000 + b"@x.com", b"::" * 100_000,
    b"S-1-5-21-" * 20_000, b"00:" * 100_000, b"1-" * 100_000, b".local" * 30_000, b"a." * 100_000,
])
def test_hostile_runs_are_handled(hostile: bytes) -> None:
    # linear by construction (every look-around is bounded); here: no error and nothing lost
    out = make().transform(hostile + b"\n")
    assert out.count(b"\n") == 1


def test_the_fallback_without_hyperscan_gives_the_same_result() -> None:
    text = " ".join(PLANTED) + "\n"
    assert make(True).text(text) == make(False).text(text)


def test_the_hook_runs_inside_the_redactor_after_the_secrets() -> None:
    p = make()
    redactor = Redactor(pseudonymiser=p)
    out = redactor.redact_text("password=Hunter22\nfrom 10.20.30.40 by CONTOSOPH\\alice\n")
    assert "Hunter22" not in out and "10.20.30.40" not in out and "alice" not in out
    assert "password=*****" in out and "DOMAIN-0001\\user-0001" in out
    utf16 = ("host WS-ACCT-07\n").encode("utf-16-le")
    assert b"W\x00S\x00-\x00A" not in redactor.redact_bytes(utf16, "utf-16-le")


def test_well_known_values_are_kept() -> None:
    kept = "127.0.0.1 255.255.255.0 ::1 NT AUTHORITY\\SYSTEM S-1-5-18 C:\\Users\\Public ff:ff:ff:ff:ff:ff " \
           "support@acronis.com version 15.0.36432.1 HKLM\\SOFTWARE\\Acronis 1.3.6.1.4.1.311 12:30:45\n"
    assert make().text(kept) == kept


def test_the_map_round_trips_and_keeps_pseudonyms(tmp_path: Path) -> None:
    p = make()
    first = p.text("WS-ACCT-07 10.20.30.40 alice\n")
    path = tmp_path / "m.json"
    path.write_bytes(p.map.dumps())
    again = Pseudonymiser(PseudonymMap.load(path))  # no seeds: the map alone knows the names
    assert again.text("WS-ACCT-07 10.20.30.40 alice\n") == first


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=20_000), st.integers(min_value=1, max_value=5000), st.data())
def test_volumes_round_trip_with_seeks(tmp_path: Path, data: bytes, size: int, draw) -> None:
    folder = tmp_path / os.urandom(4).hex()
    folder.mkdir()
    writer = VolumeWriter(folder, "x.7z", size)
    writer.write(data)
    if data:  # an archive writer goes back to finish a header
        at = draw.draw(st.integers(min_value=0, max_value=len(data) - 1))
        patch = bytes(reversed(data[at:at + 10]))
        writer.seek(at)
        writer.write(patch)
        data = data[:at] + patch + data[at + len(patch):]
    writer.close()
    paths = writer.paths
    assert all(p.stat().st_size <= size for p in paths)
    if not paths:
        return
    assert volume_set(paths[-1]) == paths
    with open_volumes(paths) as fh:
        assert fh.read() == data
        fh.seek(len(data) // 2)
        assert fh.read(7) == data[len(data) // 2:len(data) // 2 + 7]
    assert isinstance(io.BytesIO(data), io.BytesIO)
