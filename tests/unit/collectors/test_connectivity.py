"""connectivity: only loopback is ever contacted here (a socket the test opens, and a closed port)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from acronis_triage.collectors.base import NotApplicable
from acronis_triage.collectors.builtin.connectivity import (
    CLOUD_PORTS,
    Connectivity,
    Probe,
    Target,
    discover,
    endpoints_from_text,
    probe,
    text_table,
)
from acronis_triage.collectors.context import Facts, Product
from acronis_triage.collectors.facts import REGISTRATION_ADDRESS
from acronis_triage.collectors.sysroot import SystemRoot

ROOTS = Path(__file__).resolve().parents[2] / "data" / "roots"


@pytest.fixture
def listening() -> Iterator[int]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port() -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # bound, never listened: connecting is refused
    return port


def no_dns(host: str, port: int) -> list[str]:
    if host == "127.0.0.1":
        return ["127.0.0.1"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_open_refused_and_dns_failure(harness, listening: int, closed_port: int) -> None:
    live = SystemRoot(path=Path("/"), os="linux", live=True)
    targets = [("127.0.0.1", listening, "test listener"), ("127.0.0.1", closed_port, "closed"),
               ("unresolvable.invalid", 443, "no such name")]
    h = harness(live, Connectivity, options={"connectivity.targets": targets, "connectivity.resolver": no_dns,
                                             "connectivity.timeout_s": 2})
    ctx = h.ctx
    assert Connectivity().check(ctx)
    files, _ = h.collect()
    data = json.loads(files["connectivity.json"])
    table = files["connectivity.txt"].decode()
    results = {(r["host"], r["port"]): r for r in data["results"]}
    assert results[("127.0.0.1", listening)]["result"] == "open"
    assert results[("127.0.0.1", listening)]["addresses"] == ["127.0.0.1"]
    assert results[("127.0.0.1", listening)]["time_ms"] < 2000
    assert results[("127.0.0.1", closed_port)]["result"] == "refused"
    assert results[("unresolvable.invalid", 443)]["result"] == "DNS failure"
    assert results[("unresolvable.invalid", 443)]["time_ms"] is None
    assert any(f" {listening} " in line and " open " in line for line in table.splitlines())
    assert "DNS failure" in table and "refused" in table and "open" in table


def test_a_hung_resolver_counts_as_dns_timeout(listening: int) -> None:
    import threading

    gate = threading.Event()

    def hangs(host: str, port: int) -> list[str]:
        gate.wait(5)
        return ["127.0.0.1"]

    try:
        result = probe(Target("slow.invalid", listening, "t"), timeout=0.2, resolver=hangs)
    finally:
        gate.set()
    assert result.result == "DNS timed out"


def test_offline_root_is_not_applicable(harness) -> None:
    ctx = harness(SystemRoot.offline(ROOTS / "linux"), Connectivity, options={}).ctx
    verdict = Connectivity().check(ctx)
    assert not verdict and "live system" in verdict.reason


def test_targets_come_from_the_agent_settings() -> None:
    root = SystemRoot.offline(ROOTS / "linux")
    ctx = SimpleNamespace(root=root, target_os="linux", facts=Facts(), options={})
    targets, read = discover(ctx)  # type: ignore[arg-type]
    pairs = {(t.host, t.port) for t in targets}
    assert ("127.0.0.1", 43234) in pairs and ("127.0.0.1", 9999) in pairs
    assert {("eu2-cloud.example.test", p) for p in CLOUD_PORTS} <= pairs  # FesUri in BackupAndRecovery.config
    assert ("proxy.example.test", 3128) in pairs  # Global.config HttpProxy
    assert ("proxy.example.test", 443) not in pairs  # the proxy is tested on its own port only
    assert "/etc/Acronis/BackupAndRecovery.config" in read
    assert len(pairs) == len(targets)


def test_registration_address_from_product_detection_is_used() -> None:
    facts = Facts()
    facts.set(REGISTRATION_ADDRESS, "https://eu8-cloud.example.test")
    ctx = SimpleNamespace(root=SystemRoot.offline(ROOTS / "darwin"), target_os="darwin", facts=facts, options={})
    targets, _ = discover(ctx)  # type: ignore[arg-type]
    hosts = {t.host for t in targets}
    assert "eu8-cloud.example.test" in hosts
    assert ("proxy.example.test", 8080) in {(t.host, t.port) for t in targets}


def test_aakore_listen_port_is_read_from_aakore_yaml(tmp_path: Path) -> None:
    tree = tmp_path / "lx"
    (tree / "opt/acronis/etc").mkdir(parents=True)
    (tree / "opt/acronis/etc/aakore.yaml").write_text("http: 127.0.0.1:9899\n")
    ctx = SimpleNamespace(root=SystemRoot.offline(tree, "linux"), target_os="linux", facts=Facts(), options={})
    targets, _ = discover(ctx)  # type: ignore[arg-type]
    assert [(t.host, t.port) for t in targets] == [("127.0.0.1", 43234), ("127.0.0.1", 9899)]


def test_endpoints_from_text_ignores_loopback_and_documentation_hosts() -> None:
    text = ('<value name="FesUri" type="TString">"127.0.0.1:44445"</value>\n'
            "kb: https://kb.acronis.com/errorcode?ser=1\nserver: https://ams.example.test:9877/api\n")
    found = endpoints_from_text(text, "x")
    assert {t.host for t in found} == {"ams.example.test"}
    assert found[0].port == 9877  # the configured port first, then the standard ones
    disabled = '<key name="HttpProxy"><value name="Enabled" type="Tdword">"0"</value>' \
               '<value name="Host" type="TString">"p.example.test"</value>' \
               '<value name="Port" type="Tdword">"3128"</value></key>'
    assert endpoints_from_text(disabled, "x") == []


def test_no_address_tests_local_ports_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, harness,
                                                 listening: int, closed_port: int) -> None:
    import acronis_triage.collectors.builtin.connectivity as conn

    monkeypatch.setattr(conn, "MMS_LOCAL_PORT", closed_port)
    tree = tmp_path / "lx"
    (tree / "opt/acronis/etc").mkdir(parents=True)
    (tree / "opt/acronis/etc/aakore.yaml").write_text(f"http: 127.0.0.1:{listening}\n")
    root = SystemRoot(path=tree, os="linux", live=True)
    files, _ = harness(root, Connectivity, options={"connectivity.resolver": no_dns}).collect()
    data = json.loads(files["connectivity.json"])
    table = files["connectivity.txt"].decode()
    assert "no Acronis data center" in data["note"] and table.startswith("# no Acronis data center")
    assert [(r["port"], r["result"]) for r in data["results"]] == [(closed_port, "refused"), (listening, "open")]


def test_nothing_acronis_at_all_is_not_applicable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  harness) -> None:
    tree = tmp_path / "empty"
    tree.mkdir()
    root = SystemRoot(path=tree, os="linux", live=True)
    with pytest.raises(NotApplicable, match="no Acronis agent settings"):
        harness(root, Connectivity, options={}).collect()
    # Once product detection saw an Acronis product, the local ports are worth testing even without settings.
    h = harness(root, Connectivity, options={"connectivity.resolver": no_dns})
    h.ctx.facts.add_product(Product("Cyber Protect agent"))
    monkeypatch.setattr("acronis_triage.collectors.builtin.connectivity.probe",
                        lambda t, **k: Probe(t.host, t.port, t.purpose, "", ["127.0.0.1"], "refused", 1.0))
    files, _ = h.collect()
    data = json.loads(files["connectivity.json"])
    assert [r["port"] for r in data["results"]] == [43234, 9999]


def test_text_table_lines_up() -> None:
    table = text_table([Probe("127.0.0.1", 43234, "local MMS", "", ["127.0.0.1"], "refused", 0.4),
                        Probe("eu2-cloud.example.test", 443, "cloud", "", [], "DNS failure", None)])
    lines = table.splitlines()
    assert lines[0].split() == ["host", "port", "resolved", "result", "ms", "purpose"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].index("43234") == lines[3].index("443")
