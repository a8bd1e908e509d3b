"""Running the system's own tools for a collector, and what their answers mean.

Tools on every OS say "not installed", "not allowed" or "no such thing" in many ways (error results, exit
codes, stderr, localized text); every collector needs the same verdict, so it is decided here once. Reasons
are written for the technician. Each command output lands in the bundle under a file named for what it is
(``uname_a.txt``), with the header `ArtifactWriter.add_command` writes; filtered outputs get the same kind
of header, naming the filter.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from acronis_triage.collectors.context import Context
from acronis_triage.collectors.runner import CommandResult

QUICK_S = 15.0  # uname, cat, lsmod ...: answer at once or are stuck
NORMAL_S = 30.0
MAX_S = 60.0  # the per-command ceiling (ANCHORS §5.1); only documented slow commands go past it

NOT_FOUND = "command not found"
# Windows ships its tools with the OS, so a missing one means an older or cut-down edition; on Linux and
# macOS a missing tool is just a package nobody installed, which the error already says.
_MISSING_HINT = {"windows": "not available on this Windows version"}

# Denial texts: Windows tools in English and the commonest localizations plus the HRESULT, then the
# wordings of util-linux, kmod, systemd and macOS tools.
_DENIED = re.compile(
    r"access is denied|access denied|don't have the correct permissions|requires elevation|"
    r"run as administrator|administrative privileges|"
    r"zugriff verweigert|acc[eè]s refus[ée]|accesso negato|acceso denegado|"
    r"0x80070005|FAILED 5:|"
    r"operation not permitted|permission denied|must be (?:root|admin)|not authorized|requires root|"
    r"insufficient privileges",
    re.IGNORECASE,
)
# "It is not there": a registry key, a service or an event that does not exist. Not a failure of the collector.
_ABSENT = re.compile(
    r"unable to find the specified registry key|does not exist as an installed service|FAILED 1060|"
    r"No items found that satisfy the query|No events were found",
    re.IGNORECASE,
)
# Only a failing or a short output can be a refusal; a long listing merely mentioning the words is data.
_SHORT_OUTPUT = 4096


class Outcome(enum.Enum):
    OK = "ok"
    MISSING = "missing"  # the program is not on this machine
    DENIED = "denied"  # it ran, and refused: not elevated / not root
    ABSENT = "absent"  # it ran, and what we asked for does not exist
    TIMED_OUT = "timed_out"
    FAILED = "failed"


def first_line(data: bytes | str, limit: int = 200) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def _matching_line(pattern: re.Pattern[str], text: str) -> str:
    """The tool's own sentence that matched, e.g. "Error: You don't have the correct permissions ..."."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if pattern.search(line):
            # "... FAILED 1060:" and "0x80070005" put the readable sentence on the next line.
            wants_next = line.endswith(":") or re.fullmatch(r".*0x[0-9A-Fa-f]{8}", line)
            if wants_next and index + 1 < len(lines):
                return f"{line} {lines[index + 1]}"[:240]
            return line[:240]
    return first_line(text)


def is_missing(result: CommandResult) -> bool:
    return result.error.startswith(NOT_FOUND)


def problem_of(result: CommandResult) -> str:
    """Why a command did not give a usable answer, in one line ('' when it did)."""
    if result.ok:
        return ""
    if result.error or result.timed_out or result.cancelled:
        return result.describe()
    detail = first_line(result.stderr) or first_line(result.text())
    return f"{result.describe()}: {detail}" if detail else result.describe()


def classify(result: CommandResult, os_name: str = "") -> tuple[Outcome, str]:
    """What a finished command means, with a one-line reason for the manifest.

    ``os_name`` (the examined system's) only words the reason for a missing program.
    """
    if is_missing(result):
        hint = _MISSING_HINT.get(os_name)
        return Outcome.MISSING, f"{result.error} ({hint})" if hint else result.error
    if result.timed_out and not result.error:
        return Outcome.TIMED_OUT, problem_of(result)
    if result.error or result.cancelled:
        return Outcome.FAILED, problem_of(result)
    out = result.text()
    if result.returncode != 0 or len(out) < _SHORT_OUTPUT:
        err = result.stderr.decode("utf-8", errors="replace") if result.stderr else ""
        # A failing tool that printed a long listing first puts its refusal at the start or in stderr.
        both = f"{out[:_SHORT_OUTPUT]}\n{err}"
        if _DENIED.search(both):
            return Outcome.DENIED, f"needs administrator rights: {_matching_line(_DENIED, both)}"
        if _ABSENT.search(both):
            return Outcome.ABSENT, _matching_line(_ABSENT, both)
    if result.returncode != 0:
        return Outcome.FAILED, problem_of(result)
    return Outcome.OK, ""


