"""Acronis' own system report: ``acrocmd sysinfo --loc=<folder>`` (DOMAIN §3), its zip added with the text redacted.

Support asks for this report first; we wrap it rather than re-implement it. It takes minutes, so it is
tagged ``slow`` with its expected duration, and the end-user mode leaves it off.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from acronis_triage.collectors.base import APPLICABLE, SLOW, Applicability, Collector, CollectorFailed, not_applicable
from acronis_triage.collectors.commands import first_line
from acronis_triage.collectors.context import Context
from acronis_triage.collectors.runner import CommandResult
from acronis_triage.collectors.sysroot import SystemRoot

# Install locations differ by product generation and edition: glob, never trust one path.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "windows": (
        r"%ProgramFiles%\BackupClient\CommandLineTool\acrocmd.exe",
        r"%ProgramFiles%\Acronis\CommandLineTool\acrocmd.exe",
        r"%ProgramFiles%\*\CommandLineTool\acrocmd.exe",
        r"%ProgramFiles(x86)%\Acronis\CommandLineTool\acrocmd.exe",
    ),
    "linux": (
        "/usr/sbin/acrocmd",
        "/usr/lib/Acronis/CommandLineTool/acrocmd",
        "/usr/lib/Acronis/*/acrocmd",
        "/opt/acronis/bin/acrocmd",
    ),
}
COMMAND_TIMEOUT_S = 840.0  # the documented slow command: sysinfo gathers logs, dumps and the registry

GENERIC_ERROR = "An error occurred while executing the command."
_CODE = re.compile(r"^\s+Error:\s*(?P<code>0x[0-9A-Fa-f]+)")
_MODULE = re.compile(r'^\s+\$module\s*=\s*"(?P<module>[^"]*)"')


@dataclass
class AcrocmdError:
    message: str
    code: str = ""
    module: str = ""

    def describe(self) -> str:
        extra = ", ".join(x for x in (f"error {self.code}" if self.code else "", self.module) if x)
        return f"{self.message} ({extra})" if extra else self.message


def parse_acrocmd_errors(text: str) -> list[AcrocmdError]:
    """acrocmd's error chain, outermost first: a message line, then indented ``Error:`` and ``$module`` lines."""
    errors: list[AcrocmdError] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if m := _CODE.match(line):
            if errors and not errors[-1].code:
                errors[-1].code = m["code"]
        elif m := _MODULE.match(line):
            if errors and not errors[-1].module:
                errors[-1].module = m["module"]
        elif not line[0].isspace():
            errors.append(AcrocmdError(line.strip()))
    return [e for e in errors if e.code]


def failure_reason(result: CommandResult) -> str:
    """Why ``acrocmd sysinfo`` failed, innermost cause first; '' when it reports no error."""
    errors = parse_acrocmd_errors((result.stdout + b"\n" + result.stderr).decode("utf-8", "replace"))
    if errors:
        inner = [e for e in errors if e.message != GENERIC_ERROR] or errors
        reason = f"acrocmd sysinfo failed: {inner[-1].describe()}"
        wrappers = [e.code for e in errors if e is not inner[-1]]
        return reason + (f"; reported through {', '.join(wrappers)}" if wrappers else "")
    if result.timed_out:
        return f"acrocmd sysinfo did not finish in {COMMAND_TIMEOUT_S:.0f} s; its process tree was killed"
    if result.error:
        return f"acrocmd sysinfo could not run: {result.error}"
    if result.returncode not in (0, None):
        text = (result.stdout + b"\n" + result.stderr).decode("utf-8", "replace")
        detail = first_line(text)
        return f"acrocmd sysinfo exited with code {result.returncode}" + (f": {detail}" if detail else "")
    return ""


def find_acrocmd(root: SystemRoot) -> Path | None:
    for pattern in CANDIDATES.get(root.os, ()):
        files = root.glob(pattern).files()
        if files:
            return files[0]
    if root.live and root.path == SystemRoot.live_system().path:
        found = shutil.which("acrocmd")
        if found:
            return Path(found)
    return None


class AcronisSysinfo(Collector):
    name = "acronis_sysinfo"
    title = "Acronis system report (acrocmd sysinfo)"
    description = "Runs Acronis' own system report (acrocmd sysinfo) and adds its zip, secrets masked. Takes minutes."
    platforms = ("windows", "linux")
    needs_live = True
    needs_admin = True
    priority = 90
    timeout_s = 900.0
    expected_duration_s = 300.0
    tags = ("acronis", "sysinfo", SLOW)

    def __init__(self) -> None:
        self.acrocmd: Path | None = None

    def is_applicable(self, ctx: Context) -> Applicability:
        self.acrocmd = find_acrocmd(ctx.root)
        if self.acrocmd is None:
            where = "; ".join(CANDIDATES.get(ctx.target_os, ()))
            return not_applicable(f"acrocmd (the Acronis command-line tool) is not installed: not in {where} "
                                  "nor on PATH; use 'Collect system information' in the console instead")
        return APPLICABLE

    def collect(self, ctx: Context) -> None:
        acrocmd = self.acrocmd or find_acrocmd(ctx.root)
        if acrocmd is None:
            raise CollectorFailed("acrocmd disappeared before it could run")
        loc = Path(tempfile.mkdtemp(prefix="acronis-triage-sysinfo-"))
        try:
            ctx.progress(None, f"acrocmd sysinfo (about {self.expected_duration_s / 60:.0f} min)")
            result = ctx.run((str(acrocmd), "sysinfo", f"--loc={loc}"), timeout=COMMAND_TIMEOUT_S)
            ctx.writer.add_command("acrocmd_sysinfo_output.txt", result)
            produced = sorted(p for p in loc.rglob("*") if p.is_file())
            reports = [p for p in produced if p.suffix.lower() == ".zip"] or produced
            for path in reports:
                # The report holds the same logs and configs our collectors redact: its text is redacted too.
                ctx.writer.add_zip_redacted(path, path.relative_to(loc).as_posix(),
                                            display=f"acrocmd sysinfo: {path.name}")
            reason = failure_reason(result)
            if not reports:
                raise CollectorFailed(reason or f"acrocmd sysinfo reported success but wrote nothing in {loc}")
            if reason:
                ctx.writer.mark_partial(reason)
        finally:
            shutil.rmtree(loc, ignore_errors=True)
        ctx.progress(1.0, "done")
