"""Can this machine reach its Acronis data center / management server? Read-only name resolution and TCP
connects with short timeouts to the ports Acronis requires (DOMAIN.md §1.8), plus the local agent ports.

The addresses come from the machine's own agent configuration (BackupAndRecovery.config, Global.config proxy,
aakore.yaml, the registration address the product collector found); nothing is sent over a connection.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from acronis_triage.collectors.acronis_locations import CONFIG, Finder, locations_for
from acronis_triage.collectors.base import Collector, NotApplicable, Option
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.facts import REGISTRATION_ADDRESS
from acronis_triage.collectors.sysroot import refusal_reason

TIMEOUT_S = 3.0
# Agent <-> cloud ports (Support Digest Aug 2017, KB 47189); 7770-7800 is sampled at both ends of its use.
CLOUD_PORTS: tuple[int, ...] = (443, 8443, 7770, 7780, 44445, 80)
MMS_LOCAL_PORT = 43234
AAKORE_DEFAULT_PORT = 9999
_NOT_ENDPOINTS = ("kb.acronis.com", "www.w3.org", "schemas.microsoft.com", "localhost")

_URL = re.compile(r"\b(?:https?|wss?|fes)://[A-Za-z0-9.\-]+(?::\d{1,5})?", re.I)
_ADDRESS_VALUE = re.compile(
    r"(?is)<value\s+name=\"(?P<name>[^\"]*(?:uri|url|address|server|host)[^\"]*)\"[^>]*>\s*\"?(?P<val>[^\"<]*)")
_PROXY_HOST = re.compile(r"(?is)<key\s+name=\"HttpProxy\">(?P<body>.*?)</key>")
_REG_VALUE = re.compile(r"(?is)<value\s+name=\"(?P<name>\w+)\"[^>]*>\s*\"?(?P<val>[^\"<]*)")
_AAKORE_LISTEN = re.compile(r"(?m)^\s*http\s*:\s*[\"']?(?:127\.0\.0\.1|localhost):(?P<port>\d{1,5})")


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    purpose: str
    source: str = ""


@dataclass
class Probe:
    host: str
    port: int
    purpose: str
    source: str
    addresses: list[str]
    result: str  # open | refused | timed out | DNS failure | DNS timed out | unreachable: <reason>
    time_ms: float | None


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_with_timeout(resolver: Resolver, host: str, port: int, timeout: float) -> tuple[list[str], str]:
    # getaddrinfo has no timeout of its own; a dead resolver must not hold the collector.
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["addrs"] = resolver(host, port)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name=f"resolve-{host}")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return [], "DNS timed out"
    if "error" in box or not box.get("addrs"):
        return [], "DNS failure"
    return box["addrs"], ""


def probe(target: Target, *, timeout: float = TIMEOUT_S, resolver: Resolver = resolve) -> Probe:
    addrs, dns_problem = _resolve_with_timeout(resolver, target.host, target.port, timeout)
    base: dict[str, Any] = dict(
        host=target.host, port=target.port, purpose=target.purpose, source=target.source, addresses=addrs)
    if dns_problem:
        return Probe(**base, result=dns_problem, time_ms=None)
    result = "unreachable"
    elapsed = None
    for addr in addrs:
        start = time.monotonic()
        try:
            with socket.create_connection((addr, target.port), timeout=timeout):
                pass
            return Probe(**base, result="open", time_ms=round((time.monotonic() - start) * 1000, 1))
        except ConnectionRefusedError:
            result = "refused"
        except TimeoutError:
            result = "timed out"
        except (OSError, OverflowError, ValueError) as exc:
            result = f"unreachable: {getattr(exc, 'strerror', None) or exc}"
        elapsed = round((time.monotonic() - start) * 1000, 1)
    return Probe(**base, result=result, time_ms=elapsed)


def endpoints_from_text(text: str, source: str) -> list[Target]:
    """Acronis addresses named in one settings file: URLs, address-like registry values, the HTTP proxy."""
    found: list[Target] = []
    for block in _PROXY_HOST.finditer(text):
        values = {v.group("name").lower(): v.group("val").strip() for v in _REG_VALUE.finditer(block.group("body"))}
        if values.get("host") and values.get("enabled", "1") != "0" and values.get("port", "").isdigit():
            found.append(Target(values["host"], int(values["port"]), "HTTP proxy", source))
    # The proxy's own Host value is not an Acronis endpoint.
    text = _PROXY_HOST.sub("", text)
    for m in _ADDRESS_VALUE.finditer(text):
        if "proxy" in m.group("name").lower():
            continue
        found.extend(_targets_for(m.group("val").strip(), f"{source} ({m.group('name')})"))
    for m in _URL.finditer(text):
        found.extend(_targets_for(m.group(0), source))
    return found


def _targets_for(value: str, source: str) -> list[Target]:
    if not value or value.startswith(("127.", "::1")):
        return []
    parts = urlsplit(value if "://" in value else f"//{value}")
    host = (parts.hostname or "").lower()
    if not host or "." not in host or host in _NOT_ENDPOINTS or host.startswith("127."):
        return []
    ports = list(CLOUD_PORTS)
    try:
        if parts.port and parts.port not in ports:
            ports.insert(0, parts.port)
    except ValueError:
        pass
    return [Target(host, port, "Acronis cloud / management server", source) for port in ports]


def local_targets(aakore_port: int) -> list[Target]:
    return [Target("127.0.0.1", MMS_LOCAL_PORT, "local MMS (registration, KB 61805)"),
            Target("127.0.0.1", aakore_port, "local Agent Core API (aakore, KB 64771)")]


def discover(ctx: Context) -> tuple[list[Target], list[str]]:
    """Targets from the machine's own Acronis settings, and the settings files that were read."""
    targets: list[Target] = []
    read: list[str] = []
    aakore_port = AAKORE_DEFAULT_PORT
    registration = ctx.facts.get(REGISTRATION_ADDRESS)
    if registration:
        targets.extend(_targets_for(registration, "registration address (product detection)"))
    finder = Finder(ctx.root)
    for location in locations_for(ctx.target_os, (CONFIG,)):
        for item in finder.find(location):
            shown = ctx.root.display(item.path)
            if item.refused:
                ctx.writer.skip(shown, item.refused)
                continue
            if item.excluded:
                continue
            try:
                text = ctx.root.read_bytes(item.path, 4 * 2**20).decode("utf-8", errors="replace")
            except OSError as exc:
                ctx.writer.skip(shown, refusal_reason(exc))
                continue
            read.append(shown)
            targets.extend(endpoints_from_text(text, shown))
            listen = _AAKORE_LISTEN.search(text)
            if listen and item.path.name.lower() == "aakore.yaml":
                aakore_port = int(listen.group("port"))
    return _unique([*local_targets(aakore_port), *targets]), read


