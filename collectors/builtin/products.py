"""Which Acronis products and components are installed, their version and build, the agent's identity and
the address it is registered to (DOMAIN §1.1-1.7, §2.1, §2.4, §2.5, §5.3).

No single source is enough (DOMAIN §7.1), so every source that has an answer is read and each sighting is
kept with where it came from. Product names are settled at the end, from the best version seen:

* live Windows: uninstall entries (``reg query ...\\Uninstall /s``), MachineManager identifiers, FES address;
* live Linux: rpm / dpkg package databases; live macOS: ``pkgutil`` receipts;
* everywhere, offline roots too: app bundles' Info.plist, install folders, the ``$module`` build suffixes and
  ``kbLink.build`` in the tail of the agent's logs, XML log roots, agent configuration files.

Sources are recorded most reliable first (installer data, then logs, then folders), because
`Facts.add_product` keeps the first version and build it hears for a product.

The names (families, home products, components) and where each system shows its products are data, in
``resources/products/products.yaml`` (loaded and validated by `collectors.product_table`); this module reads.

When nothing Acronis is found the collector still writes ``products.json`` with every place it searched and
then ends ``not_applicable`` ("no Acronis product found"), so the manifest says why and where we looked.
"""

from __future__ import annotations

import plistlib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from lxml import etree

from acronis_triage.collectors.base import Collector, NotApplicable
from acronis_triage.collectors.commands import Outcome, classify
from acronis_triage.collectors.context import Context, Product
from acronis_triage.collectors.facts import REGISTRATION_ADDRESS
from acronis_triage.collectors.product_table import Sources, product_table
from acronis_triage.collectors.sysroot import Matches, SystemRoot, refusal_reason
from acronis_triage.collectors.textdecode import decode_bytes, sniff_encoding
from acronis_triage.collectors.windows_support import parse_reg_query, uninstall_entries

LOG_TAIL_BYTES = 2 * 1024 * 1024
MAX_SETTINGS_BYTES = 8 * 1024 * 1024  # settings files and Info.plist: read no more than this, whatever their size
AGENT, SERVER, HOME, SHARED = "agent", "management_server", "home", "shared"
MACHINE_MANAGER_KEY = r"HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\MachineManager"
FES_CACHE_KEY = r"HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\OnlineBackup\FesAddressCache"
IDENTIFIERS: tuple[str, ...] = ("MMSCurrentMachineID", "InstanceID")

# "$module: disk_bundle_vsa64_10330", "\"$module\":\"management_server_vsa64_16363\"", "$module = \"acrocmd_lxa64_1\""
_MODULE_FIELD = re.compile(r"\$module\\?\"?\s*[:=]\s*\\?\"?(?P<module>[A-Za-z][A-Za-z0-9_]*_\d{3,7})\b")
_MODULE_NAME = re.compile(r"^(?P<comp>.+?)_(?P<plat>vsa64|vs_s|vs|lxa64|lx|mca64|mac64|mac|[a-z]{2,3}\d{0,2})_"
                          r"(?P<build>\d{3,7})$")
_KBLINK = re.compile(r"\\?\"kbLink\\?\"\s*:\s*\{(?P<body>[^{}]{0,2000})\}")
_KB_BUILD = re.compile(r"\\?\"build\\?\"\s*:\s*\\?\"?(?P<v>\d{3,7})")
_KB_VERSION = re.compile(r"\\?\"version\\?\"\s*:\s*\\?\"(?P<v>[\d.]+)")
_XML_ROOT = re.compile(rb"<log\b[^>]*?\bbuild=\"(?P<build>\d+)\"[^>]*>")
_XML_ATTR = re.compile(r"\b(?P<k>version|product)=\"(?P<v>[^\"]*)\"")
_VERSION = re.compile(r"\b(?P<v>\d{1,2}\.\d{1,2}(?:\.\d+){1,2})\b")
_HOST_VALUE = re.compile(r"^(?:https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/\S*)?$")



