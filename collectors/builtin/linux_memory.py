"""Memory on Linux: a machine short of RAM gets acronis_mms killed by the OOM killer (DOMAIN §6.2)."""

from __future__ import annotations

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import QUICK_S
from acronis_triage.collectors.declarative import Command


class LinuxMemory(Collector):
    name = "linux_memory"
    title = "Linux memory"
    description = "free -m: total, used and available memory and swap."
    platforms = ("linux",)
    needs_live = True
    priority = 20
    timeout_s = 30.0
    expected_duration_s = 0.5
    tags = ("system", "linux")
    commands = (Command(("free", "-m"), "free_m.txt", QUICK_S, judge=False),)
