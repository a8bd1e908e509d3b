"""The machine itself, through psutil: OS, CPU, memory, disks, uptime, Acronis processes, network."""

from __future__ import annotations

import platform
import socket
import time
from datetime import UTC, datetime
from typing import Any

import psutil

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.facts import UPTIME_HOURS

# Process names of Acronis components (DOMAIN.md §1.2-1.6); anything running from an Acronis folder counts too.
ACRONIS_PROCESS_NAMES = frozenset({
    "mms", "mms_mini", "acronis_mms", "aakore", "schedul2", "schedhlp", "service_process", "afcdpsrv",
    "anti_ransomware_service", "adp-agent", "cyber-desktop-service", "acp-update-controller", "cred-store",
    "acrocmd", "trueimage", "trueimagehomenotify", "syncagentsrv", "managementserver", "acronis_agent",
})
ACRONIS_PATH_HINTS = ("acronis", "backupclient")


def _is_acronis(name: str, exe: str) -> bool:
    stem = name.lower().removesuffix(".exe")
    return stem in ACRONIS_PROCESS_NAMES or any(h in exe.lower() for h in ACRONIS_PATH_HINTS)


def _acronis_processes() -> tuple[list[dict[str, Any]], int]:
    found, denied = [], 0
    for proc in psutil.process_iter(["pid", "name", "exe", "username", "create_time", "memory_info", "status"]):
        info = proc.info
        if not _is_acronis(info.get("name") or "", info.get("exe") or ""):
            continue
        mem = info.get("memory_info")
        found.append({
            "pid": info["pid"],
            "name": info.get("name"),
            "exe": info.get("exe"),
            "user": info.get("username"),
            "status": info.get("status"),
            "started": datetime.fromtimestamp(info["create_time"], UTC).isoformat(timespec="seconds")
            if info.get("create_time") else None,
            "rss_mb": round(mem.rss / 2**20, 1) if mem else None,
        })
        if info.get("exe") is None:
            denied += 1
    return found, denied


def _disks() -> list[dict[str, Any]]:
    disks = []
    for part in psutil.disk_partitions(all=False):
        entry: dict[str, Any] = {"device": part.device, "mountpoint": part.mountpoint, "fstype": part.fstype,
                                 "options": part.opts}
        try:
            usage = psutil.disk_usage(part.mountpoint)
            entry.update(total_gb=round(usage.total / 2**30, 2), free_gb=round(usage.free / 2**30, 2),
                         used_percent=usage.percent)
        except OSError as exc:
            entry["error"] = exc.strerror or str(exc)
        disks.append(entry)
    return disks


def _network() -> dict[str, Any]:
    stats = psutil.net_if_stats()
    out = {}
    for name, addrs in psutil.net_if_addrs().items():
        st = stats.get(name)
        out[name] = {
            "up": st.isup if st else None,
            "mtu": st.mtu if st else None,
            "addresses": [
                {"family": str(a.family).split(".")[-1], "address": a.address, "netmask": a.netmask}
                for a in addrs
            ],
        }
    return out


def gather() -> tuple[dict[str, Any], list[str]]:
    """System facts as a JSON-ready dict, plus what could not be read."""
    problems: list[str] = []
    vm = psutil.virtual_memory()
    swap = psutil.swap_memory()
    boot = psutil.boot_time()
    procs, denied = _acronis_processes()
    if denied:
        problems.append(f"{denied} Acronis process(es) could not be inspected fully (access denied)")
    uname = platform.uname()
    data = {
        "hostname": socket.gethostname(),
        "os": {"system": uname.system, "release": uname.release, "version": uname.version,
               "machine": uname.machine, "platform": platform.platform()},
        "cpu": {"model": uname.processor or platform.processor(), "logical": psutil.cpu_count(),
                "physical": psutil.cpu_count(logical=False), "load_percent": psutil.cpu_percent(interval=0.2)},
        "memory": {"total_mb": vm.total // 2**20, "available_mb": vm.available // 2**20, "percent": vm.percent,
                   "swap_total_mb": swap.total // 2**20, "swap_used_mb": swap.used // 2**20},
        "boot_time": datetime.fromtimestamp(boot, UTC).isoformat(timespec="seconds"),
        "uptime_hours": round((time.time() - boot) / 3600, 1),
        "disks": _disks(),
        "network": _network(),
        "acronis_processes": procs,
    }
    return data, problems


class SystemInfo(Collector):
    name = "system_info"
    title = "System information"
    description = "Operating system, CPU, memory, disks and free space, uptime, Acronis processes, network."
    needs_live = True
    priority = 5
    timeout_s = 60.0
    tags = ("system",)

    def collect(self, ctx: Context) -> None:
        ctx.progress(None, "reading system facts")
        data, problems = gather()
        for problem in problems:
            ctx.writer.mark_partial(problem)
        ctx.facts.set(UPTIME_HOURS, float(data["uptime_hours"]))
        ctx.writer.add_json("system_info.json", data, source="psutil")
        ctx.progress(1.0, "done")
