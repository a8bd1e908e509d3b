"""Proxy settings the agent uses: WinHTTP, the Acronis HttpProxy key and the aakore proxy files (DOMAIN §1.2, §1.7).

Registration and cloud-backup failures are often a proxy the agent does not know about, or one it knows and the
machine does not. Passwords never leave the machine: the writer's redaction masks ``Password`` values and
``user:password@`` in URLs, and the summary keeps host and port only.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import run_step
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.sysroot import refusal_reason
from acronis_triage.collectors.textdecode import decode_bytes
from acronis_triage.collectors.windows_support import mask_registry_secrets, parse_reg_query, target_path

PROXY_KEYS: tuple[str, ...] = (
    r"HKLM\SOFTWARE\Acronis\Global\HttpProxy",
    r"HKLM\SOFTWARE\WOW6432Node\Acronis\Global\HttpProxy",
)
PROXY_FILES: tuple[tuple[str, ...], ...] = (
    ("Acronis", "Agent", "var", "aakore", "http-proxy.yaml"),  # written by Cyber Protect Monitor; wins
    ("Acronis", "Agent", "etc", "aakore.yaml"),
)
_WINHTTP = re.compile(r"^[ \t]*(?P<key>[^:\r\n]+?)[ \t]*:[ \t]+(?P<value>\S[^\r\n]*)", re.MULTILINE)
# user:password@host with or without a scheme (aakore's env section writes "user:pass@host:port"), which the
# writer's URL rule, needing "scheme://", does not see.
_USERINFO = re.compile(r"(?P<pre>[a-z][\w+.-]*://|(?<![\w:/@.-]))(?P<user>[^\s/@:\"']+):(?P<pw>[^\s@\"']+)@(?=[\w\[])",
                       re.IGNORECASE)


def mask_userinfo(text: str) -> str:
    return _USERINFO.sub(lambda m: f"{m.group('pre')}{m.group('user')}:*****@", text)


def winhttp_summary(text: str) -> dict[str, str]:
    """``netsh winhttp show proxy``: "Direct access" or "Proxy Server(s) : host:port" and the bypass list."""
    if re.search(r"direct access", text, re.IGNORECASE):
        return {"mode": "direct"}
    found = {m.group("key").strip(): m.group("value").strip() for m in _WINHTTP.finditer(text)}
    servers = next((v for k, v in found.items() if "server" in k.lower()), "")
    bypass = next((v for k, v in found.items() if "bypass" in k.lower()), "")
    return {"mode": "proxy", "server": servers, "bypass": bypass} if servers else {"mode": "unknown"}


def yaml_proxy(text: str) -> dict[str, Any]:
    """Proxy-looking settings from an aakore YAML file, credentials removed."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return {"error": f"not valid YAML: {str(exc).splitlines()[0]}"}
    found: dict[str, Any] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, (str, int)) and "proxy" in path.lower() and "pass" not in path.lower():
            found[path] = mask_userinfo(str(node))

    walk(data, "")
    return found


class WindowsProxy(Collector):
    name = "windows_proxy"
    title = "Proxy settings"
    description = "WinHTTP proxy, Acronis HttpProxy registry key and aakore proxy files (passwords redacted)."
    platforms = ("windows",)
    needs_live = True
    priority = 9
    timeout_s = 60.0
    expected_duration_s = 1.0
    tags = ("network", "windows")

    def collect(self, ctx: Context) -> None:
        summary: dict[str, Any] = {}
        ctx.progress(0.0, "netsh winhttp show proxy")
        step = run_step(ctx, ["netsh", "winhttp", "show", "proxy"], "netsh_winhttp_show_proxy.txt", timeout=15.0)
        if step.ok:
            summary["winhttp"] = winhttp_summary(step.text())
        for index, key in enumerate(PROXY_KEYS):
            ctx.progress(0.3 + index / 5, f"reg query {key}")
            name = "reg_query_acronis_httpproxy" + ("_wow6432node" if "WOW6432Node" in key else "") + ".txt"
            reg = run_step(ctx, ["reg", "query", key], name, timeout=15.0, absent_is_normal=True,
                           mask=mask_registry_secrets)
            if reg.ok:
                for regkey in parse_reg_query(reg.text()):
                    summary.setdefault("acronis_registry", {})[regkey.path] = {
                        v.name: v.data for v in regkey.values if "pass" not in v.name.lower()}
        for parts in PROXY_FILES:
            path = target_path(ctx, "%ProgramData%", *parts)
            shown = "%ProgramData%\\" + "\\".join(parts)
            try:
                if ctx.root.kind(path) != "file":
                    ctx.writer.exclude(shown, "file does not exist")
                    continue
                text = decode_bytes(ctx.root.read_bytes(path, 4 * 2**20))
            except OSError as exc:
                ctx.writer.skip(shown, refusal_reason(exc))
                continue
            ctx.writer.add_text(parts[-1], mask_userinfo(text), source=shown)
            summary.setdefault("aakore_files", {})[shown] = yaml_proxy(text)
        ctx.writer.add_json("proxy_summary.json", summary, source="netsh, reg query, aakore YAML files")
        ctx.progress(1.0, "done")
