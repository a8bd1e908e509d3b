"""Matching one event against one signature's rule, and the search patterns the prefilter and ripgrep use."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from acronis_triage.analyzers.model import ErrorCode, Event
from acronis_triage.analyzers.signatures import CompiledRule, Condition, Rule, Signature
from acronis_triage.analyzers.signatures.database import PatternDatabase
from acronis_triage.analyzers.signatures.patterns import code_regex, condition_patterns, rust_compatible


def _sig(rule: Rule) -> Signature:
    return Signature(id="t", title="t", severity="error", rule=rule)


def _event(raw: str, level: str = "error", kind: str = "mms", codes=()) -> Event:
    return Event(datetime(2020, 1, 1, tzinfo=UTC), level, raw, "f", 1, raw, kind, list(codes))


CODE = Rule(any=(Condition("code", code=0x80042313),))


@pytest.mark.parametrize("text", [
    "failed: 0x80042313", "failed: 0X80042313.", "code 0x80042313)", "hr=0x080042313",
    "error 2147754771 happened", "HRESULT -2147212525", "E80042313: snapshot",
])
def test_code_matches_every_printed_form(text):
    assert CompiledRule(_sig(CODE)).matches(_event(text))


def test_code_matches_lower_case_hex():
    assert CompiledRule(_sig(CODE)).matches(_event("failed: 0x80042313".lower()))


@pytest.mark.parametrize("text", ["0x800423130", "0x80042314", "12147754771", "x80042313y"])
def test_code_near_misses(text):
    assert not CompiledRule(_sig(CODE)).matches(_event(text))


def test_code_in_decoded_chain_without_text():
    rule = CompiledRule(_sig(CODE))
    assert rule.matches(_event("no code in the text", codes=[ErrorCode(None, 0x80042313)]))


def test_module_code_pair_against_chain_and_text():
    rule = CompiledRule(_sig(Rule(any=(Condition("code", code=22, module=309),))))
    assert rule.matches(_event("Error code: 22", codes=[ErrorCode(309, 22)]))
    assert rule.matches(_event("CODE 0x01350016+0x01C90009"))
    assert rule.matches(_event("Código de error: 20250646"))
    assert not rule.matches(_event("Error code: 22", codes=[ErrorCode(307, 22)]))


def test_short_composite_codes_need_the_0x_form():
    rule = CompiledRule(_sig(Rule(any=(Condition("code", code=0xFFF0),))))
    assert rule.matches(_event("| error 0xfff0: Access is denied"))
    assert not rule.matches(_event("buffer fff0 bytes"))


def test_literal_case_and_ignore_case():
    plain = CompiledRule(_sig(Rule(any=(Condition("literal", "Access is denied"),))))
    caseless = CompiledRule(_sig(Rule(any=(Condition("literal", "access is denied", ignore_case=True),))))
    assert plain.matches(_event("x Access is denied"))
    assert not plain.matches(_event("x ACCESS IS DENIED"))
    assert caseless.matches(_event("x ACCESS IS DENIED"))


def test_any_all_none_levels_kinds():
    rule = CompiledRule(_sig(Rule(
        any=(Condition("literal", "snapshot"), Condition("literal", "shadow copy")),
        all=(Condition("regex", r"writer '[^']+'"),),
        none=(Condition("literal", "retry succeeded"),),
        levels=("error",), kinds=("mms",),
    )))
    assert rule.matches(_event("shadow copy writer 'System Writer' failed"))
    assert not rule.matches(_event("shadow copy failed"))  # all missing
    assert not rule.matches(_event("writer 'X' failed"))  # any missing
    assert not rule.matches(_event("snapshot writer 'X' retry succeeded"))  # none present
    assert not rule.matches(_event("snapshot writer 'X'", level="warning"))
    assert not rule.matches(_event("snapshot writer 'X'", kind="jsonl"))


def test_conditions_span_the_detail_lines_of_one_event():
    rule = CompiledRule(_sig(Rule(any=(Condition("literal", "fix VSS errors"),),
                                  all=(Condition("literal", "Access is denied"),))))
    event = _event("E00950505: An attempt to fix VSS errors has failed.\n| error 0xfff0: Access is denied")
    event.line = 10
    assert rule.matches(event)
    assert rule.evidence_line(event) == (10, "E00950505: An attempt to fix VSS errors has failed.")


def test_prefilter_patterns_are_looser_than_conditions():
    specs = condition_patterns(Condition("code", code=0x80042313))
    assert {s.regex for s in specs} == {"80042313", "2147754771", "2147212525"}
    compiled = [s.compile_py() for s in specs]
    for text in ("0x80042313", "0x0080042313", "E80042313:", "-2147212525"):
        assert any(rx.search(text) for rx in compiled), text


def test_rust_compatible_drops_only_needless_escapes():
    assert rust_compatible(r'a\"b\'c\/d\.e\[f\]\d\-') == r"""a"b'c/d\.e\[f\]\d\-"""
    assert re.compile(rust_compatible(r"\:\ x")).search(": x")


def test_code_regex_is_word_bounded():
    rx = re.compile(code_regex(0x1350016))
    assert rx.search("0x01350016+0x01C90009")
    assert rx.search("E01350016: x")
    assert not rx.search("0x013500160")


@pytest.mark.skipif(shutil.which("rg") is None, reason="ripgrep not installed")
def test_ripgrep_accepts_every_pattern_of_the_shipped_database(tmp_path):
    from acronis_triage.analyzers.signatures import load_signatures

    db = PatternDatabase.build(load_signatures().signatures, use_hyperscan=False)
    patterns = tmp_path / "p.txt"
    patterns.write_text("\n".join(db.rg_patterns()) + "\n", encoding="utf-8")
    log = tmp_path / "x.log"
    log.write_text("2020-01-01T10:00:00:000+01:00 1 E00950505: An attempt to fix VSS errors has failed.\nok\n")
    proc = subprocess.run(["rg", "-c", "-f", str(patterns), str(log)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_caseless_patterns_for_rg_are_scoped_so_joined_lines_keep_their_case():
    from acronis_triage.analyzers.signatures.patterns import PatternSpec

    assert PatternSpec("Access is denied", caseless=True).for_rg() == "(?i:Access is denied)"
    assert PatternSpec("E00950505").for_rg() == "E00950505"
    joined = "|".join(p.for_rg() for p in (PatternSpec("abc", caseless=True), PatternSpec("XYZ")))
    rx = re.compile(joined)
    assert rx.search("ABC") and rx.search("XYZ") and not rx.search("xyz")
