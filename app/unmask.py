"""``acronis-triage unmask MAP FILE``: the real names back in a pseudonymised text, on this computer only.

Every pseudonym the map made (``host-0003``, ``user-0001``, ``domain-0002.example``, ``DOMAIN-0001``,
``keyword-0001``, and the addresses and SIDs it recorded) is looked up in the map and replaced by what it stands
for, as it was first seen. Text without pseudonyms passes unchanged; one pass, linear in the text.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from pathlib import Path

from acronis_triage.collectors.pseudonym import PseudonymMap

_CANDIDATES = re.compile(
    r"(?i)(?<![\w-])(?:(?:host|user|keyword)-\d{4,}|domain-\d{4,}(?:\.example)?)(?![\w-])"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)"
    r"|(?<![\w:.])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])"
    r"|(?<![\w:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![\w:-])"
    r"|(?<![\w.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![\w.])"
    r"|\bS-1-(?:5-21|12-1)(?:-\d{1,10}){3,5}\b"
)


class UnmaskError(Exception):
    """The map or the file cannot be used; the message says why."""


def unmask_text(text: str, pmap: PseudonymMap) -> tuple[str, int]:
    reverse = pmap.reverse()
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        token = m.group(0)
        key = token.lower()
        original = reverse.get(key)
        if original is None and ":" in key and "." not in key:
            try:  # an IPv6 pseudonym written another way (upper case, zeros spelled out)
                original = reverse.get(str(ipaddress.IPv6Address(key)))
            except ValueError:
                original = None
        if original is None and re.fullmatch(r"[0-9a-f]{2}([:-][0-9a-f]{2}){5}", key):
            original = reverse.get(key.replace("-", ":"))
        if original is None and re.fullmatch(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}", key):
            flat = key.replace(".", "")
            original = reverse.get(":".join(flat[i:i + 2] for i in range(0, 12, 2)))
        if original is None:
            return token
        count += 1
        if re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", original) and "-" in token:
            original = original.replace(":", "-")  # a MAC as Windows writes it
        if token.isupper() and original.islower():
            return original.upper()
        if token.islower() and original.isupper():
            # an upper-case name was written in lower case here (ws-acct-07.corp.example): so it was there
            return original.lower()
        return original

    return _CANDIDATES.sub(sub, text), count


def unmask_file(map_path: Path, source: str, output: Path | None = None) -> int:
    try:
        pmap = PseudonymMap.load(map_path)
    except ValueError as exc:
        raise UnmaskError(str(exc)) from exc
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise UnmaskError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnmaskError(f"{source} is not text (a bundle? unpack it and unmask the file you need)")
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = data.decode(encoding, errors="surrogateescape")
    result, count = unmask_text(text, pmap)
    out = result.encode(encoding, errors="surrogateescape")
    try:
        if output is None:
            sys.stdout.buffer.write(out)
            sys.stdout.buffer.flush()
        else:
            output.write_bytes(out)
    except OSError as exc:
        raise UnmaskError(f"cannot write {output}: {exc.strerror or exc}") from exc
    return count
