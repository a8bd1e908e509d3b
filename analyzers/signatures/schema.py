"""Typed records of a loaded signature: conditions, rule and metadata (resources/signatures/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from acronis_triage.analyzers.model import KBRef

KINDS = (
    "mms", "xml_activity", "jsonl", "console_block", "activity_json", "installer", "windows_event", "vssadmin", "text",
)
SIGNATURE_KEYS = (
    "id", "title", "description", "severity", "products", "platforms", "kb", "match", "cause", "workaround",
    "information_needed", "samples",
)
# The operating systems a signature can apply to (`platforms`; none = any). "darwin" is what the collectors call
# macOS, so both names are accepted.
PLATFORMS = ("windows", "linux", "macos")
MATCH_KEYS = ("any", "all", "none", "levels", "kinds", "min_count", "window")
CONDITION_KEYS = ("literal", "regex", "code", "module", "ignore_case")
SAMPLE_KEYS = ("positive", "negative")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Condition:
    """One test on an event: a substring, a regex, or an error code (composite, or module + code)."""

    kind: str  # "literal" | "regex" | "code"
    value: str = ""
    code: int = 0
    module: int | None = None  # set only for a module/code pair
    ignore_case: bool = False
    keys: tuple[str, ...] = ()  # normalised code keys (`analyzers.codes`); any one of them matches

    def __post_init__(self) -> None:
        if self.kind == "code" and not self.keys:
            from acronis_triage.analyzers.codes import spec_keys

            object.__setattr__(self, "keys", spec_keys(self.code, self.module))

    def describe(self) -> str:
        if self.kind == "code":
            if self.module is not None:
                return f"module {self.module} code 0x{self.code:X}"
            return "code " + " or ".join(self.keys)
        return f"{self.kind} {self.value!r}" + (" (ignore case)" if self.ignore_case else "")

    @property
    def composite(self) -> int:
        return (self.module << 16) | self.code if self.module is not None else self.code


@dataclass(frozen=True)
class Rule:
    any: tuple[Condition, ...] = ()
    all: tuple[Condition, ...] = ()
    none: tuple[Condition, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_count: int = 1
    window_s: float | None = None


@dataclass
class Signature:
    id: str
    title: str
    severity: str
    rule: Rule
    description: str = ""
    products: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    kb: tuple[KBRef, ...] = ()
    cause: str = ""
    workaround: tuple[str, ...] = ()
    information_needed: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    file: Path | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a signature file, precise enough to fix without reading the loader."""

    file: str
    signature: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.signature:
            where += f": {self.signature}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


@dataclass
class SignatureSet:
    signatures: list[Signature] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    directory: Path | None = None

    def by_id(self) -> dict[str, Signature]:
        return {s.id: s for s in self.signatures}

    def for_platform(self, platform: str | None) -> SignatureSet:
        """Only the signatures that can apply on this operating system (all of them when it is unknown)."""
        name = {"darwin": "macos"}.get(platform or "", platform or "")
        if name not in PLATFORMS:
            return self
        kept = [s for s in self.signatures if not s.platforms or name in s.platforms]
        if len(kept) == len(self.signatures):
            return self
        return SignatureSet(kept, self.problems, self.directory)

    def __len__(self) -> int:
        return len(self.signatures)
