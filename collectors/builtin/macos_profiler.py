"""system_profiler software and storage report (DOMAIN §6.3). Slow (tens of seconds), so it runs late."""

from __future__ import annotations

from acronis_triage.collectors.base import SLOW, Collector
from acronis_triage.collectors.declarative import Command

# system_profiler spends most of its time probing hardware; 120 s is the documented exception to the 60 s rule.
PROFILER_TIMEOUT_S = 120.0


class MacosProfiler(Collector):
    name = "macos_profiler"
    title = "macOS system profile (software, storage)"
    description = "system_profiler SPSoftwareDataType SPStorageDataType: OS, boot volume, SIP, volumes and free space."
    platforms = ("darwin",)
    needs_live = True
    priority = 80
    timeout_s = PROFILER_TIMEOUT_S + 30.0
    expected_duration_s = 20.0
    tags = ("system", "macos", SLOW)
    commands = (
        Command(("system_profiler", "SPSoftwareDataType", "SPStorageDataType"), "system_profiler.txt",
                PROFILER_TIMEOUT_S, judge=False, label="system_profiler (can take a minute)"),
    )
