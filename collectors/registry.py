"""Finding collectors: built-ins by walking ``collectors.builtin``, third-party ones by entry point.

PyInstaller gets the same walk (``packaging/``): `builtin_module_names` lists what must be frozen.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType

import acronis_triage.collectors.builtin
from acronis_triage.collectors.base import Collector

ENTRY_POINT_GROUP = "acronis_triage.collectors"
log = logging.getLogger(__name__)


@dataclass
class Discovery:
    collectors: list[type[Collector]] = field(default_factory=list)
    load_errors: list[tuple[str, str]] = field(default_factory=list)  # (module or entry point, reason)


def builtin_module_names() -> list[str]:
    prefix = acronis_triage.collectors.builtin.__name__ + "."
    return sorted(m.name for m in pkgutil.iter_modules(acronis_triage.collectors.builtin.__path__, prefix))


def _classes_in(module: ModuleType) -> list[type[Collector]]:
    found = []
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if issubclass(obj, Collector) and obj is not Collector and obj.__module__ == module.__name__ and obj.name:
            found.append(obj)
    return found


def discover(*, entry_points: bool = True) -> Discovery:
    """Every collector class. A module that fails to import is reported, never fatal."""
    result = Discovery()
    for modname in builtin_module_names():
        try:
            module = importlib.import_module(modname)
        except Exception as exc:  # noqa: BLE001 - one broken module must not hide the others
            result.load_errors.append((modname, f"{type(exc).__name__}: {exc}"))
            continue
        result.collectors.extend(_classes_in(module))
    if entry_points:
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                obj = ep.load()
            except Exception as exc:  # noqa: BLE001
                result.load_errors.append((ep.name, f"{type(exc).__name__}: {exc}"))
                continue
            if inspect.isclass(obj) and issubclass(obj, Collector):
                result.collectors.append(obj)
            else:
                result.load_errors.append((ep.name, "not a Collector subclass"))
    seen: dict[str, type[Collector]] = {}
    for cls in result.collectors:
        if cls.name in seen:
            result.load_errors.append((cls.__module__, f"duplicate collector name {cls.name!r}"))
            continue
        seen[cls.name] = cls
    result.collectors = sorted(seen.values(), key=lambda c: (c.priority, c.name))
    return result
