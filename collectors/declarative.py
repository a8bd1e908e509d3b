"""What a collector gathers, said as data: files and globs to copy, commands to run (sos's ``add_copy_spec`` and
``add_cmd_output``), and the framework that takes them.

A collector lists `Files` and `Command` entries as class attributes; `gather` runs them in the order declared,
each command under its own timeout, on its platforms and only with the rights it needs, reports progress, and
files every output under the collector's folder with the header and manifest entry the writer gives it. What the
outputs mean (a summary JSON, a fact for later collectors) is the collector's `interpret` method, which receives
each command's `Step` by output name. A collector whose work cannot be said this way overrides ``collect()``.

Rules the framework applies to every declared command, so no collector has to repeat them:

* a program found missing is not started again by this collector (its first skip says why);
* after a command needing administrator rights was refused for want of them, the later ones needing them are not
  run (they would be refused the same way; the first skip says why);
* without administrator rights a command that needs them is not started and is listed as excluded, with why;
* a command for other platforms is left out silently; a fallback runs only when its command timed out or did
  not run at all (`When`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from acronis_triage.collectors.acronis_locations import CONFIG, STRUCTURED, Finder, Location, bundle_name
from acronis_triage.collectors.base import NotApplicable
from acronis_triage.collectors.commands import NORMAL_S, Outcome, Step, run_step
from acronis_triage.collectors.runner import CommandResult

if TYPE_CHECKING:
    from acronis_triage.collectors.base import Collector
    from acronis_triage.collectors.context import Context

ADMIN_REASON = "needs administrator rights"


class When(enum.Enum):
    """When a command's fallback runs."""

    TIMED_OUT = "timed out"  # e.g. df hung on a dead network mount: ask only the local file systems
    DID_NOT_RUN = "did not run"  # the program is missing or could not start: ask another one

    def holds(self, result: CommandResult) -> bool:
        return result.timed_out if self is When.TIMED_OUT else bool(result.error)


@dataclass(frozen=True)
class Command:
    """One command whose output goes into the bundle as ``output``.

    Attributes:
        argv: the command line, program first.
        output: the file name under ``collected/<collector>/``; also the key of its `Step` in `interpret`.
        timeout: seconds before its process tree is killed (``collectors.commands``: QUICK_S, NORMAL_S, MAX_S).
        platforms: target systems it runs on; empty: every platform of the collector.
        needs_admin: not started without administrator (root) rights; listed as excluded instead.
        judge: True: a refusal is a skip and a failure makes the collector partial (`run_step`); False: whatever
            the command answered is stored and the verdict is left to `interpret`.
        absent_is_normal: "no such key/service/item" is a finding (an exclusion), not a failure.
        max_output: bytes of output kept; default the runner's cap.
        fallback: a command run when this one's result meets ``fallback_when``.
        label: the progress text; default the command line.
    """

    argv: tuple[str, ...]
    output: str
    timeout: float = NORMAL_S
    platforms: tuple[str, ...] = ()
    needs_admin: bool = False
    judge: bool = True
    absent_is_normal: bool = False
    max_output: int | None = None
    fallback: Command | None = None
    fallback_when: When = When.DID_NOT_RUN
    label: str = ""

    @property
    def line(self) -> str:
        return " ".join(self.argv)


@dataclass(frozen=True)
class Files:
    """Files on the target matched by a glob (``**`` allowed, ``%ProgramData%``-style variables expanded), taken
    whole (``structured``) or keeping their tail up to ``max_bytes``, each under its path on the target.

    The search goes through the root's guard and the exclusions of ``collectors.acronis_locations``: no link out
    of the root, no key material, no bundle of this tool; what is refused is a skip with the reason.
    """

    pattern: str
    description: str
    platforms: tuple[str, ...] = ()
    product: str = ""
    structured: bool = True
    max_bytes: int | None = None

    @classmethod
    def at(cls, location: Location) -> Files:
        """The files of one row of the Acronis locations table."""
        return cls(location.pattern, location.description, (location.os,), location.product,
                   structured=location.kind in (CONFIG, STRUCTURED))


@dataclass
class Gathered:
    """What `gather` did: each command's step by output name, and the files it took."""

    steps: dict[str, Step] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    matched: int = 0  # files the globs met, taken or not

    def ok(self, output: str) -> Step | None:
        """The step of a command that answered, or None."""
        step = self.steps.get(output)
        return step if step is not None and step.ok else None


def _applies(platforms: tuple[str, ...], ctx: Context) -> bool:
    return not platforms or ctx.target_os in platforms


def gather(collector: Collector, ctx: Context) -> Gathered:
    """Take every `Files` and `Command` the collector declares, in that order."""
    done = Gathered()
    files = [f for f in collector.files if _applies(f.platforms, ctx)]
    commands = [c for c in collector.commands if _applies(c.platforms, ctx)]
    if files:
        _take_files(ctx, files, done)
        if not done.matched and collector.nothing_found:
            raise NotApplicable(collector.nothing_found)
        if collector.file_index:
            ctx.writer.add_json("index.json", {"files": done.files}, source="acronis-triage")
    missing: set[str] = set()
    denied = False
    for position, command in enumerate(commands):
        ctx.cancel.raise_if_cancelled()
        ctx.progress(position / len(commands), command.label or command.line)
        step = _run(ctx, command, missing, denied)
        if step is None:
            continue
        done.steps[command.output] = step
        denied = denied or (command.needs_admin and step.outcome is Outcome.DENIED)
        if command.fallback is not None and command.fallback_when.holds(step.result):
            backup = _run(ctx, command.fallback, missing, denied)
            if backup is not None:
                done.steps[command.fallback.output] = backup
    return done


def _run(ctx: Context, command: Command, missing: set[str], denied: bool) -> Step | None:
    if command.argv[0] in missing or (denied and command.needs_admin):
        return None
    if command.needs_admin and not ctx.facts.is_admin:
        ctx.writer.exclude(command.line, ADMIN_REASON)
        return None
    step = run_step(ctx, command.argv, command.output, timeout=command.timeout, max_output=command.max_output,
                    absent_is_normal=command.absent_is_normal, judge=command.judge)
    if step.outcome is Outcome.MISSING:
        missing.add(command.argv[0])
    return step


def _take_files(ctx: Context, specs: list[Files], done: Gathered) -> None:
    finder = Finder(ctx.root)
    for spec in specs:
        ctx.cancel.raise_if_cancelled()
        # The finder walks a row of the locations table; of a row it reads the pattern only.
        location = Location(ctx.target_os, spec.product, CONFIG, spec.pattern, spec.description)
        for item in finder.find(location):
            done.matched += 1
            shown = ctx.root.display(item.path)
            ctx.progress(None, shown)
            if item.set_aside(ctx.writer, shown):
                continue
            cap: dict[str, Any] = {"max_bytes": spec.max_bytes} if spec.max_bytes else {}
            rec = ctx.writer.add_file(item.path, bundle_name(ctx.root, item.path), display=shown,
                                      structured=spec.structured, **cap)
            if rec is None:
                continue
            done.files.append({"path": shown, "bundle_path": rec.path, "product": spec.product,
                               "description": spec.description})
