"""Collector presets: named choices of collectors for a kind of problem. No Qt here (the guided mode may use them).

A preset is a rule over a collector's tags, so collectors added later (plugins too) fall into the right presets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from acronis_triage.collectors.base import SLOW, Collector

_ACRONIS = {"acronis", "logs", "config", "inventory", "offline"}


@dataclass(frozen=True)
class Preset:
    name: str
    title: str  # English; the window translates it
    description: str
    includes: Callable[[type[Collector]], bool]
    slow: bool  # include the slow collectors


def _tags(cls: type[Collector]) -> set[str]:
    return set(cls.tags)


PRESETS: tuple[Preset, ...] = (
    Preset("recommended", "Recommended", "Every collector that applies, the slow ones included",
           lambda cls: True, True),
    Preset("quick", "Quick", "Every collector that applies, without the slow ones",
           lambda cls: SLOW not in cls.tags, False),
    Preset("acronis", "Acronis only", "Acronis products, settings and logs; no system diagnostics",
           lambda cls: bool(_tags(cls) & _ACRONIS) and "network" not in _tags(cls), False),
    Preset("backup", "Backup or recovery fails",
           "Acronis data, VSS, volumes, filter drivers, event logs, SnapAPI and services",
           lambda cls: bool(_tags(cls) & (_ACRONIS | {"vss", "disks", "drivers", "eventlog", "system", "services",
                                                      "snapapi", "kernel", "registry", "packages"})), False),
    Preset("connectivity", "Agent offline or registration",
           "Acronis data, connectivity to Acronis, proxy, services and system facts",
           lambda cls: bool(_tags(cls) & (_ACRONIS | {"network", "services", "system", "registry"})), False),
)
PRESETS_BY_NAME = {p.name: p for p in PRESETS}


def chosen(preset: Preset, classes: Sequence[type[Collector]]) -> set[str]:
    """Names of the collectors the preset runs (slow ones only if it includes them)."""
    return {cls.name for cls in classes if preset.includes(cls) and (preset.slow or SLOW not in cls.tags)}
