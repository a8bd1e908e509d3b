"""Linux kernel and distribution: which kernel SnapAPI must be built for, and which distribution it runs on."""

from __future__ import annotations

import shlex

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import QUICK_S
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.declarative import Command, Gathered
from acronis_triage.collectors.facts import LINUX_RELEASE, LinuxRelease


def parse_os_release(text: str) -> dict[str, str]:
    """``KEY=value`` lines of /etc/os-release (shell quoting allowed), comments and junk ignored."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip("\"'")]
        values[key.strip()] = parts[0] if parts else ""
    return values


class LinuxKernel(Collector):
    name = "linux_kernel"
    title = "Linux kernel and distribution"
    description = "uname -a, /etc/os-release and /proc/version: the kernel SnapAPI must match, and the distribution."
    platforms = ("linux",)
    needs_live = True
    priority = 10
    timeout_s = 60.0
    expected_duration_s = 1.0
    tags = ("system", "linux")

    commands = (
        Command(("uname", "-a"), "uname_a.txt", QUICK_S, judge=False),
        Command(("uname", "-r"), "uname_r.txt", QUICK_S, judge=False),
        Command(("cat", "/etc/os-release"), "os_release.txt", QUICK_S, judge=False),
        Command(("cat", "/proc/version"), "proc_version.txt", QUICK_S, judge=False),
    )

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        release = gathered.ok("uname_r.txt")
        os_release = gathered.ok("os_release.txt")
        info = parse_os_release(os_release.text()) if os_release else {}
        found = LinuxRelease(kernel=release.text().strip() if release else "", pretty_name=info.get("PRETTY_NAME", ""),
                             id=info.get("ID", ""), version_id=info.get("VERSION_ID", ""))
        if found != LinuxRelease():
            ctx.facts.set(LINUX_RELEASE, found)
