"""The collector examples of CONTRIBUTING.md work with the code as it is: each is run here as a contributor would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from replay_runner import ReplayRunner

from acronis_triage.collectors.base import ALL_PLATFORMS, Collector

GUIDE = Path(__file__).resolve().parents[3] / "CONTRIBUTING.md"


def example(name: str) -> str:
    m = re.search(rf"<!-- example: {re.escape(name)} -->\n```\w+\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert m, f"CONTRIBUTING.md has no example {name!r}"
    return m.group(1)


def load(name: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    scope: dict[str, Any] = {"__name__": f"contributing_{name.replace('-', '_')}", **(namespace or {})}
    exec(compile(example(name), f"CONTRIBUTING.md:{name}", "exec"), scope)  # the guide's own examples
    return scope


def collector_in(scope: dict[str, Any]) -> type[Collector]:
    (cls,) = [v for v in scope.values() if isinstance(v, type) and issubclass(v, Collector) and v is not Collector]
    assert cls.name and cls.title and cls.description and set(cls.platforms) <= set(ALL_PLATFORMS)
    return cls


def test_the_declared_collector_and_its_test_run(run_live) -> None:
    network = collector_in(load("declared-collector"))
    assert all(0 < c.timeout < network.timeout_s for c in network.commands)
    scope = load("collector-test", {"LinuxNetwork": network})
    scope["test_network_settings_and_a_missing_resolver_file"](run_live)


def test_the_declared_collector_falls_back_to_ifconfig(run_live) -> None:
    network = collector_in(load("declared-collector"))
    run = run_live(network, ReplayRunner().add("ifconfig -a", stdout=b"eth0: flags=4163<UP>\n"))
    assert run.commands == ["ip addr", "ifconfig -a", "cat /etc/resolv.conf"]  # ip is missing: not asked twice
    assert "eth0" in run.text("ifconfig_a.txt")


def test_the_coded_collector_follows_the_first_answer(run_live) -> None:
    units = collector_in(load("coded-collector"))
    runner = ReplayRunner()
    runner.add("systemctl --failed", stdout=b"acronis_mms.service loaded failed failed Acronis Managed Machine\n")
    runner.add("journalctl -u acronis_mms.service", stdout=b"Nov 30 10:15:02 host systemd[1]: acronis_mms.service: "
                                                         b"Main process exited, code=killed, status=9/KILL\n")
    run = run_live(units, runner)
    assert run.status == "ok", run.outcome.reason
    assert run.json("failed_units.json") == ["acronis_mms.service"]
    assert "status=9/KILL" in run.text("journal_acronis_mms.service.txt")
