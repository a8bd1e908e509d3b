"""Volume Shadow Copy state: writers, providers and shadow storage, as ``vssadmin`` reports them (DOMAIN §5.4, §6.1)."""

from __future__ import annotations

import re
from typing import Any

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.declarative import Command, Gathered

# vss.h VSS_WRITER_STATE: 6..15 are the FAILED_AT_* states; 2..5 are waits, normal around a backup.
FAILED_STATES = range(6, 16)
_QUOTED = re.compile(r"'(?P<name>[^']*)'")
_GUID = re.compile(r"\{[0-9A-Fa-f-]{36}\}")
_STATE = re.compile(r"\[(?P<n>\d+)\]\s*(?P<text>.*)")

WRITERS, PROVIDERS = "vssadmin_list_writers.txt", "vssadmin_list_providers.txt"
# A hung VSS service makes vssadmin wait forever; 45 s is far above a healthy run (< 2 s).
VSSADMIN_TIMEOUT_S = 45.0


def _value(line: str) -> str:
    return line.split(":", 1)[1].strip() if ":" in line else line.strip()


def parse_writers(text: str) -> list[dict[str, Any]]:
    """Writers from ``vssadmin list writers``, read by layout (quoted name, GUIDs, ``[n]``), not by words.

    The labels are localized; the structure is not: a flush-left line with the quoted name, then indented
    lines with the writer id, the instance id, the ``[n]`` state and the last error, in that order.
    """
    writers: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    after_state = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if not line[0].isspace():
            m = _QUOTED.search(line)
            current = {"name": m.group("name")} if m else None
            if current is not None:
                writers.append(current)
            after_state = False
            continue
        if current is None:
            continue
        guid = _GUID.search(line)
        state = _STATE.search(line)
        if state and "state" not in current:
            current["state"] = int(state.group("n"))
            current["state_text"] = state.group("text").strip()
            current["failed"] = current["state"] in FAILED_STATES
            after_state = True
        elif after_state and "last_error" not in current:
            current["last_error"] = _value(line)
            after_state = False
        elif guid and "id" not in current:
            current["id"] = guid.group(0)
        elif guid and "instance_id" not in current:
            current["instance_id"] = guid.group(0)
    return writers


def parse_providers(text: str) -> list[dict[str, str]]:
    providers: list[dict[str, str]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if line and not line[0].isspace() and (m := _QUOTED.search(line)):
            providers.append({"name": m.group("name")})
        elif providers and line.strip():
            guid = _GUID.search(line)
            if guid and "id" not in providers[-1]:
                providers[-1]["id"] = guid.group(0)
            elif "type" not in providers[-1]:
                providers[-1]["type"] = _value(line)
            elif "version" not in providers[-1] and not guid:
                providers[-1]["version"] = _value(line)
    return providers


class WindowsVss(Collector):
    name = "windows_vss"
    title = "VSS writers and providers"
    description = "vssadmin list writers, providers and shadowstorage, with failed writers picked out."
    platforms = ("windows",)
    needs_live = True
    needs_admin = True  # vssadmin: "You don't have the correct permissions to run this command."
    priority = 10  # the commonest backup failure cause; quick
    timeout_s = 150.0
    expected_duration_s = 5.0
    tags = ("vss", "windows")

    # "No items found" (no shadow storage) is a finding. Refused once, the others are not asked (the skip says why).
    commands = tuple(
        Command(("vssadmin", "list", what), output, VSSADMIN_TIMEOUT_S, needs_admin=True, absent_is_normal=True)
        for what, output in (("writers", WRITERS), ("providers", PROVIDERS),
                             ("shadowstorage", "vssadmin_list_shadowstorage.txt"))
    )

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        summary: dict[str, Any] = {}
        if writers_step := gathered.ok(WRITERS):
            writers = parse_writers(writers_step.text())
            summary["writers"] = writers
            summary["failed_writers"] = [w["name"] for w in writers if w.get("failed")]
        if providers_step := gathered.ok(PROVIDERS):
            providers = parse_providers(providers_step.text())
            summary["providers"] = providers
            summary["third_party_providers"] = [
                p["name"] for p in providers if not p["name"].lower().startswith("microsoft")]
        if summary:
            ctx.writer.add_json("vss_summary.json", summary, source="parsed from vssadmin output")
