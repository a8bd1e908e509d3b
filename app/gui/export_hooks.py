"""Where the window meets the export options (format, redaction level, password, split size, case ID, keywords).

Those options are fields of `app.pipeline.CollectOptions` that the export work adds. The window shows a control
only when its field exists, and hands the value over in the field's own type; nothing here writes an archive.
Each option lists the field names it answers to, the first one present is used.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from acronis_triage.app.pipeline import CollectOptions

FORMAT_FIELDS = ("format", "archive_format")
REDACT_FIELDS = ("redact", "redaction", "redact_level")
PASSWORD_FIELDS = ("password",)
SPLIT_FIELDS = ("split", "split_size", "volume_size")
CASE_ID_FIELDS = ("case_id",)
KEYWORDS_FIELDS = ("keywords", "custom_keywords", "redact_keywords")

STANDARD, FULL = "standard", "full"


def _fields() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(CollectOptions)}


def field_for(names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that `CollectOptions` has, or None when the option does not exist yet."""
    fields = _fields()
    return next((n for n in names if n in fields), None)


def supports(names: tuple[str, ...]) -> bool:
    return field_for(names) is not None


def redaction_levels() -> tuple[str, ...]:
    """Secret stripping is always there; full pseudonymisation only once the export work provides it."""
    return (STANDARD, FULL) if supports(REDACT_FIELDS) else (STANDARD,)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?\s*$")
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str) -> int | None:
    """``25M`` → 26214400; None for an empty or unreadable size."""
    m = _SIZE.match(text or "")
    if not m:
        return None
    value = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    return value or None


@dataclass
class ExportChoices:
    """What the Export step asks for. Empty values mean "the default"."""

    format: str = "zip"
    redact: str = STANDARD
    password: str = ""
    split: str = ""  # as typed: 25M
    case_id: str = ""
    keywords: list[str] = field(default_factory=list)


def apply(options: CollectOptions, choices: ExportChoices) -> list[str]:
    """Set every export option `CollectOptions` has; returns the fields that were set (the others do not exist)."""
    types = {f.name: str(f.type) for f in dataclasses.fields(CollectOptions)}
    wanted: list[tuple[tuple[str, ...], Any]] = [
        (FORMAT_FIELDS, choices.format if choices.format != "zip" else None),
        (REDACT_FIELDS, choices.redact if choices.redact != STANDARD else None),
        (PASSWORD_FIELDS, choices.password or None),
        (SPLIT_FIELDS, choices.split.strip() or None),
        (CASE_ID_FIELDS, choices.case_id.strip() or None),
        # the technician's own terms are pseudonymised only under full redaction (the pipeline refuses them otherwise)
        (KEYWORDS_FIELDS, ([k for k in choices.keywords if k.strip()] or None) if choices.redact == FULL else None),
    ]
    done = []
    for names, value in wanted:
        name = field_for(names)
        if name is None or value is None:
            continue
        kind = types.get(name, "")
        if names is SPLIT_FIELDS and "int" in kind and "str" not in kind:
            value = parse_size(value)
        elif names is KEYWORDS_FIELDS and "tuple" in kind:
            value = tuple(value)
        setattr(options, name, value)
        done.append(name)
    return done
