"""Acronis settings files: aakore.yaml, http-proxy.yaml, BackupAndRecovery.config, MMS.config, Global.config,
backup location definitions, True Image task scripts, the management server's api_gateway.json.

Taken whole (never cut) and redacted. Two real Acronis formats carry passwords the writer's redactor does not
recognise (see `mask_acronis_secrets`), so they are masked here first.
"""

from __future__ import annotations

import re
from typing import Any

from collectors.acronis_locations import CONFIG, Finder, bundle_name, locations_for
from collectors.base import Collector, NotApplicable
from collectors.context import Context
from collectors.redact import MASK
from collectors.textdecode import sniff_encoding

CONFIG_CAP = 16 * 1024 * 1024

_SECRET_NAME = r"[^\"]*(?:password|passwd|pwd|secret|token|credential|api_?key|private_?key)[^\"]*"
# Acronis "registry" XML (BackupAndRecovery.config, Global.config; DOMAIN §1.3/1.4):
#   <value name="Password" type="TString">"proxy_password"</value>, the value often on its own line.
_REGISTRY_VALUE = re.compile(
    r"(?is)(<value\s+name=\"" + _SECRET_NAME + r"\"[^>]*>\s*\"?)([^\"<]*)(\"?\s*</value>)")
# aakore.yaml ``env:`` proxy lines carry credentials without a URL scheme:
#   http-proxy: proxy_login:proxy_password@proxy_address:port
_PROXY_USERINFO = re.compile(
    r"(?im)^(\s*[\w.\-]*proxy[\w.\-]*\s*[:=]\s*[\"']?(?:[a-z][a-z0-9+.\-]*://)?[^:@\s\"'/]+:)[^@\s\"']+(@)")


def mask_acronis_secrets(text: str) -> tuple[str, int]:
    """Mask the password formats of Acronis settings files; returns the text and how many were masked."""
    text, n1 = _REGISTRY_VALUE.subn(lambda m: m.group(1) + (MASK if m.group(2).strip() else "") + m.group(3), text)
    text, n2 = _PROXY_USERINFO.subn(r"\g<1>" + MASK + r"\g<2>", text)
    return text, n1 + n2


class AcronisConfig(Collector):
    name = "acronis_config"
    title = "Acronis settings"
    description = "Acronis agent, proxy, backup location and management server settings files (secrets masked)."
    priority = 20
    timeout_s = 120.0
    tags = ("config", "acronis")

    def collect(self, ctx: Context) -> None:
        finder = Finder(ctx.root)
        index: list[dict[str, Any]] = []
        seen = 0
        for location in locations_for(ctx.target_os, (CONFIG,)):
            ctx.cancel.raise_if_cancelled()
            for item in finder.find(location):
                seen += 1
                shown = ctx.root.display(item.path)
                ctx.progress(None, shown)
                if item.refused:
                    ctx.writer.exclude(shown, item.refused)
                    continue
                try:
                    size = item.path.stat().st_size
                    if size > CONFIG_CAP:
                        ctx.writer.skip(shown, f"settings file of {size // 2**20} MiB is over the "
                                        f"{CONFIG_CAP // 2**20} MiB cap; not cut")
                        continue
                    data = item.path.read_bytes()
                except OSError as exc:
                    ctx.writer.skip(shown, f"cannot read: {exc.strerror or exc}")
                    continue
                encoding = sniff_encoding(data[:4096])
                text, masked = mask_acronis_secrets(data.decode(encoding, errors="surrogateescape"))
                payload = text.encode(encoding, errors="surrogateescape") if masked else data
                rec = ctx.writer.add_bytes(bundle_name(ctx.root, item.path), payload, source=shown)
                index.append({"path": shown, "bundle_path": rec.path, "product": item.location.product,
                              "description": item.location.description, "values_masked": masked})
        if not seen:
            raise NotApplicable("no Acronis settings files found in the known folders of this system")
        ctx.writer.add_json("index.json", {"files": index}, source="acronis-triage")
