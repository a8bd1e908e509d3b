"""What collectors learn about the machine and share: named, typed facts (insights-core's ``Specs``, small).

A fact is asked for by its `Fact` object, never by a string, so a reader finds its writer with one search and
mypy checks the value's type. The set of facts is the registry below; each one has a reader (a later collector,
the manifest's ``host`` section), and every fact a run learned is written into ``manifest.json`` under ``facts``.
Whatever a collector learns that nothing else reads stays in its own summary file under ``collected/``.

The installed products, the agent's identifiers and the rights the tool runs with are facts too, with fields of
their own on `Facts` (they have their own manifest sections).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One logical data source: its name in the manifest, the type of its value, who writes it and who reads it."""

    name: str
    type: type[T]
    description: str
    written_by: str
    read_by: str

    def check(self, value: object) -> T:
        if not isinstance(value, self.type):
            raise TypeError(f"fact {self.name} holds {self.type.__name__}, not {type(value).__name__}")
        return value


@dataclass(frozen=True)
class LinuxRelease:
    """The running kernel and the distribution, as ``uname -r`` and /etc/os-release name them."""

    kernel: str = ""
    pretty_name: str = ""
    id: str = ""
    version_id: str = ""


HOSTNAME: Fact[str] = Fact("hostname", str, "the name of the machine an offline root was copied from",
                           "recorded_diagnostics", "manifest host.hostname")
CAPTURED: Fact[str] = Fact("captured", str, "when the recorded outputs of an offline root were captured",
                           "recorded_diagnostics", "manifest host.captured")
OS_DESCRIPTION: Fact[str] = Fact("os_description", str, "the operating system as the original machine named it",
                                 "recorded_diagnostics", "manifest host.os_description")
UPTIME_HOURS: Fact[float] = Fact("uptime_hours", float, "hours since the live system booted",
                                 "system_info", "manifest host.uptime_hours")
LINUX_RELEASE: Fact[LinuxRelease] = Fact("linux_release", LinuxRelease, "kernel release and distribution",
                                         "linux_kernel", "manifest host.os_description on Linux")
REGISTRATION_ADDRESS: Fact[str] = Fact(
    "registration_address", str, "scheme://host[:port] of the data center or management server the agent is "
    "registered to", "products", "connectivity (tests it), products.json")

REGISTRY: tuple[Fact[Any], ...] = (HOSTNAME, CAPTURED, OS_DESCRIPTION, UPTIME_HOURS, LINUX_RELEASE,
                                   REGISTRATION_ADDRESS)


@dataclass
class Product:
    """An installed Acronis product or component, as recorded under ``products`` in the manifest."""

    name: str
    version: str = ""
    build: str = ""
    component: str = ""
    source: str = ""  # where it was seen: registry key, package db, log $module ...

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass
class Facts:
    """The facts of one run, shared by its collectors.

    Product detection runs in the first phase and fills ``products``, ``identifiers`` and
    `REGISTRATION_ADDRESS`; later collectors (connectivity, the escalation form) read them. Writes go through
    the methods: several collectors run at once.
    """

    is_admin: bool = False
    products: list[Product] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    _values: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_product(self, product: Product) -> None:
        with self._lock:
            for known in self.products:
                if (known.name, known.component) == (product.name, product.component):
                    known.version = known.version or product.version
                    known.build = known.build or product.build
                    return
            self.products.append(product)

    def set_identifier(self, key: str, value: str) -> None:
        with self._lock:
            self.identifiers.setdefault(key, value)

    def set(self, fact: Fact[T], value: T) -> None:
        checked = fact.check(value)
        with self._lock:
            self._values[fact.name] = checked

    def get(self, fact: Fact[T]) -> T | None:
        with self._lock:
            value = self._values.get(fact.name)
        return None if value is None else fact.check(value)

    def to_json(self) -> dict[str, Any]:
        """The facts learned, by name, in registry order (then any a third-party collector added)."""
        with self._lock:
            values = dict(self._values)
        order = [f.name for f in REGISTRY if f.name in values] + sorted(set(values) - {f.name for f in REGISTRY})
        return {name: _json(values[name]) for name in order}


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: v for k, v in asdict(value).items() if v not in ("", None)}
    return value
