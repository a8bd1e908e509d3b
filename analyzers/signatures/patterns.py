"""Search patterns derived from signature conditions, in one syntax that Python `re`, hyperscan and ripgrep share.

The engine prefilters with these patterns and confirms every candidate event with the full rule, so a
pattern may be looser than its condition, never stricter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acronis_triage.analyzers.signatures.schema import Condition

# Characters ripgrep's regex crate, PCRE (hyperscan) and Python all accept escaped; escaping only these keeps the
# pattern valid for all three (Python's re.escape also escapes characters Rust rejects).
_META = frozenset("\\.+*?()|[]{}^$#&-~")


@dataclass(frozen=True)
class PatternSpec:
    regex: str
    caseless: bool = False

    def for_rg(self) -> str:
        # (?i:...) and not a leading (?i): rg and grep join -f lines into one regex, where a bare flag would make
        # every later pattern caseless too
        pattern = rust_compatible(self.regex)
        return f"(?i:{pattern})" if self.caseless else pattern

    def compile_py(self, as_bytes: bool = False) -> re.Pattern:
        flags = re.MULTILINE | (re.IGNORECASE if self.caseless else 0)
        return re.compile(self.regex.encode("utf-8") if as_bytes else self.regex, flags)


def rust_compatible(regex: str) -> str:
    """Drop backslashes before punctuation that Python and PCRE take literally but Rust's regex rejects
    (``\\"``, ``\\'``, ``\\/``, ``\\:`` ...)."""
    out = []
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex):
            nxt = regex[i + 1]
            if not nxt.isalnum() and nxt not in _META and nxt.isascii():
                out.append(nxt)
            else:
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


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


def code_prefilter(value: int) -> tuple[PatternSpec, ...]:
    """Looser search forms of `code_regex` for the prefilter: the significant hex digits and the decimal forms
    as plain literals (they compile and scan far faster than the word-bounded alternation; the confirmation
    step applies the strict form)."""
    digits = f"{value:X}"
    if len(digits) < 5:  # a short literal such as "fff0" would hit everywhere
        return (PatternSpec(code_regex(value)),)
    # Upper- and lower-case spellings as two case-sensitive literals: caseless literals scan slower.
    forms = [PatternSpec(digits), PatternSpec(str(value))]
    if digits.lower() != digits:
        forms.append(PatternSpec(digits.lower()))
    if value >= 0x80000000:
        forms.append(PatternSpec(str((1 << 32) - value)))
    return tuple(forms)


def key_prefilter(key: str) -> tuple[PatternSpec, ...]:
    """Search forms for one normalised code key (`analyzers.codes`): every spelling the key is decoded from."""
    space, _, value = key.partition(":")
    if space in ("acr", "hr", "nt"):
        return code_prefilter(int(value, 16))
    if space == "win32":
        number = int(value)
        forms = list(code_prefilter(0x80070000 | number))
        # decimal after an error word, "(5)" after a failure, and the module-0 hex form ("error 0x52e")
        forms.append(PatternSpec(
            r"(?:error|code|errno|returning|lasterror|fehlercode|erreur|errore)[^0-9\n]{0,14}" + str(number) + r"\b"
            r"|\(" + str(number) + r"\)|\b0[xX]0*" + _any_case_hex(f"{number:X}") + r"\b", caseless=True))
        return tuple(forms)
    if space == "errno":
        from acronis_triage.analyzers.codes import errno_table

        table = errno_table()
        number = table["names"][value]
        message = table["messages"].get(value, "")
        forms = [PatternSpec(escape(value)), PatternSpec(r"errno\s*[:=]?\s*" + str(number) + r"\b", caseless=True)]
        if len(message) >= 12:
            forms.append(PatternSpec(escape(message), caseless=True))
        return tuple(forms)
    if space == "http":
        return (PatternSpec(r"(?:status|http)[^0-9\n]{0,14}" + value + r"\b", caseless=True),)
    raise ValueError(f"unknown code key {key!r}")


def condition_patterns(cond: Condition) -> tuple[PatternSpec, ...]:
    if cond.kind == "literal":
        return (PatternSpec(escape(cond.value), cond.ignore_case),)
    if cond.kind == "regex":
        return (PatternSpec(cond.value, cond.ignore_case),)
    if not cond.keys:
        return code_prefilter(cond.composite)
    out: list[PatternSpec] = []
    for key in cond.keys:
        out.extend(s for s in key_prefilter(key) if s not in out)
    return tuple(out)


# Heads of error/warning events in every line-based format: they feed the unknown-error templates. The level they
# imply is checked on the parsed event, so a loose pattern costs time, not accuracy.
ERRORISH = (
    (PatternSpec(r" [EC][0-9A-F]{8}: "), "error"),
    (PatternSpec(r" W[0-9A-F]{8}: "), "warning"),
    (PatternSpec(r'"level": ?"(error|err|fatal|critical)"'), "error"),
    (PatternSpec(r'"level": ?"(warn|warning)"'), "warning"),
    (PatternSpec(r'type="Error"'), "error"),
    (PatternSpec(r'type="Warning"'), "warning"),
    (PatternSpec(r"level=err"), "error"),
    (PatternSpec(r" (ERROR|FATAL|CRITICAL)[: ]"), "error"),
    (PatternSpec(r" WARN(ING)?[: ]"), "warning"),
    # An info line that carries a failed request's error body (DOMAIN.md §2.1) or the error-code lookup link.
    (PatternSpec(r"failed with status:? ?[45][0-9][0-9]", caseless=True), "error"),
    (PatternSpec(r"errorcode\?ser="), "error"),
)
