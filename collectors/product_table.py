"""The Acronis product-name table, as data: ``resources/products/products.yaml``, validated when it is loaded.

Which names a family, a home product or a component goes by, and where each operating system shows its products,
change with every Acronis release; they are edited in the YAML file, and the `products` collector keeps only the
reading and settling logic. A file that breaks the rules below is refused as a whole, every problem named with its
field (``components[3].kind: 'agnet' is not one of agent, home, management_server, shared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from acronis_triage.collectors.base import ALL_PLATFORMS

KINDS = ("agent", "management_server", "home", "shared")
_TOP = {"families", "home_products", "default_home_product", "components", "main_agent", "management_server",
        "module_platforms", "agent_modules", "sources"}
_SOURCE_KEYS = {"logs", "configs", "folders", "installer_logs", "app_bundles"}


class ProductTableError(ValueError):
    """The product table breaks the rules; ``problems`` lists each one as ``field: what is wrong``."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Component:
    contains: str
    kind: str
    component: str


@dataclass(frozen=True)
class LogSource:
    pattern: str
    kind: str


@dataclass(frozen=True)
class FolderMarker:
    path: str
    kind: str
    component: str


@dataclass(frozen=True)
class Sources:
    """Where one operating system shows its products."""

    logs: tuple[LogSource, ...]
    configs: tuple[str, ...]
    folders: tuple[FolderMarker, ...]
    installer_logs: tuple[str, ...] = ()
    app_bundles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductTable:
    family_by_major: dict[str, str]
    cloud_family: str
    other_family: str
    home_products: tuple[tuple[str, str], ...]  # (squashed display-name part, product name)
    default_home_product: str
    components: tuple[Component, ...]
    main_agent: dict[str, str]  # by operating system
    management_server: str
    module_platforms: dict[str, str]
    agent_modules: frozenset[str]
    sources: dict[str, Sources]  # by operating system


def default_path() -> Path:
    from acronis_triage.resources import resource_path

    return resource_path("products", "products.yaml")


@lru_cache(maxsize=4)
def product_table(path: Path | None = None) -> ProductTable:
    """The table (the shipped one unless ``path`` is given), loaded once per process."""
    import yaml

    where = path or default_path()
    return parse_table(yaml.safe_load(where.read_text(encoding="utf-8")), where)


class _Check:
    """Collects problems instead of stopping at the first, so one run of the tests names them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def mapping(self, value: Any, field: str, keys: set[str], required: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problems.append(f"{field}: expected a mapping")
            return {}
        for key in sorted(set(map(str, value)) - keys):
            self.problems.append(f"{field}.{key}: unknown key")
        for key in sorted((keys if required is None else required) - set(map(str, value))):
            self.problems.append(f"{field}.{key}: missing")
        return value

    def text(self, value: Any, field: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            self.problems.append(f"{field}: expected {'a string' if empty else 'a non-empty string'}")
            return ""
        return value

    def kind(self, value: Any, field: str) -> str:
        if value not in KINDS:
            self.problems.append(f"{field}: {value!r} is not one of {', '.join(sorted(KINDS))}")
        return str(value)

    def items(self, value: Any, field: str) -> list[Any]:
        if not isinstance(value, list):
            self.problems.append(f"{field}: expected a list")
            return []
        return value

    def by_os(self, value: Any, field: str) -> dict[str, Any]:
        known = self.mapping(value, field, set(ALL_PLATFORMS))
        return {os_name: known[os_name] for os_name in ALL_PLATFORMS if os_name in known}


def parse_table(data: Any, path: Path) -> ProductTable:
    check = _Check()
    top = check.mapping(data, "products.yaml", _TOP)
    families = check.mapping(top.get("families"), "families", {"by_major", "cloud", "otherwise"})
    raw_major = families.get("by_major")
    if not isinstance(raw_major, dict):
        check.problems.append("families.by_major: expected a mapping of major version to family name")
    by_major = {str(k): check.text(v, f"families.by_major.{k}")
                for k, v in (raw_major.items() if isinstance(raw_major, dict) else ())}
    cloud_family = check.text(families.get("cloud"), "families.cloud")
    other_family = check.text(families.get("otherwise"), "families.otherwise")
    home = []
    for i, entry in enumerate(check.items(top.get("home_products"), "home_products")):
        entry = check.mapping(entry, f"home_products[{i}]", {"contains", "name"})
        home.append((check.text(entry.get("contains"), f"home_products[{i}].contains"),
                     check.text(entry.get("name"), f"home_products[{i}].name")))
    components = []
    for i, entry in enumerate(check.items(top.get("components"), "components")):
        entry = check.mapping(entry, f"components[{i}]", {"contains", "kind", "component"})
        components.append(Component(check.text(entry.get("contains"), f"components[{i}].contains").lower(),
                                    check.kind(entry.get("kind"), f"components[{i}].kind"),
                                    check.text(entry.get("component"), f"components[{i}].component")))
    main_agent = {os_name: check.text(name, f"main_agent.{os_name}")
                  for os_name, name in check.by_os(top.get("main_agent"), "main_agent").items()}
    platforms = top.get("module_platforms")
    module_platforms = {str(k): check.text(v, f"module_platforms.{k}")
                        for k, v in (platforms.items() if isinstance(platforms, dict) else ())}
    if not isinstance(platforms, dict):
        check.problems.append("module_platforms: expected a mapping")
    modules = [check.text(m, f"agent_modules[{i}]") for i, m in enumerate(check.items(top.get("agent_modules"),
                                                                                      "agent_modules"))]
    sources = {os_name: _sources(check, value, f"sources.{os_name}")
               for os_name, value in check.by_os(top.get("sources"), "sources").items()}
    default_home = check.text(top.get("default_home_product"), "default_home_product")
    management_server = check.text(top.get("management_server"), "management_server")
    if check.problems:
        raise ProductTableError(path, check.problems)
    return ProductTable(
        family_by_major=by_major,
        cloud_family=cloud_family,
        other_family=other_family,
        home_products=tuple(home),
        default_home_product=default_home,
        components=tuple(components),
        main_agent=main_agent,
        management_server=management_server,
        module_platforms=module_platforms,
        agent_modules=frozenset(modules),
        sources=sources,
    )


def _sources(check: _Check, value: Any, field: str) -> Sources:
    data = check.mapping(value, field, _SOURCE_KEYS, {"logs", "configs", "folders"})
    logs = []
    for i, entry in enumerate(check.items(data.get("logs", []), f"{field}.logs")):
        entry = check.mapping(entry, f"{field}.logs[{i}]", {"pattern", "kind"})
        logs.append(LogSource(check.text(entry.get("pattern"), f"{field}.logs[{i}].pattern"),
                              check.kind(entry.get("kind"), f"{field}.logs[{i}].kind")))
    folders = []
    for i, entry in enumerate(check.items(data.get("folders", []), f"{field}.folders")):
        entry = check.mapping(entry, f"{field}.folders[{i}]", {"path", "kind", "component"})
        folders.append(FolderMarker(check.text(entry.get("path"), f"{field}.folders[{i}].path"),
                                    check.kind(entry.get("kind"), f"{field}.folders[{i}].kind"),
                                    check.text(entry.get("component"), f"{field}.folders[{i}].component",
                                               empty=True)))

    def paths(key: str) -> tuple[str, ...]:
        return tuple(check.text(p, f"{field}.{key}[{i}]")
                     for i, p in enumerate(check.items(data.get(key, []), f"{field}.{key}")))

    return Sources(tuple(logs), paths("configs"), tuple(folders), paths("installer_logs"), paths("app_bundles"))
