"""The collector contract: declarative metadata, an applicability check and a collect step.

A collector never touches the machine except through the `Context` it is given, so the same class runs on
the live system, on an offline root (`--root`) and in tests with a recorded command runner. Most collectors only
declare the files and commands they take (`collectors.declarative`); the others write ``collect()``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from acronis_triage.collectors.context import Context
    from acronis_triage.collectors.declarative import Command, Files, Gathered

ALL_PLATFORMS: tuple[str, ...] = ("windows", "linux", "darwin")
# The one mark of a collector that takes minutes: the window and ``collect --no-slow`` leave it out when asked,
# and show its ``expected_duration_s`` before the user opts in.
SLOW = "slow"


class Status(enum.StrEnum):
    """How a collector ended. Written verbatim into the manifest."""

    OK = "ok"
    PARTIAL = "partial"
    NOT_APPLICABLE = "not_applicable"
    TIMEOUT = "timeout"
    ERROR = "error"
    CANCELLED = "cancelled"

    @property
    def is_failure(self) -> bool:
        return self in (Status.TIMEOUT, Status.ERROR)


class NotApplicable(Exception):
    """Raised (or returned through `Applicability`) when a collector has nothing to do here."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CollectorFailed(Exception):
    """Raised by a collector that failed for a reason it can say in words; the manifest shows them as they are."""


class Cancelled(Exception):
    """Raised inside a collector when its run was cancelled or timed out."""


@dataclass(frozen=True)
class Applicability:
    applicable: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.applicable


APPLICABLE = Applicability(True)


def not_applicable(reason: str) -> Applicability:
    return Applicability(False, reason)


@dataclass(frozen=True)
class Option:
    """A typed collector option (sos's PluginOpt): the CLI and the GUI list these."""

    name: str
    default: bool | int | float | str
    description: str


class Collector:
    """Base class of every collector.

    Class attributes:
        name: unique snake_case id; also the folder under ``collected/`` in the bundle.
        title: short user-facing name.
        description: one user-facing line.
        platforms: target systems the collector knows (``windows``, ``linux``, ``darwin``).
        timeout_s: wall-clock budget for the whole collector.
        priority: lower runs earlier; ``0`` or less runs in a first phase before every other collector
            (product detection), so later collectors can read ``ctx.facts``.
        needs_live: True when the collector reads the running system (commands, psutil), so it is
            not applicable to an offline root.
        needs_admin: True when it cannot do its job without administrator or root rights.
        expected_duration_s: shown to the user before they opt in to a slow collector.
        tags: free labels (``logs``, ``vss``, ``network`` ...); `SLOW` marks a collector that takes minutes.
        options: typed options.
        files: `Files` to copy, taken by the default ``collect()`` before the commands.
        commands: `Command` entries to run, in order, by the default ``collect()``.
        file_index: write ``index.json`` listing the files taken (path, bundle path, product, description).
        nothing_found: when set and the ``files`` globs match nothing, the collector ends ``not_applicable``
            with this reason.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    platforms: ClassVar[tuple[str, ...]] = ALL_PLATFORMS
    timeout_s: ClassVar[float] = 300.0
    priority: ClassVar[int] = 50
    needs_live: ClassVar[bool] = False
    needs_admin: ClassVar[bool] = False
    expected_duration_s: ClassVar[float] = 5.0
    tags: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[tuple[Option, ...]] = ()
    files: ClassVar[tuple[Files, ...]] = ()
    commands: ClassVar[tuple[Command, ...]] = ()
    file_index: ClassVar[bool] = False
    nothing_found: ClassVar[str] = ""

    @classmethod
    def is_slow(cls) -> bool:
        return SLOW in cls.tags

    def check(self, ctx: Context) -> Applicability:
        """The framework's checks (platform, live system, rights), then the collector's own."""
        if ctx.target_os not in self.platforms:
            return not_applicable(f"only for {', '.join(self.platforms)}; this is {ctx.target_os}")
        if self.needs_live and not ctx.root.live:
            return not_applicable("needs the live system; an offline root was given")
        if self.needs_admin and not ctx.facts.is_admin:
            return not_applicable("needs administrator rights")
        return self.is_applicable(ctx)

    def is_applicable(self, ctx: Context) -> Applicability:
        """Override to say whether there is anything to collect here, and why not."""
        return APPLICABLE

    def collect(self, ctx: Context) -> None:
        """Write artifacts through ``ctx.writer``. Raise `NotApplicable` if it turns out there is nothing.

        The default takes what the collector declares (``files``, ``commands``), then calls `interpret`.
        """
        if not (self.files or self.commands):
            raise NotImplementedError(f"{type(self).__name__} declares no files or commands and has no collect()")
        from acronis_triage.collectors.declarative import gather

        self.interpret(ctx, gather(self, ctx))
        if self.commands:
            ctx.progress(1.0, "done")

    def interpret(self, ctx: Context, gathered: Gathered) -> None:
        """Override to read the declared commands' answers (``gathered.steps`` by output name): a summary file,
        a fact for later collectors."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
