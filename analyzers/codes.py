"""One normalised form for every error code an event carries, whatever its spelling or language.

The same failure reaches a log in many spellings: a Win32 error as ``1326``, ``error 1326``, ``(1326)`` or as its
HRESULT ``0x8007052E``; an NTSTATUS as ``0xC0000022`` or ``-1073741790``; a Linux errno as ``errno 28``,
``[Errno 28]``, ``ENOSPC`` or ``No space left on device``; an Acronis error as ``E01350016``, ``0x01350016``,
``20250646`` or ``Error code: 22`` + ``Module: 309`` in any console language. Signatures and the KB index speak in
*keys*, one per failure, so a rule written once matches every spelling:

========================  ==============================================================
``acr:0x01350016``        an Acronis composite code (module 309, code 22)
``win32:1326``            a Win32 error, from decimal text or its HRESULT ``0x8007052E``
``hr:0x80042308``         any other HRESULT (VSS, COM ...)
``nt:0xC0000022``         an NTSTATUS (hex, signed or unsigned decimal, ``0xD...`` HRESULT form)
``errno:ENOSPC``          a Linux errno, from its number, name or message
``http:503``              an HTTP status that a failed request reports
========================  ==============================================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from acronis_triage.analyzers.model import ErrorCode, Event

HRESULT_WIN32 = 0x80070000


@lru_cache(maxsize=1)
def errno_table() -> dict[str, Any]:
    from acronis_triage.resources import resource_path

    with open(resource_path("codes") / "errno_linux.json", encoding="utf-8") as fh:
        return json.load(fh)


def keys_of(code: ErrorCode) -> tuple[str, ...]:
    """The keys of one chain level. An Acronis module-0 code (``error 0x52e``) is also read as a Win32 error:
    module 0 is where Acronis wraps OS errors."""
    if code.module is not None:
        key = f"acr:0x{code.composite:08X}"
        if code.module == 0 and 0 < code.code < 0xFFF0:
            return key, f"win32:{code.code}"
        return (key,)
    return os_keys(code.code)


def os_keys(value: int) -> tuple[str, ...]:
    value &= 0xFFFFFFFF
    if value & 0xFFFF0000 == HRESULT_WIN32:
        return (f"win32:{value & 0xFFFF}",)
    if value & 0xF0000000 == 0xC0000000:
        return (f"nt:0x{value:08X}",)
    if value & 0xF0000000 == 0xD0000000:  # HRESULT_FROM_NT
        return (f"nt:0x{value & 0xCFFFFFFF:08X}",)
    if value >= 0x80000000:
        return (f"hr:0x{value:08X}",)
    return (f"win32:{value}",) if value <= 0xFFFF else (f"acr:0x{value:08X}",)


_PREFIXED = re.compile(r"^\s*(?P<space>win32|hresult|hr|ntstatus|nt|errno|http|acronis|acr)\s*:\s*(?P<value>\S+)\s*$",
                       re.IGNORECASE)


class CodeSpecError(ValueError):
    pass


def _int(text: str) -> int:
    text = text.strip()
    try:
        if text.lower().startswith("0x"):
            return int(text, 16)
        if text.startswith("-") and text[1:].isdigit():
            return int(text) & 0xFFFFFFFF
        return int(text, 10)
    except ValueError:
        raise CodeSpecError(f"{text!r} is not a number") from None


def spec_keys(value: str | int, module: int | None = None) -> tuple[str, ...]:
    """Keys for a signature's ``code:`` value: ``0x80070005`` / ``20250646`` (as before), or with a space
    prefix: ``win32:1326``, ``hresult:0x8007052E``, ``ntstatus:0xC0000022``, ``errno:ENOSPC``, ``http:503``."""
    if module is not None:
        return (f"acr:0x{(module << 16) | int(value):08X}",)
    if isinstance(value, int):
        return keys_of(_as_code(value))
    m = _PREFIXED.match(str(value))
    if m is None:
        return keys_of(_as_code(_int(str(value))))
    space, raw = m["space"].lower(), m["value"]
    if space == "win32":
        number = _int(raw)
        if number & 0xFFFF0000 == HRESULT_WIN32:
            number &= 0xFFFF
        if not 0 < number <= 0xFFFF:
            raise CodeSpecError(f"win32 codes are 1-65535, not {raw}")
        return (f"win32:{number}",)
    if space in ("hresult", "hr", "ntstatus", "nt"):
        return os_keys(_int(raw))
    if space == "errno":
        name = errno_name(raw)
        if name is None:
            raise CodeSpecError(f"{raw!r} is not a Linux errno name or number")
        return (f"errno:{name}",)
    if space == "http":
        number = _int(raw)
        if not 100 <= number <= 599:
            raise CodeSpecError(f"{raw!r} is not an HTTP status")
        return (f"http:{number}",)
    number = _int(raw)
    return (f"acr:0x{number:08X}",)


def _as_code(value: int) -> ErrorCode:
    if not 0 <= value <= 0xFFFFFFFF:
        raise CodeSpecError(f"{value} does not fit in 32 bits")
    if value >= 0x80000000:
        return ErrorCode(None, value)
    return ErrorCode(value >> 16, value & 0xFFFF)


def errno_name(raw: str) -> str | None:
    table = errno_table()
    raw = raw.strip()
    if raw.isdigit():
        number = int(raw)
        for name, n in table["names"].items():
            if n == number:
                return name
        return None
    upper = raw.upper()
    if upper in table["names"]:
        return upper
    if upper in table["aliases"]:
        number = table["aliases"][upper]
        return next((name for name, n in table["names"].items() if n == number), None)
    return None


# Codes that only free text gives: a Win32 error in decimal after an error word, errno forms, HTTP statuses.
# (Hex codes, serCode chains, console labels and MMS heads are found by `analyzers.errorcodes.find_codes`.)
_WIN32_DECIMAL = re.compile(
    r"(?:(?:\b(?:win32|windows|system|os|winapi)\s+)?\berror(?:\s+code)?|\bgetlasterror\(\)(?:\s+returned)?"
    r"|\blast\s*error|\bcode\s+d'erreur|\bfehlercode|\bc[oó]digo\s+de\s+error|\bcodice\s+errore"
    r"|\breturn(?:ed)?\s+code|\bexit\s+code|\breturning)"
    r"\s*(?:[:=#]|is|was|of)?\s*\(?(?P<n>\d{1,5})\b(?![.,:/-]\d)(?!\s*(?:%|ms\b|bytes|mb\b|gb\b|kb\b|seconds))"
    r"|(?:denied|failed|error|incorrect|not found|invalid|refused)[.:]?\s*\((?P<p>\d{1,5})\)",
    re.IGNORECASE,
)
_ERRNO = re.compile(
    r"\berrno\s*[:=]?\s*(?P<n>\d{1,3})\b|\[errno\s+(?P<b>\d{1,3})\]|(?-i:\b(?P<name>E[A-Z2]{3,14})\b)", re.IGNORECASE)
_HTTP = re.compile(
    r"\b(?:http(?:\s*status)?(?:\s*code)?|status(?:\s*code)?|httpStatus\"?|httpCode|\.httpCode)\s*[:=]?\s*\"?"
    r"(?P<n>[45]\d\d)\b",
    re.IGNORECASE,
)
# A module label right after a decimal code makes it an Acronis pair, not a Win32 error (console blocks).
_MODULE_NEAR = re.compile(r"[\s,;.]*(?:\w+\s*)?(?:module|modul|modulo|módulo|moduł|модуль|モジュール)\s*[:：]",
                          re.IGNORECASE)
_HINTS = ("error", "err", "code", "denied", "failed", "incorrect", "not found", "invalid", "refused", "status",
          "http", "returning", "exit", "fehler", "erreur", "errore", "codice")


@lru_cache(maxsize=1)
def _strerror_messages() -> dict[str, str]:
    messages = errno_table()["messages"]
    return {text: name for name, text in messages.items() if len(text) >= 12}


@lru_cache(maxsize=1)
def _strerror_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    # Case-sensitive: programs print strerror() as the C library spells it, and a caseless alternation of ~100
    # messages costs ~0.7 ms per event in Python's re. Compiled only when a message is in a text (`text_keys`
    # looks for them with str.find first): the compile costs ~11 ms, in every worker process.
    by_text = _strerror_messages()
    alternation = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
    return re.compile(alternation), by_text


# Every match of _WIN32_DECIMAL starts with one of these words. Python's re tries the whole caseless pattern at
# every position (~0.3 us a character: most of an event's cost); on ASCII text the words are found with str.find
# and the pattern is tried only there, which gives the same matches as finditer.
_WIN32_STARTS = ("win32", "windows", "system", "os", "winapi", "error", "getlasterror", "last", "code",
                 "fehlercode", "codigo", "codice", "return", "exit", "denied", "failed", "incorrect", "not found",
                 "invalid", "refused")


def _win32_decimal(text: str, low: str) -> Iterator[re.Match[str]]:
    """`_WIN32_DECIMAL.finditer(text)`; `low` is ``text.lower()``."""
    if not text.isascii():  # caseless matching of non-ASCII text is not str.lower (ſ, K, İ): the plain way
        yield from _WIN32_DECIMAL.finditer(text)
        return
    starts: set[int] = set()
    for word in _WIN32_STARTS:
        at = low.find(word)
        while at >= 0:
            starts.add(at)
            at = low.find(word, at + 1)
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        m = _WIN32_DECIMAL.match(text, at)
        if m is not None:
            yield m
            end = m.end()


MAX_KEY_TEXT = 16 * 1024  # codes are in an event's first lines; a runaway detail block is not read to its end


def text_keys(text: str) -> list[str]:
    """Keys that only the words of `text` give (Win32 decimal, errno, HTTP), in order, without repeats."""
    text = text[:MAX_KEY_TEXT]
    low = text.lower()
    found: list[str] = []

    def add(key: str) -> None:
        if key not in found:
            found.append(key)

    if any(h in low for h in _HINTS):
        for m in _win32_decimal(text, low):
            number = int(m["n"] or m["p"])
            if number <= 0 or number > 0xFFFF:
                continue
            if m["n"] and _MODULE_NEAR.match(text, m.end()):
                continue
            add(f"win32:{number}")
        for m in _HTTP.finditer(text):
            add(f"http:{m['n']}")
    if "errno" in low or re.search(r"\bE[A-Z]{3}", text):
        table = errno_table()["names"]
        for m in _ERRNO.finditer(text):
            if m["name"]:
                if m["name"] in table:
                    add(f"errno:{m['name']}")
                continue
            name = errno_name(m["n"] or m["b"])
            if name:
                add(f"errno:{name}")
    if any(message in text for message in _strerror_messages()):  # no match is possible otherwise
        rx, by_text = _strerror_regex()
        for m in rx.finditer(text):
            add(f"errno:{by_text[m.group(0)]}")
    return found


def event_keys(event: Event) -> frozenset[str]:
    """Every key of an event: its decoded chain plus what its text gives. Cached on the event."""
    cached = event.code_keys
    if cached is not None:
        return cached
    keys: set[str] = set()
    for code in event.codes:
        keys.update(keys_of(code))
    keys.update(text_keys(event.raw or event.message))
    event.code_keys = frozenset(keys)
    return event.code_keys


def chain_keys(codes: Iterable[ErrorCode]) -> list[str]:
    out: list[str] = []
    for code in codes:
        for key in keys_of(code):
            if key not in out:
                out.append(key)
    return out


def describe(key: str) -> str:
    """The key in words, with its other spellings: what a technician searches for."""
    space, _, value = key.partition(":")
    if space == "acr":
        composite = int(value, 16)
        module, code = composite >> 16, composite & 0xFFFF
        return f"Acronis error {value} (module {module}, code {code} = 0x{code:X}; decimal {composite})"
    if space == "win32":
        number = int(value)
        return f"error {number} (as a Windows error: HRESULT 0x{HRESULT_WIN32 | number:08X})"
    if space == "nt":
        number = int(value, 16)
        return f"NTSTATUS {value} (signed {number - (1 << 32)})"
    if space == "hr":
        return f"HRESULT {value}"
    if space == "errno":
        table = errno_table()
        return f"Linux errno {value} ({table['names'].get(value, '?')}: {table['messages'].get(value, '')})"
    if space == "http":
        return f"HTTP status {value}"
    return key
