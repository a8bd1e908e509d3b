"""Acronis error-code arithmetic (DOMAIN.md §2.3): composite codes, serCode chains, OS codes, root cause.

A composite code is ``(module << 16) | code``. It appears as an 8-hex-digit serCode part (``0x01350016``),
a decimal integer (``20250646``), the XML form ``20,250,682(0x135003A)``, the MMS line code ``E00950505``,
the detail-block form ``error 0x11e000d: text`` or a label pair ``Error code: 22`` / ``Module: 309``.
OS codes (HRESULTs such as ``0x80070005``, NTSTATUS ``0xC0000005``) have the top bit set and are kept whole
with ``module=None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from acronis_triage.analyzers.model import ERRORCODE_URL, ErrorCode

# Generic outer levels that only say "something inside failed" (DOMAIN.md §2.3).
WRAPPERS = frozenset({(309, 22), (309, 61), (307, 41), (309, 53), (329, 2)})
OS_WRAPPER = (0, 0xFFF0)

# Localized "Error code:" / "Module:" labels of console blocks (DOMAIN.md §2.2 table).
ERROR_CODE_LABELS = (
    "Error code",
    "Fehlercode",
    "Codice errore",
    "Code d'erreur",
    "Code d’erreur",
    "Código de error",
    "エラーコード",
)
MODULE_LABELS = ("Module", "Modul", "Modulo", "Módulo", "モジュール")


def _label_alternation(labels: Iterable[str]) -> str:
    return "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))


def split_code(composite: int) -> tuple[int, int]:
    """``(module, code)`` of a composite Acronis code."""
    return (composite >> 16) & 0xFFFF, composite & 0xFFFF


def is_os_code(value: int) -> bool:
    """HRESULT/NTSTATUS failure codes have the severity bit set; Acronis modules stay far below 0x8000."""
    return value >= 0x80000000


def from_composite(value: int, text: str = "") -> ErrorCode:
    """One level of a chain from its composite value (an OS code stays whole)."""
    if is_os_code(value):
        return ErrorCode(None, value & 0xFFFFFFFF, text)
    module, code = split_code(value)
    return ErrorCode(module, code, text)


def parse_hex(token: str) -> int | None:
    try:
        return int(token.strip(), 16)
    except ValueError:
        return None


_SER_SPLIT = re.compile(r"\s*(?:\+|%2B)\s*", re.IGNORECASE)


def parse_sercode(sercode: str) -> list[ErrorCode]:
    """``"0x01350016+0x01350016+0x01C90009"`` (``+`` or ``%2B``) → chain, outer first. Bad parts are skipped."""
    chain = []
    for part in _SER_SPLIT.split(sercode.strip()):
        value = parse_hex(part) if part.lower().startswith("0x") else None
        if value is not None:
            chain.append(from_composite(value))
    return chain


def parse_decimal(token: str) -> int | None:
    """A decimal code with any thousands separators (``20,250,682``, ``20.250.682``, ``20 250 682``)."""
    digits = re.sub(r"[\s,.'\u00a0\u202f]", "", token)
    return int(digits) if digits.isdigit() else None


_XML_CODE = re.compile(r"^\s*(?P<dec>[\d\s,.'\u00a0\u202f]*)\s*(?:\(\s*0x(?P<hex>[0-9A-Fa-f]+)\s*\))?\s*$")


def parse_xml_code(code: str, module: str | int | None = None) -> ErrorCode | None:
    """XML activity-log attributes ``code="20,250,682(0x135003A)" module="309"``; None for ``0(0x0)``.

    The hex in parentheses wins over the decimal; a bare code below 0x10000 takes its module from ``module``.
    """
    m = _XML_CODE.match(code or "")
    if not m:
        return None
    value = int(m["hex"], 16) if m["hex"] else parse_decimal(m["dec"] or "")
    if not value:
        return None
    mod = parse_decimal(str(module)) if module not in (None, "") else None
    if value <= 0xFFFF and mod:
        return ErrorCode(mod, value)
    return from_composite(value)


def parse_mms_code(hex8: str) -> ErrorCode | None:
    """The 8 hex digits after the level letter of an MMS line (``E00950505`` → module 0x95, code 0x505)."""
    value = parse_hex(hex8)
    if not value:
        return None
    return from_composite(value)


def pair_code(code: int, module: int | None) -> ErrorCode:
    """``Error code: N`` with an optional ``Module: M``; without a module N is a decimal composite."""
    if module is not None and code <= 0xFFFF:
        return ErrorCode(module, code)
    return from_composite(code)


def root_cause(codes: Iterable[ErrorCode]) -> ErrorCode | None:
    """The innermost level that is not a generic wrapper; the innermost level if all are wrappers."""
    chain = [c for c in codes if c.composite != 0]
    if not chain:
        return None
    for index in range(len(chain) - 1, -1, -1):
        c = chain[index]
        key = (c.module, c.code)
        if key in WRAPPERS:
            continue
        if key == OS_WRAPPER and any(x.module is None for x in chain[index + 1 :]):
            continue
        return c
    return chain[-1]


def sercode(codes: Iterable[ErrorCode]) -> str:
    """The chain as Acronis prints it: ``0x01350016+0x01C90009``."""
    return "+".join(c.hex for c in codes)


def errorcode_url(codes: Iterable[ErrorCode] | str) -> str:
    """Acronis' error-code lookup page for a chain or a serCode string."""
    if isinstance(codes, str):
        chain = parse_sercode(codes)
        parts = [c.hex for c in chain] if chain else [codes.strip()]
    else:
        parts = [c.hex for c in codes]
    return ERRORCODE_URL.format(sercode="%2B".join(parts))


