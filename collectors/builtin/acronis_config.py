"""Acronis settings files: aakore.yaml, http-proxy.yaml, BackupAndRecovery.config, MMS.config, Global.config,
backup location definitions, True Image task scripts, the management server's api_gateway.json.

Taken whole (never cut); the bundle writer masks their passwords (the Acronis `<value name="Password">` and
scheme-less `http-proxy: login:password@host` forms included, see collectors/redact.py).
"""

from __future__ import annotations

from typing import Any

from collectors.acronis_locations import CONFIG, Finder, bundle_name, locations_for
from collectors.base import Collector, NotApplicable
from collectors.context import Context


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
                    ctx.writer.skip(shown, item.refused)
                    continue
                if item.excluded:
                    ctx.writer.exclude(shown, item.excluded)
                    continue
                rec = ctx.writer.add_file(item.path, bundle_name(ctx.root, item.path), display=shown, structured=True)
                if rec is None:
                    continue
                index.append({"path": shown, "bundle_path": rec.path, "product": item.location.product,
                              "description": item.location.description})
        if not seen:
            raise NotApplicable("no Acronis settings files found in the known folders of this system")
        ctx.writer.add_json("index.json", {"files": index}, source="acronis-triage")
