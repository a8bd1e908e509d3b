"""One multi-pattern database for every signature (plus the error/warning heads), scanned over UTF-8 bytes.

Hyperscan when it can be imported; otherwise Python `re`, one pass per pattern (much slower, same hits per line).
Hits are (end offset, pattern id); the engine maps them to lines and events and confirms the full rule there.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from acronis_triage.analyzers.signatures.patterns import ERRORISH, PatternSpec, condition_patterns
from acronis_triage.analyzers.signatures.schema import Condition, Signature

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    hyperscan = None  # type: ignore[assignment]  # the Python re fallback is used instead

Hits = list[tuple[int, int]]


def hs_flags(spec: PatternSpec) -> int:
    flags = hyperscan.HS_FLAG_MULTILINE
    if spec.caseless:
        flags |= hyperscan.HS_FLAG_CASELESS
    if needs_utf8(spec):
        flags |= hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    return flags


_NON_ASCII_OPERAND = re.compile(r"\[[^\]]*[^\x00-\x7f][^\]]*\]|[^\x00-\x7f][*+?{]")


def needs_utf8(spec: PatternSpec) -> bool:
    """UTF-8 mode only where a non-ASCII character is an operand: caseless, inside a class such as ["“], or under a
    quantifier. Without it hyperscan reads each byte of such a character alone and never matches; a plain non-ASCII
    literal matches its bytes either way, and UTF-8 mode would make every chunk need validating first."""
    if spec.regex.isascii():
        return False
    return spec.caseless or _NON_ASCII_OPERAND.search(spec.regex) is not None


_CACHE_KEEP = 4  # databases of other signature versions kept besides the current one


def cache_dir() -> Path | None:
    """Where compiled databases are kept between runs (per user); None when ACRONIS_TRIAGE_NO_CACHE is set."""
    from acronis_triage.analyzers.userdirs import cache_dir as user_cache_dir

    return user_cache_dir()


def compile_cached(specs: list[PatternSpec]) -> Any:
    """Compiling the whole database takes ~0.2 s, longer than scanning 100 MB; the serialized database loads in
    ~1 ms. The cache key covers the patterns, their flags, the hyperscan version and the CPU architecture."""
    flags = [hs_flags(s) for s in specs]
    key = hashlib.sha256(json.dumps(
        [getattr(hyperscan, "__version__", ""), platform.machine(), [s.regex for s in specs], flags]
    ).encode("utf-8")).hexdigest()[:32]
    folder = cache_dir()
    path = folder / f"hsdb-{key}.bin" if folder else None
    if path is not None:
        try:
            data = path.read_bytes()
            blob, digest = data[:-32], data[-32:]
            if hashlib.sha256(blob).digest() == digest:
                return hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
        except (OSError, hyperscan.error, ValueError, TypeError):
            pass
    db = hyperscan.Database()
    db.compile(expressions=[s.regex.encode("utf-8") for s in specs], ids=list(range(len(specs))), flags=flags)
    if path is not None and folder is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            blob = hyperscan.dumpb(db)
            tmp = path.with_suffix(f".{os.getpid()}.part")
            tmp.write_bytes(blob + hashlib.sha256(blob).digest())
            os.replace(tmp, path)
            for old in sorted(folder.glob("hsdb-*.bin"), key=lambda p: p.stat().st_mtime)[:-_CACHE_KEEP]:
                old.unlink(missing_ok=True)
        except (OSError, hyperscan.error):
            pass  # a read-only home only costs the compile time next run
    return db


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
    _dbs: list = field(default_factory=list)
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
                for spec in condition_patterns(cond):
                    pid = add(spec)
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
        if not self.use_hyperscan:
            # A pattern whose non-ASCII characters are operands (["“], caseless) must see characters, not bytes.
            self._py = [(s.compile_py(as_bytes=not needs_utf8(s)), needs_utf8(s)) for s in self.specs]
            return
        # One database for everything: splitting literals from regexes compiles ~5x faster but scans ~2x slower
        # (measured on the benchmark corpus), and large inputs are where the time goes.
        self._dbs = [compile_cached(self.specs)]

    @cached_property
    def needs_valid_utf8(self) -> bool:
        """Hyperscan's UTF-8 mode (non-ASCII caseless patterns) is undefined on invalid UTF-8 input.

        Cached: asked once per scanned source, it was ~0.4 ms each (a regex over every pattern), 40 s of a
        100,000-file collect; the patterns never change after `build`."""
        return self.use_hyperscan and any(needs_utf8(s) for s in self.specs)

    def scanner(self) -> Callable[[bytes | memoryview], Hits]:
        """A scan function for the calling thread: hyperscan scratch space cannot be shared between threads."""
        if not self.specs:
            return lambda buf: []
        if not self.use_hyperscan:
            return self._scan_re
        pairs = getattr(self._local, "pairs", None)
        if pairs is None:
            pairs = self._local.pairs = [(db, hyperscan.Scratch(db)) for db in self._dbs]

        def scan(buf: bytes | memoryview) -> Hits:
            hits: Hits = []
            add = hits.append

            def on_match(pid: int, start: int, end: int, flags: int, ctx: object) -> None:
                add((end, pid))

            for db, scratch in pairs:
                db.scan(buf, match_event_handler=on_match, scratch=scratch)
            hits.sort()
            return hits

        return scan

    def _scan_re(self, buf: bytes | memoryview) -> Hits:
        data = bytes(buf)
        text: str | None = None
        hits: Hits = []
        for pid, (rx, on_text) in enumerate(self._py):
            if not on_text:
                hits.extend((m.end(), pid) for m in rx.finditer(data))
                continue
            if text is None:
                text = data.decode("utf-8", errors="replace")
            hits.extend((len(text[:m.end()].encode("utf-8", errors="replace")), pid) for m in rx.finditer(text))
        hits.sort()
        return hits

    def rg_patterns(self) -> list[str]:
        return [s.for_rg() for s in self.specs]
