"""Windows build, hardware, uptime and patches (``systeminfo``, installed updates) and the installed programs."""

from __future__ import annotations

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.commands import Outcome, classify, run_step
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.windows_support import uninstall_entries

WMIC_QFE: tuple[str, ...] = ("wmic", "qfe", "list", "full", "/format:csv")
# wmic is gone from Windows 11 24H2 and Server 2025; Get-HotFix reads the same Win32_QuickFixEngineering.
POWERSHELL_HOTFIX: tuple[str, ...] = (
    "powershell", "-NoProfile", "-NonInteractive", "-Command",
    "Get-HotFix | Select-Object HotFixID,Description,InstalledOn,InstalledBy | ConvertTo-Csv -NoTypeInformation",
)


class WindowsSystemInfo(Collector):
    name = "windows_systeminfo"
    title = "Windows system information"
    description = "systeminfo (OS build, uptime, memory, domain), installed updates and installed programs."
    platforms = ("windows",)
    needs_live = True
    priority = 15
    timeout_s = 180.0
    expected_duration_s = 15.0
    tags = ("system", "windows")

    def collect(self, ctx: Context) -> None:
        ctx.progress(0.0, "systeminfo")
        # systeminfo queries WMI and the network for hotfixes; 60 s covers a slow domain member.
        run_step(ctx, ["systeminfo", "/fo", "csv"], "systeminfo.csv", timeout=60.0)
        ctx.progress(0.4, "installed updates")
        self._hotfixes(ctx)
        ctx.progress(0.7, "installed programs")
        listing = uninstall_entries(ctx)
        for problem in listing.problems:
            ctx.writer.mark_partial(problem)
        if listing.entries:
            programs = sorted(listing.entries, key=lambda e: e["DisplayName"].lower())
            ctx.writer.add_json("installed_programs.json", programs,
                                source="reg query ...\\CurrentVersion\\Uninstall /s (64- and 32-bit)")
        ctx.progress(1.0, "done")

    def _hotfixes(self, ctx: Context) -> None:
        result = ctx.run(list(WMIC_QFE), timeout=60.0)
        outcome, reason = classify(result, ctx.target_os)
        if outcome is Outcome.OK:
            ctx.writer.add_command("installed_updates_wmic.csv", result)
            return
        if outcome is Outcome.MISSING:
            ctx.writer.exclude(result.command, "wmic is not installed (removed in recent Windows); "
                                               "updates taken with PowerShell Get-HotFix instead")
        else:
            ctx.writer.exclude(result.command, f"{reason}; updates taken with PowerShell Get-HotFix instead")
        run_step(ctx, list(POWERSHELL_HOTFIX), "installed_updates_powershell.csv", timeout=60.0)