@dataclass
class Sighting:
    """One source's word on one product or component."""

    kind: str  # agent | management_server | home | shared (scheduler, Agent Core ...: whoever installed them)
    component: str
    source: str
    version: str = ""
    build: str = ""
    name: str = ""  # set when the source names the product itself (home products)
    detail: str = ""


@dataclass
class Findings:
    sightings: list[Sighting] = field(default_factory=list)
    identifiers: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (value, source)
    addresses: list[dict[str, str]] = field(default_factory=list)
    modules: dict[str, dict[str, str]] = field(default_factory=dict)
    searched: list[dict[str, str]] = field(default_factory=list)

    def looked(self, where: str, result: str) -> None:
        self.searched.append({"where": where, "result": result})

    def identifier(self, key: str, value: str, source: str) -> None:
        value = value.strip().strip('"').strip()
        if value and key not in self.identifiers:
            self.identifiers[key] = (value, source)

    def address(self, value: str, key: str, source: str) -> None:
        value = value.strip().strip('"').strip()
        if value and _HOST_VALUE.match(value) and not _is_local(value):
            self.addresses.append({"address": value, "key": key, "source": source})


def split_version(text: str) -> tuple[str, str]:
    """("15.0.36432", "36432") from a version string; build is its last component when it has three or more."""
    m = _VERSION.search(text or "")
    if not m:
        return (text or "").strip(), ""
    version = m.group("v")
    parts = version.split(".")
    return version, parts[-1] if len(parts) >= 3 else ""


def family(version: str, cloud: bool) -> str:
    table = product_table()
    major = version.split(".")[0] if version else ""
    if major in table.family_by_major:
        return table.family_by_major[major]
    return table.cloud_family if cloud else table.other_family


def classify_display_name(display: str, os_name: str) -> tuple[str, str, str] | None:
    """(kind, component, explicit product name) for an uninstall/package/app name; None if not Acronis."""
    low = display.lower()
    squashed = re.sub(r"[\s_.-]+", "", low)  # package ids: "com.acronis.CyberProtectHomeOffice"
    if "acronis" not in low and "cyberprotect" not in squashed and "backupandrecovery" not in squashed:
        return None
    table = product_table()
    for part, product in table.home_products:
        if part in squashed:
            return HOME, "", product
    for entry in table.components:
        if entry.contains in low:
            return entry.kind, entry.component, ""
    m = re.search(r"agent for ([\w ./-]+)", display, re.IGNORECASE)
    if m:
        return AGENT, f"Agent for {m.group(1).strip()}", ""
    return AGENT, table.main_agent[os_name], ""


def _is_local(value: str) -> bool:
    host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    return host in ("localhost", "") or host.startswith("127.")


def read_head_and_tail(root: SystemRoot, path: Path, limit: int = LOG_TAIL_BYTES) -> tuple[bytes, str]:
    """The first 4 KiB (XML root, encoding) and the decoded last ``limit`` bytes: the newest lines."""
    with root.open(path) as handle:
        head = handle.read(4096)
        size = handle.seek(0, 2)
        start = max(0, size - limit)
        encoding = sniff_encoding(head)
        handle.seek(start + (start % 2 if encoding.startswith("utf-16") else 0))
        data = handle.read()
    return head, decode_bytes(data, encoding)


def scan_log(text: str) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """($module sightings as (module, component, platform, build) in file order, kbLink (version, build))."""
    modules = []
    for m in _MODULE_FIELD.finditer(text):
        name = m.group("module")
        parts = _MODULE_NAME.match(name)
        if parts:
            modules.append((name, parts.group("comp"), parts.group("plat"), parts.group("build")))
    kblinks = []
    for m in _KBLINK.finditer(text):
        body = m.group("body")
        build = _KB_BUILD.search(body)
        version = _KB_VERSION.search(body)
        if build:
            kblinks.append((version.group("v") if version else "", build.group("v")))
    return modules, kblinks


