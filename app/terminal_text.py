"""Text from the examined machine, made safe for a terminal: its control characters never reach it raw.

File names, registry values and command output can hold escape sequences (``ESC ]0;…`` retitles the window,
``ESC [2J`` clears it, C1 ``CSI`` does the same on some terminals), bidirectional overrides that show a name
reversed, and bytes that are not text at all (lone surrogates from undecodable names). Everything printed
from a run goes through `printable`; the JSON summary through `json_for_terminal`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional marks, embeddings, overrides and isolates, line and paragraph
# separators, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves raw of those (it escapes C0 itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object) -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``, ``\\u202e``, ``\\n``)."""
    return _UNSAFE.sub(_escape, str(text))


def json_for_terminal(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the unsafe characters it leaves raw written
    as ``\\uXXXX`` escapes: the same JSON value, nothing a terminal acts on, and always encodable."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
