"""One multi-pattern database for every signature (plus the error/warning heads), scanned over UTF-8 bytes.

Hyperscan when it can be imported; otherwise Python `re`, one pass per pattern (much slower, same hits per line).
Hits are (end offset, pattern id); the engine maps them to lines and events and confirms the full rule there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzers.signatures.patterns import ERRORISH, PatternSpec, condition_pattern
from analyzers.signatures.schema import Condition, Signature

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    hyperscan = None

Hits = list[tuple[int, int]]


def hs_flags(spec: PatternSpec) -> int:
    flags = hyperscan.HS_FLAG_MULTILINE
    if spec.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
        if not spec.regex.isascii():
            flags |= hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    return flags


def _anchors(sig: Signature) -> tuple[Condition, ...]:
    """Conditions of which at least one must appear in every matching event: all of `any`, else the most
    selective one of `all` (a rarer anchor means fewer candidate events to parse)."""
    if sig.rule.any:
        return sig.rule.any
    return (max(sig.rule.all, key=_selectivity),)


def _selectivity(cond: Condition) -> int:
    if cond.kind == "code":
        return 1000
    return len(cond.value) - (50 if cond.kind == "regex" else 0) - (5 if cond.ignore_case else 0)


@dataclass
class PatternDatabase:
    specs: list[PatternSpec] = field(default_factory=list)
    signatures_of: list[tuple[int, ...]] = field(default_factory=list)  # pattern id -> signature indices
    errorish_level: dict[int, str] = field(default_factory=dict)  # pattern id -> level it announces
    use_hyperscan: bool = True
    _db: object = None
    _local: threading.local = field(default_factory=threading.local)
    _py: list = field(default_factory=list)

    @classmethod
    def build(cls, signatures: list[Signature], *, use_hyperscan: bool | None = None,
              errorish: bool = True) -> PatternDatabase:
        index: dict[PatternSpec, int] = {}
        sigs_of: list[list[int]] = []
        self = cls(use_hyperscan=(hyperscan is not None) if use_hyperscan is None else use_hyperscan)
        if self.use_hyperscan and hyperscan is None:
            raise RuntimeError("hyperscan is not installed")

        def add(spec: PatternSpec) -> int:
            if spec not in index:
                index[spec] = len(self.specs)
                self.specs.append(spec)
                sigs_of.append([])
            return index[spec]

        for i, sig in enumerate(signatures):
            for cond in _anchors(sig):
                pid = add(condition_pattern(cond))
                if i not in sigs_of[pid]:
                    sigs_of[pid].append(i)
        if errorish:
            for spec, level in ERRORISH:
                self.errorish_level[add(spec)] = level
        self.signatures_of = [tuple(s) for s in sigs_of]
        self._compile()
        return self

    def _compile(self) -> None:
        if not self.specs:
            return
        if self.use_hyperscan:
            db = hyperscan.Database()
            db.compile(
                expressions=[s.regex.encode("utf-8") for s in self.specs],
                ids=list(range(len(self.specs))),
                flags=[hs_flags(s) for s in self.specs],
            )
            self._db = db
        else:
            self._py = [s.compile_py(as_bytes=True) for s in self.specs]

    def scanner(self) -> Callable[[bytes | memoryview], Hits]:
        """A scan function for the calling thread: hyperscan scratch space cannot be shared between threads."""
        if not self.specs:
            return lambda buf: []
        if not self.use_hyperscan:
            return self._scan_re
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        db = self._db

        def scan(buf: bytes | memoryview) -> Hits:
            hits: Hits = []
            add = hits.append

            def on_match(pid: int, start: int, end: int, flags: int, ctx: object) -> None:
                add((end, pid))

            db.scan(buf, match_event_handler=on_match, scratch=scratch)
            hits.sort()
            return hits

        return scan

    def _scan_re(self, buf: bytes | memoryview) -> Hits:
        data = bytes(buf)
        hits = [(m.end(), pid) for pid, rx in enumerate(self._py) for m in rx.finditer(data)]
        hits.sort()
        return hits

    def rg_patterns(self) -> list[str]:
        return [s.for_rg() for s in self.specs]
