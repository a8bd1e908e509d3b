"""Text a technician pastes (stdin, the window's paste box, a small text file): any mix of shapes, in any language.

What arrives is rarely a clean log. A console error block loses its line breaks in a ticket or a chat; a ``|``
detail chain arrives on one line; an e-mail client wraps a long message; log lines, a console block and a
sentence of the user's own are mixed. This parser first puts the lines back (`restore_lines`), then lets the
console-block parser take the blocks and every other run of lines go to the parser of its own format. Every
event that looks like an error (`analyzers.errorish`) is marked so, so nothing pasted is ever silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from acronis_triage.analyzers.errorish import promote
from acronis_triage.analyzers.formats.base import Parser
from acronis_triage.analyzers.model import Event

# One line that holds a whole console entry list: two labelled integers and a 16-hex-digit line tag, in any language
# (Error code / Module / LineInfo in the console's order). The labels found this way split the line.
_FLAT_ENTRY = re.compile(
    r"(?P<l1>[^\W\d_][^:：\n]{0,40}?)\s*[:：]\s*\d[\d,.]*\s+"
    r"(?P<l2>[^\W\d_][^:：\n]{0,40}?)\s*[:：]\s*\d+\s+"
    r"(?P<l3>[^\W\d_][^:：\n]{0,40}?)\s*[:：]\s*(?:0x)?[0-9A-Fa-f]{16}\b"
    r"(?:\s+(?P<l4>[^\W\d_][^:：\n{]{0,40}?)\s*[:：]\s*\{)?"
)
_DASHES = re.compile(r"\s*-{6,}\s*")
# A ``|`` detail chain on one line: " | key: value" pieces after an "Error 0x...:" head or an MMS head.
_FLAT_CHAIN = re.compile(r"\s\|\|?\s(?=(?:trace level|channel|line|file|function|\$module|code|error 0x[0-9a-f]+|"
                         r"linea|línea|archivo|funcion|función)\s*:|\|?\s*$)", re.IGNORECASE)
_CHAIN_HINT = re.compile(r"\|\|?\s*(?:trace level|\$module|error 0x)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;。)\]}\"']\s*$")
_HEADS = re.compile(r"^\s*(?:\d{4}-\d\d-\d\d[T ]|\||-{6,}|\{|<|[A-Z][A-Za-z ]{0,30}[:：]|Error 0x|Event 0x)")


def _message_label(entry_line: str, labels: Iterable[str]) -> str | None:
    """The label that introduces the message after a Fields JSON (``} Message: ...``), in any language."""
    m = re.search(r"\}\s+(?P<label>[^\W\d_][^:：\n{}]{0,30}?)\s*[:：]\s", entry_line)
    if m and m["label"] not in labels:
        return m["label"]
    return None


def _split_console_line(line: str) -> list[str] | None:
    """A console block flattened onto one line, back on its own lines; None if the line is not one."""
    m = _FLAT_ENTRY.search(line)
    if m is None:
        return None
    labels = [m[k].strip() for k in ("l1", "l2", "l3", "l4") if m[k]]
    message = _message_label(line, labels)
    if message:
        labels.append(message)
    from acronis_triage.analyzers.formats.console_block import ADDITIONAL_INFO, ENTRY_LABELS

    known = [x for x in (*labels, *ENTRY_LABELS, *ADDITIONAL_INFO) if x]
    alternation = "|".join(re.escape(x) for x in sorted(set(known), key=len, reverse=True))
    # A label starts a new line when it follows a space (or the start) and is followed by its colon.
    split = re.compile(r"(?:(?<=\s)|^)(?=(?:" + alternation + r")\s*[:：])")
    out: list[str] = []
    for piece in _DASHES.split(line):
        if not piece.strip():
            out.append("------------------------")
            continue
        parts = [p.strip() for p in split.split(piece) if p.strip()]
        out.extend(parts)
        out.append("------------------------")
    while out and out[-1].startswith("---"):
        out.pop()
    # a dashes line belongs between entries only: the block starts with its first label or the Additional info line
    return out


def restore_lines(text: str) -> list[tuple[int, str]]:
    """``(source line number, line)`` pairs with flattened blocks and chains split and wrapped lines joined."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.rstrip()
        if len(line) > 60 and ":" in line:
            pieces = _split_console_line(line)
            if pieces is not None:
                out.extend((number, p) for p in pieces)
                continue
            if _CHAIN_HINT.search(line):
                head, *rest = _FLAT_CHAIN.split(line)
                out.append((number, head.rstrip()))
                out.extend((number, "| " + p.strip().lstrip("|").strip()) for p in rest if p.strip(" |"))
                continue
        if out and _continues(out[-1][1], line):
            out[-1] = (out[-1][0], out[-1][1] + " " + line.strip())
            continue
        out.append((number, line))
    return out


def _continues(previous: str, line: str) -> bool:
    """An e-mail client's soft wrap: a long line without a sentence end, then a line that starts in lower case
    and is not a head of its own."""
    stripped = line.strip()
    if len(previous) < 60 or not stripped or _SENTENCE_END.search(previous) or _HEADS.match(line):
        return False
    return stripped[0].islower()


class PasteParser(Parser):
    kind = "paste"
    line_based = False

    def parse_document(self, text: str, file: str) -> list[Event]:
        from acronis_triage.analyzers.formats import get_parser

        pairs = restore_lines(text.lstrip("\ufeff"))
        lines = [line for _, line in pairs]
        events = get_parser("console_block").parse_document("\n".join(lines), file)
        for event in events:
            if 0 < event.line <= len(pairs):
                event.line = pairs[event.line - 1][0]
            promote(event)
        return events
