"""What every format parser shares: the parser contract, level words, and the ``|`` detail-block reader."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from acronis_triage.analyzers.errorcodes import OS_WRAPPER, from_composite, parse_hex
from acronis_triage.analyzers.model import ErrorCode, Event


class FormatParser(Protocol):
    """What the scan engine (`analyzers.scan`) asks of a log format; `Parser` is the base that provides it."""

    kind: str
    line_based: bool
    streams: bool

    def is_event_start(self, line: str) -> bool: ...

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]: ...

    def parse_document(self, text: str, file: str) -> list[Event]: ...

    def iter_document(self, chunks: Iterable[bytes], file: str) -> Iterator[Event]: ...


class Parser:
    """One log format.

    Line-based formats (``line_based = True``) say which lines start an event and parse runs of whole
    events, so the scan engine can stream a file and hand over only the lines around a hit.
    Document formats parse a whole text (`parse_document`) or a stream of UTF-8 chunks (`iter_document`).
    """

    kind: str = ""
    line_based: bool = True
    streams: bool = False  # a document format whose iter_document works in bounded memory

    def is_event_start(self, line: str) -> bool:
        return bool(line.strip())

    def parse_block(self, lines: list[str], first_line: int, file: str) -> list[Event]:
        raise NotImplementedError

    def parse_document(self, text: str, file: str) -> list[Event]:
        return self.parse_block(text.splitlines(), 1, file)

    def iter_document(self, chunks: Iterable[bytes], file: str) -> Iterator[Event]:
        """Whole-document parse of a chunk stream; formats that can stream override this."""
        yield from self.parse_document(b"".join(chunks).decode("utf-8", errors="replace"), file)


def split_events(parser: Parser, lines: list[str]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` index ranges of the events in ``lines``; lines before the first start form a range too."""
    start = 0
    for i, line in enumerate(lines):
        if i > start and parser.is_event_start(line):
            yield start, i
            start = i
    if start < len(lines):
        yield start, len(lines)


LEVEL_WORDS = {
    # English, German, French, Italian, Spanish, Japanese renderings of Windows/Acronis level names.
    "debug": "debug",
    "trace": "debug",
    "verbose": "debug",
    "ausführlich": "debug",
    "détaillé": "debug",
    "info": "info",
    "information": "info",
    "informational": "info",
    "informationen": "info",
    "informations": "info",
    "informazioni": "info",
    "información": "info",
    "notice": "info",
    "情報": "info",
    "warn": "warning",
    "warning": "warning",
    "warnung": "warning",
    "avertissement": "warning",
    "avviso": "warning",
    "advertencia": "warning",
    "警告": "warning",
    "err": "error",
    "error": "error",
    "fehler": "error",
    "erreur": "error",
    "errore": "error",
    "エラー": "error",
    "fail": "error",
    "failure": "error",
    "crit": "critical",
    "critical": "critical",
    "kritisch": "critical",
    "critique": "critical",
    "critico": "critical",
    "crítico": "critical",
    "fatal": "critical",
    "panic": "critical",
    "alert": "critical",
    "emerg": "critical",
    "重大": "critical",
}


def level_from_word(word: str | None) -> str | None:
    if not word:
        return None
    return LEVEL_WORDS.get(str(word).strip().lower())


# Matched against lower-cased text; the word lists in front are cheap substring tests that let most lines
# skip the regexes.
_NO_ERROR = re.compile(
    r"\b(?:last\s+)?errors?\s*[:=]\s*(?:no\s+errors?|none|0|success)\b"
    r"|\b(?:no|0|zero|without)\s+(?:errors?|failures?)\b|\bsuccess(?:fully)?\b"
)
_CRITICAL_WORDS = ("critical", "fatal", "panic", "crash", "assertion failed", "kritisch")
_CRITICAL = re.compile(r"\b(?:critical|fatal|panic|crash(?:ed)?|assertion failed|kritisch)\b")
_ERROR_WORDS = (
    "err",
    "fail",
    "exception",
    "denied",
    "cannot",
    "could not",
    "unable",
    "fehl",
    "échec",
    "riuscit",
    "fallid",
    "falló",
    "エラー",
    "失敗",
)
_ERROR = re.compile(
    r"\b(?:errors?|failed|fail(?:s|ure)?|exception|denied|cannot|could not|unable|fehler|fehlgeschlagen|"
    r"erreur|échec|errore|non riuscit[oa]|fallid[oa]|falló)\b|エラー|失敗"
)
_WARNING_WORDS = ("warn", "avertissement", "avviso", "advertencia", "警告")
_WARNING = re.compile(r"\b(?:warn(?:ing)?s?|warnung|avertissement|avviso|advertencia)\b|警告")


def guess_level(text: str) -> str:
    """A level for free text from its words; "no error"/"success" phrases do not count as errors."""
    low = text.lower()
    if any(w in low for w in _CRITICAL_WORDS) and _CRITICAL.search(low):
        return "critical"
    if any(w in low for w in _ERROR_WORDS) and _ERROR.search(_NO_ERROR.sub(" ", low)):
        return "error"
    if any(w in low for w in _WARNING_WORDS) and _WARNING.search(low):
        return "warning"
    return "info"


# Detail keys seen localized in Spanish agents (DOMAIN.md §2.1), mapped to the English ones.
KEY_ALIASES = {
    "linea": "line",
    "línea": "line",
    "archivo": "file",
    "funcion": "function",
    "función": "function",
}

_DETAIL_ERROR = re.compile(r"^error\s+0x(?P<hex>[0-9A-Fa-f]{1,8})\s*:\s?(?P<text>.*)$", re.IGNORECASE)


def parse_os_code(value: str) -> int | None:
    value = value.strip()
    if value.lower().startswith("0x"):
        return parse_hex(value)
    return int(value) if value.isdigit() else None


def parse_detail(items: Iterable[str], codes: list[ErrorCode], fields: dict[str, Any]) -> None:
    """Read a ``|`` detail block (prefix already removed from each item) into chain codes and fields.

    ``error 0x...: text`` adds a chain level; ``code: 0x8007...`` adds the OS code (carrying the text of
    the 0xFFF0 level it explains); other ``key: value`` pairs fill ``fields``, first occurrence wins, and
    every distinct ``$module`` is kept in ``fields["$modules"]``.
    """
    for item in items:
        content = item.strip()
        if not content:
            continue
        m = _DETAIL_ERROR.match(content)
        if m:
            codes.append(from_composite(int(m["hex"], 16), m["text"].strip()))
            continue
        key, sep, value = content.partition(":")
        if not sep:
            continue
        key = key.strip()
        key = KEY_ALIASES.get(key.lower(), key)
        value = value.strip()
        if key.lower() == "code":
            number = parse_os_code(value)
            if number:
                last = codes[-1] if codes else None
                text = last.text if last is not None and (last.module, last.code) == OS_WRAPPER else ""
                codes.append(ErrorCode(None, number, text))
                continue
        fields.setdefault(key, value)
        if key == "$module":
            modules = fields.setdefault("$modules", [])
            if value not in modules:
                modules.append(value)


def add_codes(codes: list[ErrorCode], more: Iterable[ErrorCode]) -> None:
    """Append codes not already in the chain (free-text mentions repeat the head code)."""
    known = {c.composite: i for i, c in enumerate(codes)}
    for c in more:
        index = known.get(c.composite)
        if index is None:
            known[c.composite] = len(codes)
            codes.append(c)
        elif c.text and not codes[index].text:
            codes[index] = c
