"""macOS version, kernel, disks and system extensions (DOMAIN §6.3): the Acronis system extension must be
approved by the user, or protection features stay off (CPC UG "Troubleshooting permission issues on macOS")."""

from __future__ import annotations

import re

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import NORMAL_S, QUICK_S
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.declarative import Command, Gathered

_EXTENSION = re.compile(r"(?P<team>[A-Z0-9]{10})\s+(?P<bundle>\S+)\s+\((?P<version>[^)]*)\)\s+(?P<name>.*?)\s+"
                        r"\[(?P<state>[^\]]+)\]\s*$")


def parse_system_extensions(text: str) -> list[dict[str, str]]:
    """Acronis rows of ``systemextensionsctl list``: bundle id, version, name and the bracketed state."""
    found = []
    for line in text.splitlines():
        m = _EXTENSION.search(line)
        if m and "acronis" in line.lower():
            found.append({k: m[k] for k in ("team", "bundle", "version", "name", "state")})
    return found


class MacosSystem(Collector):
    name = "macos_system"
    title = "macOS version, disks and system extensions"
    description = "sw_vers, uname -a, diskutil list and systemextensionsctl list (Acronis extension approval)."
    platforms = ("darwin",)
    needs_live = True
    priority = 10
    timeout_s = 120.0
    expected_duration_s = 3.0
    tags = ("system", "macos")

    commands = (
        Command(("sw_vers",), "sw_vers.txt", QUICK_S, judge=False),
        Command(("uname", "-a"), "uname_a.txt", QUICK_S, judge=False),
        Command(("diskutil", "list"), "diskutil_list.txt", NORMAL_S, judge=False),
        # Catalina (10.15) brought system extensions; older macOS has no systemextensionsctl: a skip.
        Command(("systemextensionsctl", "list"), "systemextensionsctl_list.txt", QUICK_S, judge=False),
    )

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        extensions = gathered.ok("systemextensionsctl_list.txt")
        if extensions is None:
            return
        acronis = parse_system_extensions(extensions.text())
        problems = [
            f"Acronis system extension {ext['bundle']} is [{ext['state']}], not [activated enabled]: "
            "approve it in System Settings > Privacy & Security"
            for ext in acronis if ext["state"] != "activated enabled"
        ]
        ctx.writer.add_json("acronis_system_extensions.json", {"extensions": acronis, "problems": problems},
                            source="acronis-triage: systemextensionsctl list")
