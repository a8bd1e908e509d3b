"""The console's error-block labels and failure words in every language we have a real sample of
(``resources/kb/localization.yaml``, each with the page it was seen on)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# localization.yaml key -> the console-block parser's canonical name
ENTRY_KEYS = {"error_code": "code", "module": "module", "line_info": "lineinfo", "fields": "fields",
              "message": "message"}
HEADER_KEYS = {"date": "date", "code": "code", "module": "module", "message": "message", "context": "context"}


@lru_cache(maxsize=1)
def languages() -> tuple[dict[str, Any], ...]:
    from acronis_triage.analyzers.kb.datafile import load_yaml_files
    from acronis_triage.analyzers.knowledge import current

    path = current().kb / "localization.yaml"
    if not path.is_file():
        return ()
    [(_, doc, _)] = load_yaml_files([path], "localization")
    labels = doc.get("labels") if isinstance(doc, dict) else None
    return tuple(x for x in labels or () if isinstance(x, dict))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def entry_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages():
        for key, canon in ENTRY_KEYS.items():
            for label in _strings(lang.get(key)):
                out.setdefault(label.strip().rstrip(":：").strip(), canon)
    return out


def header_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages():
        header = lang.get("header")
        if not isinstance(header, dict):
            continue
        for key, canon in HEADER_KEYS.items():
            for label in _strings(header.get(key)):
                out.setdefault(label.strip().rstrip(":：").strip().lower(), canon)
    return out


def additional_info_labels() -> list[str]:
    return [label.strip().rstrip(":：").strip() for lang in languages()
            for label in _strings(lang.get("additional_info"))]


def localized_error_words() -> list[str]:
    return [w for lang in languages() for w in _strings(lang.get("error_words"))]