def is_denied(result: CommandResult) -> bool:
    """A command that failed for want of rights (a successful one is never a refusal here)."""
    return not result.ok and classify(result)[0] is Outcome.DENIED


@dataclass
class Step:
    result: CommandResult
    outcome: Outcome
    reason: str

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def text(self) -> str:
        return self.result.text()


def run_step(ctx: Context, argv: Sequence[str], name: str, *, timeout: float = NORMAL_S,
             max_output: int | None = None, absent_is_normal: bool = False, store: bool = True,
             judge: bool = True, mask: Callable[[str], str] | None = None) -> Step:
    """Run one command and file its output under ``name``; a missing program becomes a skip.

    With ``judge`` (the default) a refusal is a skip too, and a command that ran but failed is still stored
    (its output is evidence) and makes the collector partial. ``judge=False`` stores whatever the command
    answered and leaves the verdict to the caller: a failing ``systemctl status`` of a unit that does not
    exist, or ``modinfo`` of a module that is not built, is the finding, not a failure of the collector.
    ``absent_is_normal``: "no such key/service/item" is a finding, recorded as an exclusion (with the tool's
    words as the reason), not a failure, and no empty output file is stored for it.
    ``mask``: rewrites the output text before it is judged or stored (whole registry secret values).
    A timeout always makes the collector partial (the writer sees to that when it stores the output).
    """
    kwargs = {"max_output": max_output} if max_output else {}
    result = ctx.run(argv, timeout=timeout, **kwargs)
    if mask is not None and result.stdout:
        text = result.text()
        masked = mask(text)
        if masked != text:
            result = replace(result, stdout=masked.encode("utf-8"))
    outcome, reason = classify(result, ctx.target_os)
    if outcome is Outcome.MISSING or (judge and outcome is Outcome.DENIED):
        ctx.writer.skip(result.command, reason)
        return Step(result, outcome, reason)
    if outcome is Outcome.ABSENT and absent_is_normal:
        ctx.writer.exclude(result.command, reason)
        return Step(result, outcome, reason)
    if store:
        ctx.writer.add_command(name, result)
    if judge and outcome in (Outcome.FAILED, Outcome.ABSENT):
        ctx.writer.mark_partial(f"{result.command}: {reason}")
    return Step(result, outcome, reason)


def run_and_store(ctx: Context, argv: Sequence[str], name: str, *, timeout: float = NORMAL_S,
                  max_output: int | None = None) -> CommandResult:
    """`run_step` without a verdict, for callers that read the result themselves."""
    return run_step(ctx, argv, name, timeout=timeout, max_output=max_output, judge=False).result


def store_filtered(ctx: Context, name: str, result: CommandResult, pattern: re.Pattern[str],
                   *, keep_header_lines: int = 0) -> list[str]:
    """Store only the lines of a command's output that match ``pattern``; returns them.

    The header says which filter was applied and how many lines it kept, so nobody mistakes the excerpt
    for the whole output.
    """
    lines = result.text().splitlines()
    head = lines[:keep_header_lines]
    kept = [line for line in lines[keep_header_lines:] if pattern.search(line)]
    header = (
        f"# command: {result.command}\n"
        f"# result: {result.describe()}; {result.duration_s:.2f} s"
        f"{'; output truncated' if result.truncated or result.timed_out else ''}\n"
        f"# filter: lines matching /{pattern.pattern}/ ({len(kept)} of "
        f"{max(len(lines) - keep_header_lines, 0)} lines kept)\n\n"
    )
    ctx.writer.add_text(name, header + "\n".join([*head, *kept]) + ("\n" if head or kept else ""),
                        source=result.command)
    if result.timed_out:
        ctx.writer.mark_partial(f"{result.command}: {result.describe()}")
    return kept
