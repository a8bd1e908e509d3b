"""Does one event satisfy one signature's rule? The confirmation step after the engine's prefilter."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from acronis_triage.analyzers.codes import event_keys
from acronis_triage.analyzers.model import Event
from acronis_triage.analyzers.signatures.linear import Search, linear_search
from acronis_triage.analyzers.signatures.patterns import code_regex
from acronis_triage.analyzers.signatures.schema import Condition, Signature

Test = Callable[[Event, str, str], bool]  # (event, text, lower-cased text)


def _text_of(event: Event) -> str:
    return event.raw or event.message


def _compile(cond: Condition) -> Test:
    if cond.kind == "literal":
        if cond.ignore_case:
            needle = cond.value.lower()
            return lambda ev, text, low: needle in low
        value = cond.value
        return lambda ev, text, low: value in text
    # Regexes are compiled on first use: ~300 compiles of a whole database cost 0.15 s at every start, and most
    # rules never see a candidate event. They run in linear time: a signature folder is input too.
    if cond.kind == "regex":
        search: list[Search] = []

        def by_regex(ev: Event, text: str, low: str) -> bool:
            if not search:
                search.append(linear_search(cond.value, cond.ignore_case))
            return search[0](text)

        return by_regex
    keys = frozenset(cond.keys)
    # Printed forms the decoder does not turn into a key (a bare decimal composite such as 20250646).
    pattern = code_regex(cond.composite) if cond.composite else None

    def by_key(ev: Event, text: str, low: str) -> bool:
        if not keys.isdisjoint(event_keys(ev)):
            return True
        return pattern is not None and re.search(pattern, text) is not None

    return by_key


class CompiledRule:
    """A signature's rule with its conditions compiled once; `matches` is called once per candidate event."""

    __slots__ = ("_all", "_any", "_none", "_text_regexes", "kinds", "levels", "signature")

    def __init__(self, sig: Signature) -> None:
        self.signature = sig
        r = sig.rule
        self._any = tuple(_compile(c) for c in r.any)
        self._all = tuple(_compile(c) for c in r.all)
        self._none = tuple(_compile(c) for c in r.none)
        self.levels = frozenset(r.levels)
        self.kinds = frozenset(r.kinds)
        self._text_regexes: tuple[Search, ...] | None = None

    @property
    def text_regexes(self) -> tuple[Search, ...]:
        """For picking the evidence line inside a multi-line event: ``line -> bool`` per condition."""
        if self._text_regexes is None:
            r = self.signature.rule
            tests: list[Search] = []
            for c in (*r.any, *r.all):
                if c.kind == "regex":
                    tests.append(linear_search(c.value, c.ignore_case))
                elif c.kind == "literal":
                    tests.append(_literal_test(c.value, c.ignore_case))
                elif c.composite:
                    # our own code forms: no backtracking to fear
                    tests.append(functools.partial(_found, re.compile(code_regex(c.composite),
                                                                      re.IGNORECASE if c.ignore_case else 0)))
            self._text_regexes = tuple(tests)
        return self._text_regexes

    def accepts_kind(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def matches(self, event: Event) -> bool:
        if self.levels and event.level not in self.levels:
            return False
        if self.kinds and event.kind not in self.kinds:
            return False
        text = _text_of(event)
        low = text.lower()
        if self._any and not any(t(event, text, low) for t in self._any):
            return False
        if not all(t(event, text, low) for t in self._all):
            return False
        return not any(t(event, text, low) for t in self._none)

    def evidence_line(self, event: Event) -> tuple[int, str]:
        """The line of the event that shows why it matched, with its line number."""
        lines = _text_of(event).splitlines() or [""]
        for i, line in enumerate(lines):
            if any(test(line) for test in self.text_regexes):
                return event.line + i, line
        return event.line, lines[0]


def matches(sig: Signature, event: Event) -> bool:
    return CompiledRule(sig).matches(event)


def _found(rx: re.Pattern[str], line: str) -> bool:
    return rx.search(line) is not None


def _literal_test(value: str, ignore_case: bool) -> Search:
    """``line -> does it hold the literal``, as ``re.search(re.escape(value), line, re.I?)`` answers it. A case-
    sensitive literal is a substring test; a caseless one too on ASCII text (where re.IGNORECASE is str.lower), the
    regex, compiled when first needed, only on other text (re folds ſ, K and the like): compiling every literal
    of every rule a scan meets cost ~10 ms in each worker process."""
    if not ignore_case:
        return lambda line: value in line
    low = value.lower()
    if not value.isascii():
        return functools.partial(_found, re.compile(re.escape(value), re.IGNORECASE))
    compiled: list[re.Pattern[str]] = []

    def caseless(line: str) -> bool:
        if line.isascii():
            return low in line.lower()
        if not compiled:
            compiled.append(re.compile(re.escape(value), re.IGNORECASE))
        return compiled[0].search(line) is not None

    return caseless
