"""Installed Acronis packages on Linux, from the RPM or dpkg database (DOMAIN §6.2)."""

from __future__ import annotations

import re

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import MAX_S, is_missing, store_filtered
from acronis_triage.collectors.context import Context

ACRONIS_PACKAGES = re.compile(r"(?i)acronis|snapapi|file.?protector|backupandrecovery|aakore|cyber.?protect")
DPKG_HEADER_LINES = 5


class LinuxPackages(Collector):
    name = "linux_packages"
    title = "Acronis packages (rpm/dpkg)"
    description = "Acronis, SnapAPI and file_protector packages in the RPM or dpkg database, with versions."
    platforms = ("linux",)
    needs_live = True
    priority = 18
    timeout_s = 150.0
    expected_duration_s = 5.0
    tags = ("packages", "linux")

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "rpm -qa")
        rpm = ctx.run(("rpm", "-qa"), timeout=MAX_S)
        ctx.progress(0.5, "dpkg -l")
        # Old dpkg cuts columns to the terminal width, and there is no terminal here.
        dpkg = ctx.run(("dpkg", "-l"), timeout=MAX_S, env={"COLUMNS": "250"})
        ran = [r for r in (rpm, dpkg) if not is_missing(r)]
        if not ran:
            for result in (rpm, dpkg):
                ctx.writer.skip(result.command, result.error)
            return
        for result, name, header in ((rpm, "rpm_qa_acronis.txt", 0), (dpkg, "dpkg_l_acronis.txt", DPKG_HEADER_LINES)):
            if is_missing(result):
                other = "dpkg" if result is rpm else "rpm"
                ctx.writer.exclude(result.command, f"{result.error}; this system keeps packages with {other}")
                continue
            if result.error:
                ctx.writer.skip(result.command, result.error)
                continue
            store_filtered(ctx, name, result, ACRONIS_PACKAGES, keep_header_lines=header)
        ctx.progress(1.0, "done")

