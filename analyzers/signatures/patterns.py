"""Search patterns derived from signature conditions, in one syntax that Python `re`, hyperscan and ripgrep share.

The engine prefilters with these patterns and confirms every candidate event with the full rule, so a
pattern may be looser than its condition, never stricter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.signatures.schema import Condition

# Characters ripgrep's regex crate, PCRE (hyperscan) and Python all accept escaped; escaping only these keeps the
# pattern valid for all three (Python's re.escape also escapes characters Rust rejects).
_META = frozenset("\\.+*?()|[]{}^$#&-~")


@dataclass(frozen=True)
class PatternSpec:
    regex: str
    caseless: bool = False

    def for_rg(self) -> str:
        return ("(?i)" if self.caseless else "") + self.regex

    def compile_py(self, as_bytes: bool = False) -> re.Pattern:
        flags = re.MULTILINE | (re.IGNORECASE if self.caseless else 0)
        return re.compile(self.regex.encode("utf-8") if as_bytes else self.regex, flags)


def escape(text: str) -> str:
    return "".join("\\" + ch if ch in _META else ch for ch in text)


def code_regex(value: int) -> str:
    """Every way a log prints an error code: ``0x80042313`` (any case, any leading zeros), decimal, signed decimal
    for HRESULTs, and the ``E00950505:`` head of an MMS line."""
    hexdigits = f"{value:X}"
    forms = [f"0[xX]0*{_any_case_hex(hexdigits)}\\b", f"\\b{value}\\b"]
    if value >= 0x80000000:
        forms.append(f"-{(1 << 32) - value}\\b")
    if value <= 0xFFFFFFFF:
        forms.append(f"\\b[A-Z]{value:08X}:")
    return "|".join(forms)


def _any_case_hex(digits: str) -> str:
    return "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in digits)


def condition_pattern(cond: Condition) -> PatternSpec:
    if cond.kind == "literal":
        return PatternSpec(escape(cond.value), cond.ignore_case)
    if cond.kind == "regex":
        return PatternSpec(cond.value, cond.ignore_case)
    return PatternSpec(code_regex(cond.composite))


# Heads of error/warning events in every line-based format: they feed the unknown-error templates. The level they
# imply is checked on the parsed event, so a loose pattern costs time, not accuracy.
ERRORISH = (
    (PatternSpec(r" [EC][0-9A-F]{8}: "), "error"),
    (PatternSpec(r" W[0-9A-F]{8}: "), "warning"),
    (PatternSpec(r"\"level\": ?\"(error|err|fatal|critical)\""), "error"),
    (PatternSpec(r"\"level\": ?\"(warn|warning)\""), "warning"),
    (PatternSpec(r"type=\"Error\""), "error"),
    (PatternSpec(r"type=\"Warning\""), "warning"),
    (PatternSpec(r"level=err"), "error"),
    (PatternSpec(r" (ERROR|FATAL|CRITICAL)[: ]"), "error"),
    (PatternSpec(r" WARN(ING)?[: ]"), "warning"),
)
