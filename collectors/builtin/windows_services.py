"""Acronis services: state, start type, account and binary, from the service manager (DOMAIN §1.5, §1.6)."""

from __future__ import annotations

import re
from typing import Any

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import Outcome, run_step
from acronis_triage.collectors.context import Context

# Short names for `sc`: agent (MMS, aakore, scheduler, protection) and True Image / Home Office services.
KNOWN_SERVICES: tuple[str, ...] = (
    "MMS", "aakore", "AcrSch2Svc", "mmsminisrv", "afcdpsrv", "AcronisActiveProtectionService",
    "AcronisCyberProtectionService", "syncagentsrv",
)
ACRONIS_HINTS: tuple[str, ...] = ("acronis", "backupclient", "acrsch", "aakore", "mms_mini")
_STATE = re.compile(r"^\s*STATE\s*:\s*(?P<code>\d+)\s+(?P<name>\w+)", re.MULTILINE)


def is_acronis(info: dict[str, Any]) -> bool:
    if str(info.get("name", "")).lower() in {s.lower() for s in KNOWN_SERVICES}:
        return True
    blob = " ".join(str(info.get(k) or "") for k in ("name", "display_name", "binpath")).lower()
    return any(h in blob for h in ACRONIS_HINTS)


def psutil_services() -> tuple[list[dict[str, Any]] | None, str]:
    """Acronis services via psutil, or None and the reason when the service API is not available."""
    try:
        import psutil

        # typeshed declares it for win32 only; the AttributeError below is the real check on other builds.
        iterate = psutil.win_service_iter  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, AttributeError):
        return None, "psutil has no Windows service API in this build"
    found: list[dict[str, Any]] = []
    try:
        services = list(iterate())
    except OSError as exc:
        return None, f"cannot list services: {exc}"
    for svc in services:
        try:
            info = svc.as_dict()
        except Exception as exc:  # noqa: BLE001 - psutil raises AccessDenied/NoSuchProcess per service
            info = {"name": getattr(svc, "name", lambda: "?")(), "error": f"{type(exc).__name__}: {exc}"}
        if is_acronis(info):
            found.append(info)
    return found, ""


def sc_state(text: str) -> str:
    m = _STATE.search(text)
    return m.group("name") if m else ""


class WindowsServices(Collector):
    name = "windows_services"
    title = "Acronis services"
    description = "State, start type, account and path of every Acronis service (psutil and sc query/qc)."
    platforms = ("windows",)
    needs_live = True
    priority = 8
    timeout_s = 120.0
    expected_duration_s = 3.0
    tags = ("services", "windows")

    def collect(self, ctx: Context) -> None:
        ctx.progress(None, "listing services")
        services, why_not = psutil_services()
        if services is None:
            ctx.writer.skip("service list (psutil)", why_not)
        else:
            ctx.writer.add_json("acronis_services.json", services, source="psutil.win_service_iter")
        states: dict[str, str] = {}
        for index, svc in enumerate(KNOWN_SERVICES):
            ctx.progress(index / len(KNOWN_SERVICES), f"sc query {svc}")
            step = run_step(ctx, ["sc", "query", svc], f"sc_query_{svc}.txt", timeout=15.0,
                            absent_is_normal=True)
            if step.outcome is Outcome.MISSING:
                break
            if step.outcome is Outcome.ABSENT:
                states[svc] = "not installed"
                continue
            states[svc] = sc_state(step.text()) or "unknown"
            # sc qc shows start type and dependencies (KB 69867: MMS waiting on the scheduler).
            run_step(ctx, ["sc", "qc", svc], f"sc_qc_{svc}.txt", timeout=15.0)
        ctx.writer.add_json("service_states.json", states, source="sc query")
        ctx.progress(1.0, "done")
