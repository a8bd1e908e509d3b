"""Helpers shared by the Linux and macOS command collectors (both are POSIX shells of commands).

Every command output lands in the bundle under a file named for what it is (``uname_a.txt``), with the
header `ArtifactWriter.add_command` writes. Filtered outputs get the same kind of header, naming the filter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from collectors.context import Context
from collectors.runner import CommandResult

QUICK_S = 15.0  # uname, cat, lsmod ...: answer at once or are stuck
NORMAL_S = 30.0
MAX_S = 60.0  # the per-command ceiling (ANCHORS §5.1); only documented slow commands go past it

NOT_FOUND = "command not found"
# What tools print when they lack rights; the wording differs between util-linux, kmod, systemd and macOS.
_DENIED = re.compile(
    r"(?i)operation not permitted|permission denied|access denied|must be (?:root|admin)|"
    r"not authorized|requires root|insufficient privileges"
)


def is_missing(result: CommandResult) -> bool:
    return result.error.startswith(NOT_FOUND)


def is_denied(result: CommandResult) -> bool:
    if result.ok:
        return False
    text = (result.stderr + b"\n" + result.stdout[:2000]).decode("utf-8", "replace")
    return bool(_DENIED.search(text))


def run_and_store(ctx: Context, argv: Sequence[str], name: str, *, timeout: float = NORMAL_S,
                  max_output: int | None = None) -> CommandResult:
    """Run one command and store its output; a missing program becomes a skip, never an error."""
    kwargs = {"max_output": max_output} if max_output else {}
    result = ctx.run(argv, timeout=timeout, **kwargs)
    ctx.writer.add_command(name, result)
    return result


def first_line(data: bytes | str, limit: int = 200) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


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


def problem_of(result: CommandResult) -> str:
    """Why a command did not give a usable answer, in one line ('' when it did)."""
    if result.ok:
        return ""
    if result.error or result.timed_out or result.cancelled:
        return result.describe()
    detail = first_line(result.stderr) or first_line(result.stdout)
    return f"{result.describe()}: {detail}" if detail else result.describe()
