"""Command outputs recorded on the machine an offline root was copied from (``<root>/_recorded/``).

An offline root has no live system to run ``vssadmin`` or ``reg query`` on; when whoever copied it also
recorded those outputs (the embedded demo does), they are as good as a live run and the analysis needs them.
``_recorded/index.json`` names each command, its output file and return code, plus the machine name and
the capture time. Every file is read through the root's guard: an output that is a link out of the root (to the
examiner's ``/etc/shadow``, say), a named pipe or a loop is refused and reported, never copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acronis_triage.collectors.base import APPLICABLE, Applicability, Collector, not_applicable
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.facts import CAPTURED, HOSTNAME, OS_DESCRIPTION
from acronis_triage.collectors.sysroot import refusal_reason
from acronis_triage.collectors.windows_support import parse_reg_query

INDEX = "_recorded/index.json"
MAX_INDEX_BYTES = 4 * 1024 * 1024
IDENTIFIER_VALUES = ("MMSCurrentMachineID", "InstanceID")


class RecordedDiagnostics(Collector):
    name = "recorded_diagnostics"
    title = "Recorded diagnostics (offline root)"
    description = "Command outputs recorded on the original machine of an offline root (vssadmin, sc, reg ...)."
    priority = 1
    timeout_s = 60.0
    tags = ("offline",)

    def is_applicable(self, ctx: Context) -> Applicability:
        if ctx.root.live:
            return not_applicable("only for offline roots; the live system runs the commands itself")
        try:
            present = ctx.root.kind(ctx.root.path / INDEX) == "file"
        except OSError:
            present = True  # refused or unreadable: collect() says why in the manifest
        if not present:
            return not_applicable(f"this offline root has no {INDEX}")
        return APPLICABLE

    def collect(self, ctx: Context) -> None:
        index_path = ctx.root.path / INDEX
        try:
            index: dict[str, Any] = json.loads(ctx.root.read_bytes(index_path, MAX_INDEX_BYTES).decode("utf-8"))
        except OSError as exc:
            ctx.writer.skip(ctx.root.display(index_path), refusal_reason(exc))
            return
        except ValueError as exc:
            ctx.writer.skip(INDEX, f"unreadable: {exc}")
            return
        if not isinstance(index, dict):
            ctx.writer.skip(INDEX, "unreadable: not a JSON object")
            return
        hostname, captured, os_description = (index.get(k) for k in ("hostname", "captured", "os"))
        if isinstance(hostname, str):
            ctx.facts.set(HOSTNAME, hostname)
        if isinstance(captured, str):
            ctx.facts.set(CAPTURED, captured)
        if isinstance(os_description, str):
            ctx.facts.set(OS_DESCRIPTION, os_description)
        ctx.writer.add_file(index_path, "index.json", display=INDEX, structured=True)
        commands = index.get("commands")
        commands = commands if isinstance(commands, list) else []
        for n, entry in enumerate(commands):
            ctx.cancel.raise_if_cancelled()
            entry = entry if isinstance(entry, dict) else {}
            argv = [str(a) for a in entry.get("argv", [])] if isinstance(entry.get("argv"), list) else []
            out = entry.get("stdout")
            if not argv or not isinstance(out, str) or "/" in out or "\\" in out:
                ctx.writer.skip(f"{INDEX} entry {n}", "needs argv and a plain output file name")
                continue
            path = ctx.root.path / "_recorded" / out
            try:
                if ctx.root.kind(path) != "file":
                    ctx.writer.skip(" ".join(argv), f"recorded output {out} is missing")
                    continue
            except OSError as exc:
                ctx.writer.skip(ctx.root.display(path), refusal_reason(exc))
                continue
            ctx.progress((n + 1) / max(1, len(commands)), " ".join(argv))
            rec = ctx.writer.add_file(path, out,
                                      display=f"recorded: {' '.join(argv)} (exit {entry.get('returncode')})")
            if rec is not None and argv[:2] == ["reg", "query"] and argv[2:3] and \
                    argv[2].lower().endswith("machinemanager"):
                self._identifiers(ctx, path)

    @staticmethod
    def _identifiers(ctx: Context, path: Path) -> None:
        from acronis_triage.collectors.textdecode import decode_bytes

        try:
            data = ctx.root.read_bytes(path, MAX_INDEX_BYTES)
        except OSError as exc:
            ctx.writer.skip(ctx.root.display(path), refusal_reason(exc))
            return
        for key in parse_reg_query(decode_bytes(data)):
            for value in key.values:
                if value.name in IDENTIFIER_VALUES and value.data:
                    ctx.facts.set_identifier(value.name, value.data)
