"""Linux kernel and distribution: which kernel SnapAPI must be built for, and which distribution it runs on."""

from __future__ import annotations

import shlex

from collectors.base import Collector
from collectors.commands import QUICK_S, run_and_store
from collectors.context import Context


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

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "uname -a")
        run_and_store(ctx, ("uname", "-a"), "uname_a.txt", timeout=QUICK_S)
        release = run_and_store(ctx, ("uname", "-r"), "uname_r.txt", timeout=QUICK_S)
        ctx.progress(0.5, "/etc/os-release")
        os_release = run_and_store(ctx, ("cat", "/etc/os-release"), "os_release.txt", timeout=QUICK_S)
        run_and_store(ctx, ("cat", "/proc/version"), "proc_version.txt", timeout=QUICK_S)
        facts: dict[str, str] = {}
        if release.ok:
            facts["kernel"] = release.text().strip()
        if os_release.ok:
            info = parse_os_release(os_release.text())
            for key in ("PRETTY_NAME", "ID", "VERSION_ID"):
                if info.get(key):
                    facts[key.lower()] = info[key]
        if facts:
            ctx.facts.set("linux_release", facts)
        ctx.progress(1.0, "done")
