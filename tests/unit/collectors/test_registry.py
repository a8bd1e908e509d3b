"""Discovery of collectors, and the conformance every collector owes (sos's conformance tests)."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from acronis_triage.collectors import registry
from acronis_triage.collectors.base import ALL_PLATFORMS, Collector, Option

DISCOVERY = registry.discover(entry_points=False)
IDS = [c.name for c in DISCOVERY.collectors]


def test_every_builtin_module_loads() -> None:
    assert DISCOVERY.load_errors == []
    assert len(DISCOVERY.collectors) >= 20


@pytest.mark.parametrize("cls", DISCOVERY.collectors, ids=IDS)
def test_collector_metadata_is_declarative_and_complete(cls: type[Collector]) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", cls.name)
    assert cls.title.strip() and cls.description.strip()
    assert isinstance(cls.platforms, tuple) and cls.platforms and set(cls.platforms) <= set(ALL_PLATFORMS)
    assert cls.timeout_s > 0
    assert isinstance(cls.tags, tuple)
    assert isinstance(cls.options, tuple) and all(isinstance(o, Option) for o in cls.options)
    assert cls.collect is not Collector.collect or cls.files or cls.commands, \
        "a collector declares files or commands, or implements collect()"


@pytest.mark.parametrize("cls", [c for c in DISCOVERY.collectors if c.commands or c.files],
                         ids=[c.name for c in DISCOVERY.collectors if c.commands or c.files])
def test_declared_files_and_commands_are_well_formed(cls: type[Collector]) -> None:
    commands = [*cls.commands, *(c.fallback for c in cls.commands if c.fallback is not None)]
    outputs = [c.output for c in commands]
    assert len(outputs) == len(set(outputs)), "two commands would write one file"
    for command in commands:
        assert command.argv and all(isinstance(a, str) and a for a in command.argv)
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", command.output) and command.output != "index.json"
        # a command must be able to time out, and be killed, before its collector does
        assert 0 < command.timeout < cls.timeout_s
        assert set(command.platforms) <= set(cls.platforms)
    for spec in cls.files:
        assert spec.pattern and spec.description
        assert set(spec.platforms) <= set(cls.platforms)
    assert not cls.nothing_found or cls.files


def test_names_are_unique() -> None:
    assert len(IDS) == len(set(IDS))


def test_product_detection_runs_in_the_first_phase() -> None:
    by_name = {c.name: c for c in DISCOVERY.collectors}
    assert by_name["products"].priority <= 0
    assert all(c.priority > 0 for c in DISCOVERY.collectors if c.name != "products")


def test_a_broken_module_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    names = registry.builtin_module_names()
    monkeypatch.setattr(registry, "builtin_module_names",
                        lambda: [*names, "acronis_triage.collectors.builtin.no_such_module"])
    found = registry.discover(entry_points=False)
    assert [m for m, _ in found.load_errors] == ["acronis_triage.collectors.builtin.no_such_module"]
    assert len(found.collectors) == len(DISCOVERY.collectors)


class ThirdParty(Collector):
    name = "vendor_extra"
    title = "A vendor's extra collector"
    description = "Registered through the acronis_triage.collectors entry point."

    def collect(self, ctx) -> None:
        ctx.writer.add_text("x.txt", "x", source="vendor")


def test_entry_point_collectors_are_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    good = metadata.EntryPoint("vendor_extra", f"{__name__}:ThirdParty", registry.ENTRY_POINT_GROUP)
    bad = metadata.EntryPoint("broken", "no_such_package.mod:Thing", registry.ENTRY_POINT_GROUP)
    not_a_collector = metadata.EntryPoint("wrong", "json:dumps", registry.ENTRY_POINT_GROUP)

    def fake_entry_points(group: str):
        return [good, bad, not_a_collector] if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(registry.metadata, "entry_points", fake_entry_points)
    found = registry.discover()
    assert ThirdParty in found.collectors
    errors = dict(found.load_errors)
    assert errors["broken"].startswith("ModuleNotFoundError")
    assert errors["wrong"] == "not a Collector subclass"
