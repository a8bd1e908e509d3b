"""Which format a text is in, from its content (DOMAIN.md §2.5: ``<?xml``/``<log`` → XML, else line regexes)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable

from acronis_triage.analyzers.formats.activity_json import MARKERS as ACTIVITY_MARKERS
from acronis_triage.analyzers.formats.console_block import (
    ADDITIONAL_LINE,
    BASE_LABELS,
    ENTRY_LINE,
    header_label,
    learn_labels,
)
from acronis_triage.analyzers.formats.installer import MSI_BANNER, MSI_ENGINE, MSI_LINE, SETUP_LINE, SYSLOG_LINE
from acronis_triage.analyzers.formats.jsonl import LEVEL_KEYS, MESSAGE_KEYS, TIME_KEYS
from acronis_triage.analyzers.formats.mms import BARE_HEAD
from acronis_triage.analyzers.formats.mms import HEAD as MMS_HEAD
from acronis_triage.analyzers.formats.windows_event import EVENT_HEAD

KINDS = (
    "mms",
    "xml_activity",
    "jsonl",
    "console_block",
    "activity_json",
    "installer",
    "windows_event",
    "vssadmin",
    "text",
)

_XML_LOG = re.compile(r"<log[\s>/]")
_VSSADMIN = re.compile(
    r"^vssadmin \d|^(?:Writer name|Provider name|Shadow Copy Storage association|Contents of shadow copy set)\b",
    re.IGNORECASE | re.MULTILINE,
)
_VSS_STATE = re.compile(r"^\s+[^:]+:\s*\[\d+\]", re.MULTILINE)
_GUID_LINE = re.compile(r"^\s+[^:]+:\s*\{[0-9A-Fa-f-]{36}\}\s*$", re.MULTILINE)
_FORMAT_LIST = re.compile(r"^(?:TimeCreated|TimeGenerated)\s+:", re.MULTILINE)
_FORMAT_LIST_OTHER = re.compile(r"^(?:ProviderName|EntryType|LevelDisplayName)\s+:", re.MULTILINE)
_ACRONIS_PROGRAM = re.compile(r"acronis|trueimage|aakore|mms|snapapi", re.IGNORECASE)
_MAX_LINES = 400


def _json_object(line: str) -> dict | None:
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def _is_log_object(obj: dict) -> bool:
    keys = set(obj)
    return bool(keys & set(MESSAGE_KEYS)) and bool(keys & (set(LEVEL_KEYS) | set(TIME_KEYS)))


def _console_markers(lines: list[str]) -> bool:
    for i, line in enumerate(lines):
        if ADDITIONAL_LINE.match(line) or header_label(line) == "date":
            return True
        m = ENTRY_LINE.match(line)
        if m and any(ENTRY_LINE.match(x) for x in lines[i + 1 : i + 4]):
            return True
    # entries in a console language we have no labels for, recognised by their values
    return "0x" in "".join(lines) and learn_labels(lines) is not BASE_LABELS


def _installer_line(line: str) -> bool:
    if SETUP_LINE.match(line) or MSI_LINE.match(line) or MSI_BANNER.match(line) or MSI_ENGINE.search(line):
        return True
    m = SYSLOG_LINE.match(line)
    return bool(m and _ACRONIS_PROGRAM.search(m["prog"]))


def detect_kind(head_text: str, name: str = "", exclude: Iterable[str] = ()) -> str:
    """The format of a text from its first lines (``name`` is only a tie-breaker); ``text`` when unsure."""
    excluded = set(exclude)
    text = head_text.lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        return "text"
    lines = text.splitlines()[:_MAX_LINES]
    nonempty = [x for x in lines if x.strip()]
    first = nonempty[0].strip()

    if "xml_activity" not in excluded and (
        (stripped.startswith("<") and _XML_LOG.search(text[:8192]))
        or (stripped.startswith("<?xml") and "<event" in text)
    ):
        return "xml_activity"

    if first.startswith(("{", "[")):
        obj = _json_object(first)
        if obj is not None and _is_log_object(obj) and "jsonl" not in excluded:
            return "jsonl"
        if "activity_json" not in excluded and any(marker in text for marker in ACTIVITY_MARKERS):
            return "activity_json"
        objects = sum(1 for x in nonempty if _is_log_object(_json_object(x.strip()) or {}))
        if objects and objects * 2 >= len(nonempty) and "jsonl" not in excluded:
            return "jsonl"

    if "windows_event" not in excluded and (
        EVENT_HEAD.match(first) or (_FORMAT_LIST.search(text) and _FORMAT_LIST_OTHER.search(text))
    ):
        return "windows_event"

    if "vssadmin" not in excluded and (_VSSADMIN.search(text) or (_VSS_STATE.search(text) and _GUID_LINE.search(text))):
        return "vssadmin"

    if "console_block" not in excluded and _console_markers(nonempty):
        return "console_block"

    if "mms" not in excluded and (any(MMS_HEAD.match(x) for x in nonempty) or any(
            BARE_HEAD.match(x) and y.lstrip().startswith("|") for x, y in itertools.pairwise(nonempty))):
        return "mms"

    if "installer" not in excluded:
        hits = sum(1 for x in nonempty if _installer_line(x))
        if hits and (hits * 3 >= len(nonempty) or any(MSI_BANNER.match(x) for x in nonempty)):
            return "installer"
        if hits and re.search(r"setup|install|msi", name, re.IGNORECASE):
            return "installer"

    if "jsonl" not in excluded and any(_is_log_object(_json_object(x.strip()) or {}) for x in nonempty):
        return "jsonl"
    return "text"
