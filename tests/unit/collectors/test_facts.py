"""Facts: named, typed, each one read by someone, and written into the manifest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import acronis_triage.collectors.facts as facts_module
from acronis_triage.collectors.facts import (
    CAPTURED,
    HOSTNAME,
    LINUX_RELEASE,
    REGISTRY,
    UPTIME_HOURS,
    Fact,
    Facts,
    LinuxRelease,
)

ROOT = Path(__file__).resolve().parents[3]


def test_names_are_unique_and_documented() -> None:
    names = [f.name for f in REGISTRY]
    assert len(names) == len(set(names))
    for fact in REGISTRY:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fact.name)
        assert fact.description and fact.written_by and fact.read_by


@pytest.mark.parametrize("fact", REGISTRY, ids=[f.name for f in REGISTRY])
def test_every_registered_fact_is_written_and_read(fact: Fact[object]) -> None:
    # A fact nobody reads belongs in its collector's summary file, not here (issue 14: 14 of 18 keys were
    # written and never read).
    constant = next(k for k, v in vars(facts_module).items() if v is fact)
    sources = [p.read_text(encoding="utf-8") for folder in ("collectors", "app") for p in (ROOT / folder).rglob("*.py")]
    assert any(re.search(rf"\.set\(\s*{constant}\b", s) for s in sources), f"nobody writes {fact.name}"
    assert any(re.search(rf"\.get\(\s*{constant}\b", s) for s in sources), f"nobody reads {fact.name}"


def test_a_value_of_the_wrong_type_is_refused() -> None:
    facts = Facts()
    with pytest.raises(TypeError, match="fact uptime_hours holds float, not str"):
        facts.set(UPTIME_HOURS, "12")  # type: ignore[arg-type]
    assert facts.get(UPTIME_HOURS) is None


def test_json_in_registry_order_with_empty_fields_left_out() -> None:
    facts = Facts()
    facts.set(LINUX_RELEASE, LinuxRelease(kernel="6.8.0-45-generic", id="ubuntu"))
    facts.set(CAPTURED, "2026-11-24T09:41:00+01:00")
    facts.set(HOSTNAME, "SRV-FILE01")
    facts.set(Fact("vendor_thing", int, "a third-party collector's fact", "vendor", "vendor"), 3)
    assert list(facts.to_json().items()) == [
        ("hostname", "SRV-FILE01"), ("captured", "2026-11-24T09:41:00+01:00"),
        ("linux_release", {"kernel": "6.8.0-45-generic", "id": "ubuntu"}), ("vendor_thing", 3)]


def test_the_demo_manifest_carries_its_facts(tmp_path: Path) -> None:
    import json
    import zipfile

    from acronis_triage.app.pipeline import CollectOptions, run_collect

    result = run_collect(CollectOptions(demo=True, output=tmp_path / "d.zip", include_slow=False))
    assert result.bundle is not None, result.reason
    with zipfile.ZipFile(result.bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["facts"] == {"hostname": "SRV-FILE01", "captured": "2026-11-24T09:41:00+01:00",
                                 "os_description": "Microsoft Windows Server 2019 Standard 10.0.17763"}
    assert manifest["host"]["hostname"] == "SRV-FILE01"