def _unique(targets: Iterable[Target]) -> list[Target]:
    seen: dict[tuple[str, int], Target] = {}
    for t in targets:
        seen.setdefault((t.host, t.port), t)
    return list(seen.values())


def _injected(value: Any) -> list[Target]:
    out = []
    for item in value or ():
        if isinstance(item, Target):
            out.append(item)
        else:
            host, port, *rest = item
            out.append(Target(str(host), int(port), str(rest[0]) if rest else "requested", "options"))
    return out


def text_table(probes: list[Probe]) -> str:
    rows = [("host", "port", "resolved", "result", "ms", "purpose")]
    rows += [(p.host, str(p.port), ", ".join(p.addresses) or "-", p.result,
              "-" if p.time_ms is None else f"{p.time_ms:g}", p.purpose) for p in probes]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


class Connectivity(Collector):
    name = "connectivity"
    title = "Connectivity to Acronis"
    description = "Name resolution and TCP reachability of the Acronis data center, proxy and local agent ports."
    needs_live = True
    priority = 60
    timeout_s = 120.0
    expected_duration_s = 10.0
    tags = ("network", "acronis")
    options = (
        Option("targets", "", "host:port pairs to test instead of the configured Acronis addresses"),
        Option("timeout_s", TIMEOUT_S, "seconds to wait for each name resolution and connection"),
    )

    def collect(self, ctx: Context) -> None:
        injected = ctx.options.get(f"{self.name}.targets")
        timeout = float(ctx.options.get(f"{self.name}.timeout_s") or TIMEOUT_S)
        resolver: Resolver = ctx.options.get(f"{self.name}.resolver") or resolve
        note = ""
        if injected:
            targets = _injected(injected)
            read: list[str] = []
        else:
            targets, read = discover(ctx)
            remote = [t for t in targets if not t.host.startswith("127.")]
            if not remote:
                if not read and not ctx.facts.products:
                    raise NotApplicable("no Acronis agent settings found: nothing to test")
                note = ("no Acronis data center, management server or proxy address is configured on this machine; "
                        "only the local agent ports were tested")
        ctx.progress(None, f"testing {len(targets)} address/port pairs")
        probes: list[Probe] = []
        pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="connectivity")
        try:
            futures = [pool.submit(probe, t, timeout=timeout, resolver=resolver) for t in targets]
            for i, future in enumerate(futures):
                ctx.cancel.raise_if_cancelled()
                probes.append(future.result())
                ctx.progress((i + 1) / len(futures), f"{probes[-1].host}:{probes[-1].port} {probes[-1].result}")
        finally:
            # On cancel, probes not yet started are dropped; running ones end within their timeout.
            pool.shutdown(wait=False, cancel_futures=True)
        summary = {"timeout_s": timeout, "settings_read": read, "note": note,
                   "results": [asdict(p) for p in probes]}
        ctx.writer.add_json("connectivity.json", summary, source="socket.getaddrinfo / socket.create_connection")
        header = f"# {note}\n\n" if note else ""
        ctx.writer.add_text("connectivity.txt", header + text_table(probes), source="acronis-triage")