_EC = _label_alternation(ERROR_CODE_LABELS)
_MOD = _label_alternation(MODULE_LABELS)

# One alternation so overlapping forms (a chain vs. its parts) are matched once, leftmost first.
_FIND = re.compile(
    r"(?P<chain>\b0x[0-9A-Fa-f]{8}(?:(?:\+|%2B)0x[0-9A-Fa-f]{8})+\b)"
    r"|(?P<detail>\berror\s+0x(?P<detail_hex>[0-9A-Fa-f]{1,8})\b:[ \t]*(?P<detail_text>[^\r\n|]*))"
    r"|(?P<label>(?:" + _EC + r")\s*[:：]\s*(?:0x(?P<label_hex>[0-9A-Fa-f]{1,8})\b|(?P<label_dec>\d[\d,.]*)))"
    r"|(?P<mms>(?<=\d )[DIWECT](?P<mms_hex>[0-9A-F]{8}):)"
    r"|(?P<keyed>\b(?:code|hr|hresult|error|status|exception code|error code)\s*[:=]?\s*\(?"
    r"0x(?P<keyed_hex>[0-9A-Fa-f]{1,8})\b)"
    r"|(?P<paren>\(0x(?P<paren_hex>[0-9A-Fa-f]{1,8})\))"
    r"|(?P<os>\b0x(?P<os_hex>[89A-Fa-f][0-9A-Fa-f]{7})\b)",
    re.IGNORECASE,
)
# Cheap tests that skip the big pattern for text that cannot hold a code (most log lines).
_LABEL_WORDS = ("code", "error", "errore", "erreur", "\u30b3\u30fc\u30c9")
_LABEL_DIGIT = re.compile(r"(?:code|error|errore|erreur|\u30b3\u30fc\u30c9)\s*[:：]\s*\d")
_MMS_HINT = re.compile(r" [diwect][0-9a-f]{8}:")


def _may_hold_codes(text: str) -> bool:
    low = text.lower()
    if "0x" in low or _MMS_HINT.search(low):
        return True
    return any(w in low for w in _LABEL_WORDS) and _LABEL_DIGIT.search(low) is not None


_MODULE_AFTER = re.compile(r"(?:" + _MOD + r")\s*[:：]\s*(?P<module>\d+)", re.IGNORECASE)


def find_codes(text: str) -> list[ErrorCode]:
    """Every error code mentioned in free text, in order; a code already found once is not repeated
    (except inside a serCode chain, where repeats are part of the chain)."""
    if not _may_hold_codes(text):
        return []
    found: list[ErrorCode] = []
    seen: dict[int, int] = {}

    def add(code: ErrorCode | None) -> None:
        if code is None or code.composite == 0:
            return
        index = seen.get(code.composite)
        if index is None:
            seen[code.composite] = len(found)
            found.append(code)
        elif code.text and not found[index].text:
            found[index] = code

    matches = list(_FIND.finditer(text))
    for i, m in enumerate(matches):
        if m["chain"]:
            for c in parse_sercode(m["chain"]):
                seen.setdefault(c.composite, len(found))
                found.append(c)
        elif m["detail"]:
            add(from_composite(int(m["detail_hex"], 16), m["detail_text"].strip()))
            for inner in find_codes(m["detail_text"]):  # "Error 0x...: text, code 0x8007..." on one line
                add(inner)
        elif m["label"]:
            if m["label_hex"]:
                add(from_composite(int(m["label_hex"], 16)))
                continue
            value = parse_decimal(m["label_dec"].rstrip(",."))
            if value is None:
                continue
            # The module label belongs to this code if it comes before the next code label.
            stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            mod = _MODULE_AFTER.search(text, m.end(), min(stop, m.end() + 400))
            add(pair_code(value, int(mod["module"]) if mod else None))
        elif m["mms"]:
            add(parse_mms_code(m["mms_hex"]))
        else:
            hex_digits = m["keyed_hex"] or m["paren_hex"] or m["os_hex"]
            add(from_composite(int(hex_digits, 16)))
    return found
