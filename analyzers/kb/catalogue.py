"""Acronis error codes with the message Acronis documents for them, and what each module number is
(``resources/kb/error_codes.yaml``; every entry with the page it was read from)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class CodeInfo:
    key: str
    message: str
    url: str
    meaning: str = ""


@dataclass(frozen=True)
class ModuleInfo:
    module: int
    component: str
    url: str


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, CodeInfo], dict[int, ModuleInfo]]:
    from acronis_triage.analyzers.kb.datafile import load_yaml_files
    from acronis_triage.analyzers.knowledge import current

    path = current().kb / "error_codes.yaml"
    if not path.is_file():
        return {}, {}
    [(_, doc, problem)] = load_yaml_files([path], "errorcodes")
    if problem or not isinstance(doc, dict):
        return {}, {}
    codes: dict[str, CodeInfo] = {}
    for raw in doc.get("codes") or []:
        key = _key(raw)
        if key and key not in codes and raw.get("message"):
            codes[key] = CodeInfo(key, str(raw["message"]), str(raw.get("url") or ""), str(raw.get("meaning") or ""))
    modules: dict[int, ModuleInfo] = {}
    for raw in doc.get("modules") or []:
        try:
            number = int(raw["module"])
        except (KeyError, TypeError, ValueError):
            continue
        modules.setdefault(number, ModuleInfo(number, str(raw.get("component") or ""), str(raw.get("url") or "")))
    return codes, modules


def _key(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return None
    code = str(raw.get("code") or "")
    kind = str(raw.get("kind") or "")
    if kind == "win32" and code.isdigit():
        return f"win32:{int(code)}"
    if code.lower().startswith("0x"):
        from acronis_triage.analyzers.codes import spec_keys

        try:
            return spec_keys(code)[0]
        except ValueError:
            return None
    return None


def code_info(key: str) -> CodeInfo | None:
    return _load()[0].get(key)


def module_info(module: int) -> ModuleInfo | None:
    return _load()[1].get(module)
