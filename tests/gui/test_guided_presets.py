"""Presets of the guided mode: the shipped ones are usable, a broken one is refused with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from acronis_triage.app.gui.guided.presets import (
    DEFAULT_PRESET,
    PresetError,
    available_presets,
    check_case_id,
    load_preset,
    parse_preset,
)
from acronis_triage.collectors.registry import discover

GOOD = """
title: {en: Backups fail, de: Sicherungen schlagen fehl}
intro: Your backups fail.
collectors: [products, acronis_logs]
since_days: 3
"""


def test_the_shipped_presets_load_and_name_only_real_collectors() -> None:
    known = {c.name for c in discover(entry_points=False).collectors}
    names = available_presets()
    assert {DEFAULT_PRESET, "backup-fails", "agent-offline"} <= set(names)
    for name in names:
        preset = load_preset(name)
        assert preset.unknown_collectors(known) == [], name
        # Every shipped preset speaks to the end user in English and in German, the shipped translation.
        for field in ("title", "intro"):
            assert preset.text(field, "en") and preset.text(field, "de") != preset.text(field, "en"), (name, field)
    assert load_preset(DEFAULT_PRESET).collectors is None  # everything a plain collect takes
    assert load_preset("backup-fails").since_days == 14
    assert "connectivity" in (load_preset("agent-offline").collectors or ())


def test_a_preset_file_can_be_given_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD, encoding="utf-8")
    preset = load_preset(str(path))
    assert preset.name == "mine"
    assert preset.collectors == ("products", "acronis_logs")
    assert preset.text("title", "de") == "Sicherungen schlagen fehl"
    assert preset.text("intro", "fr") == "Your backups fail."  # English when the language has no text
    as_json = tmp_path / "mine2.json"
    as_json.write_text(json.dumps({"title": "t", "intro": "i", "collectors": "default"}), encoding="utf-8")
    assert load_preset(str(as_json)).collectors is None


@pytest.mark.parametrize(("text", "message"), [
    ("title: t\nintro: i\n", "'collectors' is missing"),
    ("title: t\nintro: i\ncollectors: []\n", "collectors must be a list"),
    ("title: t\nintro: i\ncollectors: [a]\nsince_days: 0\n", "since_days must be"),
    ("title: t\nintro: i\ncollectors: [a]\nsince_days: true\n", "since_days must be"),
    ("title: t\nintro: i\ncollectors: [a]\nsince_days: .nan\n", "since_days must be"),
    ("title: t\nintro: i\ncollectors: [a]\ninclude_slow: yes please\n", "include_slow must be true or false"),
    ("title: t\nintro: i\ncollectors: [a]\ncolour: red\n", "unknown field(s) colour"),
    ("title: {en: ''}\nintro: i\ncollectors: [a]\n", "title must be a text"),
    ("- just\n- a list\n", "expected a mapping"),
    ("title: [unclosed\n", "not valid YAML"),
])
def test_a_broken_preset_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(PresetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_preset(text, "broken")


def test_an_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(PresetError, match="unknown preset 'nope'; known: agent-offline, backup-fails, general"):
        load_preset("nope")
    with pytest.raises(PresetError, match="give a preset name"):
        load_preset("../../etc/passwd")


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
_KEYS = st.sampled_from(["title", "intro", "collectors", "since_days", "include_slow", "send_to", "other"])


@given(st.text(max_size=300) | st.dictionaries(_KEYS, _VALUES, max_size=7).map(yaml.safe_dump))
@settings(max_examples=400, deadline=None)
def test_any_text_is_a_preset_or_one_clear_error(text: str) -> None:
    message = ""
    try:
        preset = parse_preset(text, "fuzz")
    except PresetError as exc:
        message = str(exc)
    if message:
        assert message.startswith("preset fuzz:") and "\n" not in message
    else:
        assert preset.title and preset.intro and 0 < preset.since_days <= 36500


@pytest.mark.parametrize("case", ["12345", "CASE-2024.07_1"])
def test_case_ids_that_fit_a_file_name_are_taken(case: str) -> None:
    assert check_case_id(f"  {case} ") == case


@pytest.mark.parametrize("case", ["", "   ", "a b", "../x", "x/y", "a\\b", "x" * 65, "\u202etxt", "-rf", "#42", "a..b"])
def test_case_ids_that_cannot_be_part_of_a_file_name_are_refused(case: str) -> None:
    with pytest.raises(PresetError):
        check_case_id(case)