def agent_build(modules: list[tuple[str, str, str, str]]) -> str:
    """The agent's build from its log: the newest main-agent module, else the commonest build."""
    for _, comp, _, build in reversed(modules):
        if comp in product_table().agent_modules:
            return build
    counts = Counter(build for _, comp, _, build in modules if not comp.startswith("management_server"))
    return counts.most_common(1)[0][0] if counts else ""


def parse_acronis_config(data: bytes) -> dict[str, str]:
    """Flatten an Acronis ``*.config`` registry export (``<registry><key name=><value name= type=>"x"``).

    Keys become ``Settings\\MachineManager\\InstanceID``. Entities and network access are off: the file
    comes from the customer's machine.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    root = etree.fromstring(data, parser)
    out: dict[str, str] = {}
    if root is None:
        return out

    def walk(node: Any, path: tuple[str, ...]) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = child.get("name", "")
            if child.tag.lower() == "key":
                walk(child, (*path, name))
            elif child.tag.lower() == "value":
                # Entities stay unresolved ("&x;"), so no external file's text can enter the value.
                out["\\".join((*path, name))] = "".join(child.itertext()).strip().strip('"')

    walk(root, ())
    return out


class Products(Collector):
    name = "products"
    title = "Acronis products"
    description = "Installed Acronis products and components with version and build, agent ID and registration address."
    priority = 0  # first phase: later collectors and the escalation form read what this finds
    timeout_s = 120.0
    expected_duration_s = 3.0
    tags = ("acronis", "inventory")

    def collect(self, ctx: Context) -> None:
        found = Findings()
        steps = (self._installer_data, self._installer_logs, self._app_bundles, self._logs, self._configs,
                 self._folders)
        for index, step in enumerate(steps):
            ctx.progress(index / len(steps), step.__name__.strip("_").replace("_", " "))
            step(ctx, found)
        products = self._settle(ctx, found)
        data = {
            "products": [p.to_json() for p in products],
            "identifiers": {k: {"value": v, "source": s} for k, (v, s) in found.identifiers.items()},
            "registration_address": ctx.facts.get(REGISTRATION_ADDRESS) or "",
            "addresses": found.addresses,
            "sightings": [{k: v for k, v in asdict(s).items() if v} for s in found.sightings],
            "log_modules": list(found.modules.values())[:100],
            "searched": found.searched,
        }
        ctx.writer.add_json("products.json", data, source="product detection")
        ctx.progress(1.0, "done")
        if not products:
            raise NotApplicable(f"no Acronis product found (searched {len(found.searched)} places; see products.json)")

    # ---- installer databases (live systems only)

    def _installer_data(self, ctx: Context, found: Findings) -> None:
        if not ctx.root.live:
            found.looked("installer database", "not read: offline root (registry hives and package "
                                               "databases are not parsed offline)")
            return
        if ctx.target_os == "windows":
            self._windows_registry(ctx, found)
        elif ctx.target_os == "linux":
            self._linux_packages(ctx, found)
        else:
            self._mac_receipts(ctx, found)

    def _windows_registry(self, ctx: Context, found: Findings) -> None:
        listing = uninstall_entries(ctx)
        for problem in listing.problems:
            ctx.writer.skip("uninstall registry entries", problem)
        hits = 0
        for entry in listing.entries:
            verdict = classify_display_name(entry["DisplayName"], "windows")
            if verdict is None:
                continue
            hits += 1
            kind, component, name = verdict
            version, build = split_version(entry.get("DisplayVersion", ""))
            found.sightings.append(Sighting(kind, component, f"registry {entry['key']}", version, build, name,
                                            entry["DisplayName"]))
        found.looked("uninstall registry entries (64- and 32-bit)", f"{hits} Acronis entries")
        for key in (MACHINE_MANAGER_KEY, FES_CACHE_KEY):
            result = ctx.run(["reg", "query", key, "/s"], timeout=20.0)
            outcome, reason = classify(result, ctx.target_os)
            found.looked(key, "read" if outcome is Outcome.OK else reason)
            if outcome in (Outcome.OK, Outcome.ABSENT):
                if outcome is Outcome.OK:
                    for regkey in parse_reg_query(result.text()):
                        for value in regkey.values:
                            if value.name in IDENTIFIERS:
                                found.identifier(value.name, value.data, key)
                            elif re.search(r"uri|url|address|server", value.name, re.IGNORECASE):
                                found.address(value.data, f"{regkey.path}\\{value.name}", "registry")
            else:
                ctx.writer.skip(result.command, reason)

    def _linux_packages(self, ctx: Context, found: Findings) -> None:
        commands = (
            ("rpm", ["rpm", "-qa", "--queryformat", "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}\\n"]),
            ("dpkg", ["dpkg-query", "-W", "-f=${Package}|${Version}|${Status}\\n"]),
        )
        for tool, argv in commands:
            result = ctx.run(argv, timeout=60.0)
            outcome, reason = classify(result, ctx.target_os)
            if outcome is not Outcome.OK:
                found.looked(f"{tool} package database", reason)
                if outcome not in (Outcome.MISSING,):
                    ctx.writer.skip(result.command, reason)
                continue
            hits = 0
            for line in result.text().splitlines():
                fields = line.strip().split("|")
                if len(fields) < 2 or not re.search(r"acronis|backupandrecovery|snapapi|cyber.?protect",
                                                    fields[0], re.IGNORECASE):
                    continue
                if tool == "dpkg" and len(fields) > 2 and "installed" not in fields[2]:
                    continue  # removed, config-files only
                pkg = fields[0]
                kind, component, name = classify_display_name(f"acronis {pkg}", "linux") or (AGENT, pkg, "")
                version, build = split_version(fields[1].split("-")[0])
                found.sightings.append(Sighting(kind, component, f"{tool} package {pkg}", version, build, name, pkg))
                hits += 1
            found.looked(f"{tool} package database", f"{hits} Acronis packages")

    def _mac_receipts(self, ctx: Context, found: Findings) -> None:
        result = ctx.run(["pkgutil", "--pkgs"], timeout=30.0)
        outcome, reason = classify(result, ctx.target_os)
        if outcome is not Outcome.OK:
            found.looked("pkgutil --pkgs", reason)
            ctx.writer.skip(result.command, reason)
            return
        ids = [line.strip() for line in result.text().splitlines() if line.strip().lower().startswith("com.acronis")]
        found.looked("pkgutil --pkgs", f"{len(ids)} Acronis receipts")
        for pkg in ids[:15]:
            info = ctx.run(["pkgutil", "--pkg-info", pkg], timeout=15.0)
            if classify(info, ctx.target_os)[0] is not Outcome.OK:
                continue
            fields = dict(line.split(": ", 1) for line in info.text().splitlines() if ": " in line)
            verdict = classify_display_name(f"acronis {pkg.split('.', 2)[-1]}", "darwin")
            if verdict is None:
                continue
            version, build = split_version(fields.get("version", ""))
            found.sightings.append(Sighting(*verdict[:2], f"pkgutil receipt {pkg}", version, build, verdict[2], pkg))

    # ---- files: app bundles, logs, configs, folders (live and offline)

    def _app_bundles(self, ctx: Context, found: Findings) -> None:
        for pattern in _sources(ctx.target_os).app_bundles:
            matches = ctx.root.glob(pattern)
            _report_refused(ctx, found, matches)
            for plist in matches.files():
                shown = ctx.root.display(plist)
                try:
                    info = plistlib.loads(ctx.root.read_bytes(plist, MAX_SETTINGS_BYTES))
                except OSError as exc:
                    ctx.writer.skip(shown, refusal_reason(exc))
                    continue
                except (plistlib.InvalidFileException, ValueError) as exc:
                    ctx.writer.skip(shown, f"unreadable Info.plist: {exc}")
                    continue
                app = plist.parent.parent.name.removesuffix(".app")
                verdict = classify_display_name(app if "acronis" in app.lower() else f"Acronis {app}", "darwin")
                if verdict is None:
                    continue
                short = str(info.get("CFBundleShortVersionString", ""))
                bundle = str(info.get("CFBundleVersion", ""))
                build = bundle.split(".")[-1] if bundle.split(".")[-1].isdigit() else ""
                found.sightings.append(Sighting(*verdict[:2], f"Info.plist {shown}", short, build, verdict[2], app))
                found.looked(shown, f"{app} {short} ({bundle})")

    def _logs(self, ctx: Context, found: Findings) -> None:
        for source in _sources(ctx.target_os).logs:
            pattern, kind = source.pattern, source.kind
            matches = ctx.root.glob(pattern)
            _report_refused(ctx, found, matches)
            paths = matches.files()
            if not paths:
                found.looked(pattern, "absent")
                continue
            newest = max(paths, key=lambda p: _log_recency(ctx.root, p))
            shown = ctx.root.display(newest)
            try:
                head, text = read_head_and_tail(ctx.root, newest)
            except OSError as exc:
                ctx.writer.skip(shown, refusal_reason(exc))
                continue
            self._xml_root(decode_bytes(head).encode("utf-8", "replace"), kind, shown, ctx.target_os, found)
            modules, kblinks = scan_log(text)
            for module, comp, plat, build in modules:
                found.modules[module] = {"module": module, "component": comp, "build": build,
                                         "platform": product_table().module_platforms.get(plat, plat),
                                         "log": shown}
            build = agent_build(modules) if kind != SERVER else next(
                (b for _, c, _, b in reversed(modules) if c.startswith("management_server")), "")
            component = _main_component(kind, ctx.target_os)
            if build:
                found.sightings.append(Sighting(kind, component, f"$module in {shown}", "", build))
            if kblinks:
                version, kb_build = kblinks[-1]
                found.sightings.append(Sighting(kind, component, f"kbLink in {shown}", version, kb_build))
            found.looked(shown, f"{len(modules)} $module fields, {len(kblinks)} kbLinks" + (
                f", build {build}" if build else ""))

    def _installer_logs(self, ctx: Context, found: Findings) -> None:
        """Windows Installer's own verdict at the end of each verbose MSI log: what it installed, which version.

        Only a successful install (status 0) says what is on the machine; a failed update names a version that
        never arrived, which is worth knowing but is not the installed one. Offline roots have no registry to
        ask, so this is their best source of the full version.
        """
        for pattern in _sources(ctx.target_os).installer_logs:
            self._installer_log_glob(ctx, found, pattern)

    def _installer_log_glob(self, ctx: Context, found: Findings, pattern: str) -> None:
        matches = ctx.root.glob(pattern)
        _report_refused(ctx, found, matches)
        for path in sorted(matches.files(), key=lambda p: _log_recency(ctx.root, p), reverse=True):
            shown = ctx.root.display(path)
            try:
                _, text = read_head_and_tail(ctx.root, path, 64 * 1024)
            except OSError as exc:
                ctx.writer.skip(shown, refusal_reason(exc))
                found.looked(shown, refusal_reason(exc))
                continue
            verdicts = list(_MSI_VERDICT.finditer(text))
            if not verdicts:
                continue
            last = verdicts[-1]
            name, version, status = last.group("name"), last.group("version"), last.group("status")
            if status != "0":
                found.looked(shown, f"{name} {version}: Windows Installer status {status} (not installed)")
                continue
            verdict = classify_display_name(name, "windows")
            if verdict is None:
                continue
            kind, component, explicit = verdict
            build = version.rsplit(".", 1)[-1]
            found.sightings.append(Sighting(kind, component or _main_component(kind, "windows"),
                                            f"MSI log {shown}", version, build, explicit, name))
            found.looked(shown, f"{name} {version} installed")

    def _xml_root(self, head: bytes, kind: str, shown: str, os_name: str, found: Findings) -> None:
        m = _XML_ROOT.search(head)
        if not m:
            return
        attrs = dict((a.group("k"), a.group("v")) for a in _XML_ATTR.finditer(m.group(0).decode("utf-8", "replace")))
        product = attrs.get("product", "")
        verdict = classify_display_name(product, os_name) if product else None
        kind_, component, name = verdict if verdict else (kind, "", "")
        if kind == HOME and kind_ != HOME:
            kind_, name = HOME, ""
        found.sightings.append(Sighting(kind_, component, f"XML log root {shown}", attrs.get("version", ""),
                                        m.group("build").decode("ascii"), name, product))

    def _configs(self, ctx: Context, found: Findings) -> None:
        for target in _sources(ctx.target_os).configs:
            path = ctx.root.resolve(target)
            shown = ctx.root.display(path)
            try:
                if ctx.root.kind(path) != "file":
                    found.looked(target, "absent")
                    continue
                data = ctx.root.read_bytes(path, MAX_SETTINGS_BYTES)
            except OSError as exc:
                ctx.writer.skip(shown, refusal_reason(exc))
                found.looked(target, refusal_reason(exc))
                continue
            name = path.name.lower()
            if name.endswith(".config"):
                try:
                    values = parse_acronis_config(data)
                except etree.XMLSyntaxError as exc:
                    ctx.writer.skip(shown, f"not a readable Acronis config: {exc}")
                    continue
                for key, value in values.items():
                    leaf = key.rsplit("\\", 1)[-1]
                    if leaf in IDENTIFIERS:
                        found.identifier(leaf, value, shown)
                    elif re.search(r"uri|url|address|server", leaf, re.IGNORECASE):
                        found.address(value, key, shown)
                found.looked(shown, f"{len(values)} values")
            elif name.endswith((".yml", ".yaml")):
                self._yaml_addresses(decode_bytes(data), shown, found)
            else:  # BackupAndRecovery_version.txt
                version, build = split_version(decode_bytes(data))
                if build:
                    found.sightings.append(Sighting(AGENT, _main_component(AGENT, ctx.target_os), shown, version,
                                                    build))
                found.looked(shown, f"version {version}" if version else "no version in it")

    def _yaml_addresses(self, text: str, shown: str, found: Findings) -> None:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            found.looked(shown, f"not valid YAML: {str(exc).splitlines()[0]}")
            return
        count = 0

        def walk(node: Any, path: str) -> None:
            nonlocal count
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, f"{path}.{key}" if path else str(key))
            elif isinstance(node, str) and re.search(r"server|url|address|host", path.rsplit(".", 1)[-1], re.I) \
                    and "proxy" not in path.lower():
                before = len(found.addresses)
                found.address(node, path, shown)
                count += len(found.addresses) - before

        walk(data, "")
        found.looked(shown, f"{count} addresses")

    def _folders(self, ctx: Context, found: Findings) -> None:
        for marker in _sources(ctx.target_os).folders:
            target, kind, component = marker.path, marker.kind, marker.component
            path = ctx.root.resolve(target)
            try:
                exists = ctx.root.kind(path) is not None
            except OSError as exc:
                ctx.writer.skip(ctx.root.display(path), refusal_reason(exc))
                found.looked(target, refusal_reason(exc))
                continue
            found.looked(target, "present" if exists else "absent")
            if exists:
                name = product_table().default_home_product if kind == HOME else ""
                found.sightings.append(Sighting(kind, component, f"folder {ctx.root.display(path)}", name=name))

    # ---- settling names and publishing facts

    def _settle(self, ctx: Context, found: Findings) -> list[Product]:
        for key, (value, _source) in found.identifiers.items():
            ctx.facts.set_identifier(key, value)
        if found.addresses:
            best = sorted(found.addresses, key=_address_rank)[0]
            ctx.facts.set(REGISTRATION_ADDRESS, _normalise_address(best["address"]))
        address = ctx.facts.get(REGISTRATION_ADDRESS) or ""
        # Cloud evidence: a cloud data-center address, a cloud-storage (FES) cache, or a source naming it.
        cloud = "acronis.com" in address or any("FesAddressCache" in a["key"] for a in found.addresses) or any(
            "cloud" in s.detail.lower() for s in found.sightings if s.kind in (AGENT, SHARED))
        agent_versions = [s.version for s in found.sightings
                          if s.kind in (AGENT, SERVER) and s.version.split(".")[0].isdigit()]
        agent_family = family(agent_versions[0] if agent_versions else "", cloud)
        home_name = next((s.name for s in found.sightings if s.kind == HOME and s.name and "folder" not in s.source),
                         product_table().default_home_product)
        has_agent = any(s.kind in (AGENT, SERVER) for s in found.sightings)
        has_home = any(s.kind == HOME for s in found.sightings)
        products: list[Product] = []
        for s in found.sightings:
            if s.kind == HOME or (s.kind == SHARED and has_home and not has_agent):
                name = s.name if s.kind == HOME and s.name and "folder" not in s.source else home_name
                component = s.component
            else:
                name = agent_family
                component = s.component
            product = Product(name, s.version, s.build, component, s.source)
            ctx.facts.add_product(product)
            if not any((p.name, p.component) == (name, component) for p in products):
                products.append(product)
        with_facts = {(p.name, p.component): p for p in ctx.facts.products}
        return [with_facts.get((p.name, p.component), p) for p in products]


def _main_component(kind: str, os_name: str) -> str:
    if kind == SERVER:
        return product_table().management_server
    if kind == HOME:
        return ""
    return product_table().main_agent[os_name]


def _sources(os_name: str) -> Sources:
    return product_table().sources[os_name]


def _address_rank(entry: dict[str, str]) -> int:
    key = entry["key"].lower()
    if key.endswith("server") or "registration" in key or "ams" in key or "management" in key:
        return 0
    if "fesuri" in key:
        return 2
    return 1


def _normalise_address(value: str) -> str:
    """scheme://host[:port] for connectivity checks; FES URIs come without a scheme."""
    parts = urlsplit(value if "://" in value else f"https://{value}")
    return f"{parts.scheme}://{parts.netloc}"


