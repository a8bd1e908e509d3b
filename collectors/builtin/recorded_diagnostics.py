"""Command outputs recorded on the machine an offline root was copied from (``<root>/_recorded/``).

An offline root has no live system to run ``vssadmin`` or ``reg query`` on; when whoever copied it also
recorded those outputs (the embedded demo does), they are as good as a live run and the analysis needs them.
``_recorded/index.json`` names each command, its output file and return code, plus the machine name and
the capture time.
"""

from __future__ import annotations

import json
from typing import Any

from collectors.base import APPLICABLE, Applicability, Collector, not_applicable
from collectors.context import Context
from collectors.windows_support import parse_reg_query

INDEX = "_recorded/index.json"
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
        if not (ctx.root.path / INDEX).is_file():
            return not_applicable(f"this offline root has no {INDEX}")
        return APPLICABLE

    def collect(self, ctx: Context) -> None:
        index_path = ctx.root.path / INDEX
        try:
            index: dict[str, Any] = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            ctx.writer.skip(INDEX, f"unreadable: {exc}")
            return
        for key in ("hostname", "captured", "os"):
            if isinstance(index.get(key), str):
                ctx.facts.set(key if key != "os" else "os_description", index[key])
        ctx.writer.add_file(index_path, "index.json", display=INDEX, structured=True)
        commands = index.get("commands") or []
        for n, entry in enumerate(commands):
            ctx.cancel.raise_if_cancelled()
            argv = [str(a) for a in entry.get("argv", [])]
            out = entry.get("stdout")
            if not argv or not isinstance(out, str) or "/" in out or "\\" in out:
                ctx.writer.skip(f"{INDEX} entry {n}", "needs argv and a plain output file name")
                continue
            path = ctx.root.path / "_recorded" / out
            if not path.is_file():
                ctx.writer.skip(" ".join(argv), f"recorded output {out} is missing")
                continue
            ctx.progress((n + 1) / max(1, len(commands)), " ".join(argv))
            ctx.writer.add_file(path, out, display=f"recorded: {' '.join(argv)} (exit {entry.get('returncode')})")
            if argv[:2] == ["reg", "query"] and argv[2:3] and argv[2].lower().endswith("machinemanager"):
                self._identifiers(ctx, path.read_bytes())

    @staticmethod
    def _identifiers(ctx: Context, data: bytes) -> None:
        from collectors.textdecode import decode_bytes

        for key in parse_reg_query(decode_bytes(data)):
            for value in key.values:
                if value.name in IDENTIFIER_VALUES and value.data:
                    ctx.facts.set_identifier(value.name, value.data)
