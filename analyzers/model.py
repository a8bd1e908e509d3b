"""The analyzers' shared records: one normalized event for every log format, and what a scan finds.

Every parser yields `Event`s; the signature engine matches them; findings and unmatched-error templates
go into ``analysis/findings.json``, the report, the escalation form and the GUI. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from acronis_triage.analyzers.timewindow import EventWindow

LEVELS = ("debug", "info", "warning", "error", "critical")
SEVERITIES = ("info", "warning", "error", "critical")

KB_URL = "https://kb.acronis.com/content/{number}"
ERRORCODE_URL = "https://kb.acronis.com/errorcode?ser={sercode}"


@dataclass(frozen=True)
class ErrorCode:
    """One Acronis error: ``(module << 16) | code`` (DOMAIN.md §2.3), or an OS code (HRESULT) with module None.

    Attributes:
        module: Acronis module number (309 = TOL, 0 = wrapper of an OS error ...), None for an OS code.
        code: the code inside the module, or the full HRESULT for an OS code.
        text: the message attached to this level of the chain, if known.
    """

    module: int | None
    code: int
    text: str = ""

    @property
    def composite(self) -> int:
        if self.module is None:
            return self.code
        return (self.module << 16) | self.code

    @property
    def hex(self) -> str:
        """8-hex-digit serCode form, e.g. ``0x01350016``."""
        return f"0x{self.composite:08X}"


@dataclass
class Event:
    """One log event, whatever the source format.

    Attributes:
        time: aware datetime, or None when the source has no parseable time.
        level: one of `LEVELS`.
        codes: the error chain, outermost first (console blocks and ``|`` detail blocks hold several).
        message: the event's main text.
        file: the source name (path inside a bundle, or a file path).
        line: 1-based line number of the event's first line.
        raw: the event's text as it appears in the source, detail lines included.
        kind: the detected format (``mms``, ``xml_activity``, ``jsonl``, ``console_block``, ``activity_json``,
            ``installer``, ``windows_event``, ``vssadmin``, ``text``).
        fields: extra key/values (``$module``, ``channel``, ``kbLink`` ...).
    """

    time: datetime | None
    level: str
    message: str
    file: str = ""
    line: int = 0
    raw: str = ""
    kind: str = "text"
    codes: list[ErrorCode] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    # Normalised code keys (`analyzers.codes.event_keys`), computed once when a rule first asks.
    code_keys: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @property
    def root_cause(self) -> ErrorCode | None:
        from acronis_triage.analyzers.errorcodes import root_cause

        return root_cause(self.codes)


@dataclass
class Evidence:
    file: str
    line: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "text": self.text}


@dataclass
class KBRef:
    number: str
    title: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if not self.url:
            self.url = KB_URL.format(number=self.number)


@dataclass
class Finding:
    """All matches of one signature, grouped."""

    signature: str
    title: str
    severity: str
    kb: list[KBRef] = field(default_factory=list)
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    error_chain: list[ErrorCode] = field(default_factory=list)
    description: str = ""
    cause: str = ""
    workaround: list[str] = field(default_factory=list)
    information_needed: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # a sample of the matches' times (epoch seconds), for timelines

    def to_json(self) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "title": self.title,
            "severity": self.severity,
            "kb": [k.number for k in self.kb],
            "kb_urls": [k.url for k in self.kb],
            "count": self.count,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "evidence": [e.to_json() for e in self.evidence],
            "error_chain": [
                {"module": c.module, "code": c.code, "hex": c.hex, "text": c.text} for c in self.error_chain
            ],
            "description": self.description,
            "cause": self.cause,
            "workaround": list(self.workaround),
            "information_needed": list(self.information_needed),
            "platforms": list(self.platforms),
            "times": [round(t, 3) for t in self.times],
        }


@dataclass
class DecodedCode:
    """One code of an error, in words: its normalised key (`analyzers.codes`), its spellings, and the message and
    component Acronis documents for it where known."""

    key: str
    description: str
    message: str = ""
    component: str = ""
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "description": self.description, "message": self.message,
                "component": self.component, "source": self.source}


@dataclass
class RelatedArticle:
    """A KB article (or documentation page) that looks like an unconfirmed error: a lead, not a finding."""

    kb: str
    title: str
    url: str
    score: float
    kind: str = "kb"
    source: str = "page"

    def to_json(self) -> dict[str, Any]:
        return {"kb": self.kb, "title": self.title, "url": self.url, "score": self.score, "kind": self.kind}


@dataclass
class UnmatchedTemplate:
    """Error/warning events no signature claimed, grouped into one template."""

    template: str
    level: str
    count: int
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    example: Evidence | None = None
    context: str = ""  # the first event's whole text when it is more than its first line (a console block)
    codes: list[DecodedCode] = field(default_factory=list)
    lookup_url: str | None = None
    related: list[RelatedArticle] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "level": self.level,
            "count": self.count,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "example": self.example.to_json() if self.example else None,
            "codes": [c.to_json() for c in self.codes],
            "lookup_url": self.lookup_url,
            "related": [r.to_json() for r in self.related],
        }


@dataclass
class FoldedGroup:
    """Unmatched events of one level and event code (or first words) that the template caps folded together."""

    level: str
    key: str
    count: int
    template: str = ""  # the words all its events share, <*> where they differ ("" for the group past the cap)

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "key": self.key, "count": self.count, "template": self.template}


@dataclass
class FoldedTemplates:
    """What the bounds on unmatched templates left out of `AnalysisResult.unmatched`: templates first seen after
    `tracked_cap` distinct ones were not told apart, and those past the `grouped_cap` most frequent were not
    grouped; their `events` are counted in `groups` by level, event code and number of words, each with the words
    all its events share (the largest groups listed)."""

    tracked_cap: int
    grouped_cap: int
    tracked: int = 0  # distinct templates told apart
    events: int = 0
    templates: int = 0  # tracked templates past the grouping cap (those past the tracking cap were never counted)
    groups: list[FoldedGroup] = field(default_factory=list)
    group_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"tracked_cap": self.tracked_cap, "grouped_cap": self.grouped_cap, "tracked": self.tracked,
                "events": self.events, "templates": self.templates, "group_count": self.group_count,
                "groups": [g.to_json() for g in self.groups]}


@dataclass
class Skipped:
    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class Stats:
    files: int = 0
    bytes: int = 0
    events: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "bytes": self.bytes, "events": self.events, "seconds": round(self.seconds, 3)}


@dataclass
class AnalysisResult:
    findings: list[Finding] = field(default_factory=list)
    unmatched: list[UnmatchedTemplate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    signature_problems: list[str] = field(default_factory=list)
    # "Possibly related" KB articles for the unmatched errors, best first per error; never confirmed findings.
    related: list[tuple[RelatedArticle, UnmatchedTemplate]] = field(default_factory=list)
    folded: FoldedTemplates | None = None  # the unmatched events the template caps folded, and the caps
    # The collection's time window, when one was applied to events (analyzers.timewindow), and how many events
    # it left out: parsed events dated outside it, and unmatched events whose whole template lies outside it.
    window: EventWindow | None = None
    outside_window: int = 0

    def to_json(self) -> dict[str, Any]:
        window = {}
        if self.window is not None:
            window["time_window"] = {**self.window.to_json(), "events_outside": self.outside_window}
        return {
            "findings": [f.to_json() for f in self.findings],
            "related": [
                {**r.to_json(), "event": {
                    "template": t.template, "level": t.level, "count": t.count,
                    **(t.example.to_json() if t.example else {"file": "", "line": 0, "text": t.template})}}
                for r, t in self.related
            ],
            "unmatched": [u.to_json() for u in self.unmatched],
            "unmatched_folded": self.folded.to_json() if self.folded is not None else None,
            "skipped": [s.to_json() for s in self.skipped],
            "stats": self.stats.to_json(),
            **window,
        }


@dataclass
class LogSource:
    """Something to analyze: a name for evidence and a way to open its bytes (file, archive member, stdin).

    `fork_safe`: every call of `open` gives a reader that shares no file offset with another process (a file
    opened anew, bytes in memory, a zip read through `collectors.positional_file`). Only then may the analysis
    read the source from forked workers: a zip handle inherited across fork interleaves both processes' reads.
    """

    name: str
    open: Callable[[], IO[bytes]]
    size: int | None = None
    fork_safe: bool = False
