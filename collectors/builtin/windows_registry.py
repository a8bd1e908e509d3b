"""The Acronis registry keys as ``.reg`` exports (64- and 32-bit views), secrets masked (DOMAIN §1.7).

``reg export`` writes UTF-16 LE with a BOM; the bundle keeps that encoding so the file still opens in
regedit and in any text editor. Whole values of password/token-named entries are masked before the writer's
own redaction runs (see `mask_registry_secrets`).
"""

from __future__ import annotations

import codecs

from acronis_triage.collectors.base import Collector, NotApplicable
from acronis_triage.collectors.commands import Outcome, run_step
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.textdecode import decode_bytes
from acronis_triage.collectors.windows_support import mask_registry_secrets, scratch_dir

EXPORTS: tuple[tuple[str, str], ...] = (
    (r"HKLM\SOFTWARE\Acronis", "acronis_hklm_software.reg"),
    (r"HKLM\SOFTWARE\WOW6432Node\Acronis", "acronis_hklm_software_wow6432node.reg"),
)
MAX_EXPORT_BYTES = 64 * 1024 * 1024


class WindowsRegistry(Collector):
    name = "windows_registry"
    title = "Acronis registry keys"
    description = "reg export of HKLM\\SOFTWARE\\Acronis and its WOW6432Node twin, with secrets masked."
    platforms = ("windows",)
    needs_live = True
    priority = 20
    timeout_s = 120.0
    expected_duration_s = 3.0
    tags = ("registry", "windows")

    def collect(self, ctx: Context) -> None:
        absent = 0
        with scratch_dir(ctx) as folder:
            for index, (key, filename) in enumerate(EXPORTS):
                ctx.progress(index / len(EXPORTS), f"reg export {key}")
                target = folder / filename
                step = run_step(ctx, ["reg", "export", key, str(target), "/y"], filename + ".log",
                                timeout=60.0, absent_is_normal=True, store=False)
                if step.outcome is Outcome.MISSING:
                    return
                if step.outcome is Outcome.ABSENT:
                    absent += 1
                    continue
                if not step.ok:
                    continue
                if not target.is_file():
                    ctx.writer.skip(key, "reg export reported success but wrote no file")
                    continue
                size = target.stat().st_size
                if size > MAX_EXPORT_BYTES:
                    cap = MAX_EXPORT_BYTES // 2**20
                    ctx.writer.skip(key, f"export of {size // 2**20} MiB is over the {cap} MiB cap")
                    continue
                text = mask_registry_secrets(decode_bytes(target.read_bytes()).lstrip("\ufeff"))
                data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
                ctx.writer.add_bytes(filename, data, source=f"reg export {key}")
        if absent == len(EXPORTS):
            raise NotApplicable("no Acronis registry keys: HKLM\\SOFTWARE\\Acronis does not exist in either view")
        ctx.progress(1.0, "done")
