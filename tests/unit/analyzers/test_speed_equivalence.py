"""The faster forms of hot functions give exactly what the plain forms give, on text built the way hostile or odd
logs are: the Win32-decimal code search, template masking, the shape cache and its pause."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.analyzers import codes, unmatched

_PIECES = ["error", "Error", "ERROR", " code ", "exit code", "returned code", "getlasterror()",
           "GetLastError() returned", "last error", "lasterror", "win32 ", "Windows ", "system ", "os ", "winapi ",
           "fehlercode", "codigo de error", "código de error", "codice errore", "denied", "failed", "incorrect",
           "not found",
           "invalid", "refused", " (5)", "(1326)", " 5", "=", ":", "#", " is ", " was ", " of ", "12", "1603", "99999",
           "123456", " ms", "%", " bytes", ".", ",", "-", "/", "\n", "\t", "x", "code d'erreur", "returning",
           "return code", "ſystem", "İ", "K", "errorx", "xerror", "0x", "seconds", "mb", "  ", "'q'", '"a b"', "\\",
           "C:\\x", "/var/log", "W0064001C:", "E00000000", "a\xa0b", "\u2003", "\x1c", "\x00", "<*>", "١٢"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=24).map("".join) | st.text(max_size=80)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_win32_decimal_search_equals_finditer(text):
    plain = [(m.span(), m.group(0)) for m in codes._WIN32_DECIMAL.finditer(text)]
    fast = [(m.span(), m.group(0)) for m in codes._win32_decimal(text, text.lower())]
    assert fast == plain


def _mask_reference(text: str) -> str:
    """`unmatched.mask` as it was, token by token."""
    text = unmatched._QUOTED.sub(unmatched._QUOTE_MARK, text[:unmatched.MAX_TEXT])
    out: list[str] = []
    lead = True
    for tok in text.split():
        if tok.translate(unmatched._NO_DIGITS) != tok:
            if out or not unmatched._KEEP.fullmatch(tok):
                tok = unmatched.WILDCARD if not lead else ""
        elif unmatched._QUOTE_MARK in tok or "\\" in tok or ("/" in tok and len(tok) > 1):
            tok = unmatched.WILDCARD
        if not tok:
            continue
        lead = False
        if tok == unmatched.WILDCARD and out and out[-1] == unmatched.WILDCARD:
            continue
        out.append(tok)
    return " ".join(out)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + [" "] * 6), max_size=30).map("".join) | st.text(max_size=120))
def test_mask_equals_the_token_by_token_form(text):
    assert unmatched.mask(text) == _mask_reference(text)


def test_the_shape_cache_pause_changes_no_template(monkeypatch):
    """Lines whose shapes never repeat pause the shape cache; templates and counts stay what `mask` gives."""
    import random

    rnd = random.Random(3)
    words = ["".join(rnd.choice("abcdefgh") for _ in range(6)) for _ in range(300)]
    lines = []
    for i in range(6000):
        if i % 50 == 0:
            lines.append(f"2024-05-01T10:00:00:000+02:00 1 W00640010: Retry {i} of 'x{i}' for {{{i:08X}}}")
        else:
            lines.append(f"2024-05-01T10:00:00:000+02:00 1 W00640010: Skipped {rnd.choice(words)} {rnd.choice(words)}")
    shapes = []
    real_shape = unmatched._shape
    monkeypatch.setattr(unmatched, "_shape", lambda body, cut: shapes.append(1) or real_shape(body, cut))
    collector = unmatched.UnmatchedCollector()
    for n, line in enumerate(lines):
        collector.add_mms_head(bytearray(line.encode()), "warning", "f", lambda _, n=n: n + 1, 0)
    assert 512 <= len(shapes) < 2000  # looked for until it was seen not to help, then paused
    expected: dict[str, int] = {}
    for line in lines:
        template = _mask_reference(line.split(" ", 2)[2])
        expected[template] = expected.get(template, 0) + 1
    got = {tpl: st.count for (tpl, _), st in collector.stats.items()}
    assert got == expected
    assert re.fullmatch(r"W00640010: Retry <\*> of <\*> for <\*>", next(iter(got)))


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(["Access is denied", "ſystem error", "KELVIN", "İstanbul", "a.b*c", "(5)", "x"])
       | st.text(min_size=1, max_size=6), _TEXT, st.booleans())
def test_literal_evidence_test_equals_the_escaped_regex(value, line, ignore_case):
    from acronis_triage.analyzers.signatures.matching import _literal_test

    line = line.replace("\n", " ")
    expected = re.search(re.escape(value), line, re.IGNORECASE if ignore_case else 0) is not None
    assert _literal_test(value, ignore_case)(line) == expected
    assert _literal_test(value, ignore_case)(line.upper()) == (
        re.search(re.escape(value), line.upper(), re.IGNORECASE if ignore_case else 0) is not None)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "No such file or directory", "Permission denied", "Input/output error",
                                 "No space left on device", "Connection refused", "errno 2", "ENOSPC"]),
                max_size=12).map(" ".join))
def test_text_keys_with_the_strerror_prefilter_equal_the_regex_alone(text):
    rx, by_text = codes._strerror_regex()
    expected = []
    for m in rx.finditer(text[:codes.MAX_KEY_TEXT]):
        key = f"errno:{by_text[m.group(0)]}"
        if key not in expected:
            expected.append(key)
    assert set(expected) <= set(codes.text_keys(text))  # every message found, whatever else the text gives
