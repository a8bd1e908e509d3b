"""Memory on Linux: a machine short of RAM gets acronis_mms killed by the OOM killer (DOMAIN §6.2)."""

from __future__ import annotations

from collectors.base import Collector
from collectors.commands import QUICK_S, run_and_store
from collectors.context import Context


def parse_free(text: str) -> dict[str, dict[str, int]]:
    """``free -m`` rows (Mem, Swap) as {column: MiB}; the column set differs between procps versions."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return {}
    columns = lines[0].split()
    rows: dict[str, dict[str, int]] = {}
    for line in lines[1:]:
        label, _, rest = line.partition(":")
        values = rest.split()
        if not values or not all(v.isdigit() for v in values):
            continue
        rows[label.strip().lower()] = dict(zip(columns, (int(v) for v in values), strict=False))
    return rows


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

    def collect(self, ctx: Context) -> None:
        ctx.progress(None, "free -m")
        result = run_and_store(ctx, ("free", "-m"), "free_m.txt", timeout=QUICK_S)
        if result.ok:
            rows = parse_free(result.text())
            if rows:
                ctx.facts.set("linux_memory_mb", rows)
        ctx.progress(1.0, "done")