# The line Windows Installer writes at the end of every verbose log (and as MsiInstaller event 1033/11708).
_MSI_VERDICT = re.compile(
    r"Windows Installer (?:installed|reconfigured|updated|removed) the product\. Product Name: (?P<name>.+?)\. "
    r"Product Version: (?P<version>\d+(?:\.\d+)+)\..*?Installation success or error status: (?P<status>\d+)"
)
_ROTATION = re.compile(r"\.(\d+)\.log(?:\.gz)?$", re.IGNORECASE)


def _report_refused(ctx: Context, found: Findings, matches: Matches) -> None:
    """What a search met and would not read (links out of the root, pipes, loops, unlistable folders)."""
    for path, reason in matches.refused:
        shown = ctx.root.display(path)
        ctx.writer.skip(shown, reason)
        found.looked(shown, reason)


def _log_recency(root: SystemRoot, path: Path) -> tuple[float, int]:
    """Newest first by time; between copies with the same time (a restored or checked-out tree), the rotation
    number decides: ``mms.0.log`` is the current log, ``mms.1.log`` the one before."""
    try:
        mtime = round(root.stat(path).st_mtime)
    except OSError:
        mtime = 0
    m = _ROTATION.search(path.name)
    return mtime, -int(m.group(1)) if m else 0
