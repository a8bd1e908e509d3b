"""Decoding bytes from Windows and Unix tools and logs: BOMs, UTF-16 without BOM, cp1252 fallback."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(head: bytes) -> str:
    """Guess the encoding from the first bytes: BOM, then the NUL pattern of BOM-less UTF-16, then UTF-8."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    if len(sample) >= 4:
        even_nul = sample[1::2].count(0)
        odd_nul = sample[0::2].count(0)
        half = len(sample) // 2
        if even_nul > half * 0.4 and odd_nul < half * 0.05:
            return "utf-16-le"
        if odd_nul > half * 0.4 and even_nul < half * 0.05:
            return "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 4:
            return "cp1252"
    return "utf-8"


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode whole output. Never raises: undecodable bytes become U+FFFD."""
    enc = encoding or sniff_encoding(data[:4096])
    return data.decode(enc, errors="replace")
