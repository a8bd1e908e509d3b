"""File-system minifilters and volume/disk class filters: Acronis drivers and what may clash with them.

``fltmc`` needs elevation ("Filter listing failed with error: 0x80070005 / Access is denied."). snapman is a
volume class upper filter, not a minifilter, so the class ``UpperFilters``/``LowerFilters`` are read too: a
leftover entry there after an uninstall is a known cause of unbootable or unmountable volumes.
"""

from __future__ import annotations

import re
from typing import Any

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.declarative import Command, Gathered
from acronis_triage.collectors.windows_support import parse_reg_query

# Driver names of Acronis components (snapshot, Active Protection, CDP, Try&Decide) [D from product installs].
ACRONIS_DRIVERS = frozenset({"snapman", "file_protector", "file_tracker", "fltsrv", "tdrpman", "afcdp", "vidsflt"})
CLASS_KEYS: tuple[tuple[str, str], ...] = (
    ("volume", r"HKLM\SYSTEM\CurrentControlSet\Control\Class\{71A27CDD-812A-11D0-BEC7-08002BE2092F}"),
    ("disk", r"HKLM\SYSTEM\CurrentControlSet\Control\Class\{4D36E967-E325-11CE-BFC1-08002BE10318}"),
)
# Legacy filters have no instance count: "AVLegacy      389998.99   <Legacy>".
_ROW = re.compile(r"^(?P<name>\S+)\s+(?:(?P<instances>\d+)\s+)?(?P<altitude>\d+(?:\.\d+)?)\s+(?P<frame>\S+)$")


def parse_filters(text: str) -> list[dict[str, Any]]:
    rows = []
    for line in text.splitlines():
        m = _ROW.match(line.strip())
        if m and not line.startswith("-"):
            rows.append({
                "name": m.group("name"),
                "instances": int(m.group("instances")) if m.group("instances") else None,
                "altitude": m.group("altitude"),
                "frame": m.group("frame"),
                "acronis": m.group("name").lower() in ACRONIS_DRIVERS,
            })
    return rows


class WindowsFilters(Collector):
    name = "windows_filters"
    title = "Filter drivers"
    description = "fltmc filters and instances, volume and disk class filters; Acronis drivers flagged."
    platforms = ("windows",)
    needs_live = True
    needs_admin = True
    priority = 12
    timeout_s = 90.0
    expected_duration_s = 2.0
    tags = ("drivers", "windows")

    # fltmc refuses without elevation ("0x80070005"); instances are not asked for once filters were refused.
    commands = (
        Command(("fltmc", "filters"), "fltmc_filters.txt", 20.0, needs_admin=True),
        Command(("fltmc", "instances"), "fltmc_instances.txt", 20.0, needs_admin=True),
        *(Command(("reg", "query", key, "/v", "UpperFilters"), f"{kind}_class_upperfilters.txt", 15.0,
                  absent_is_normal=True, label=f"{kind} class filters") for kind, key in CLASS_KEYS),
    )

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        summary: dict[str, Any] = {}
        if step := gathered.ok("fltmc_filters.txt"):
            filters = parse_filters(step.text())
            summary["minifilters"] = filters
            summary["acronis_minifilters"] = [f["name"] for f in filters if f["acronis"]]
        for kind, _ in CLASS_KEYS:
            if reg := gathered.ok(f"{kind}_class_upperfilters.txt"):
                values = [v for k in parse_reg_query(reg.text()) for v in k.values]
                summary[f"{kind}_upper_filters"] = [n for v in values for n in v.data.split("\\0") if n]
        if summary:
            ctx.writer.add_json("filters_summary.json", summary, source="parsed from fltmc and reg query")
