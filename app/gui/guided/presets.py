"""Presets of the guided mode: which collectors to run, over which time window, with a short text for the end user.

A technician starts ``acronis-triage gui --guided --preset backup-fails --case-id 12345`` on the customer's
machine; the preset decides what is collected, so the end user never has to choose. Presets are small YAML (or
JSON) files in ``resources/presets/``; ``--preset`` also takes the path of such a file.

No Qt here: the command line checks a preset before any window opens.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PRESET = "general"
# Every collector (the slow ones as the preset's include_slow says): what a plain `acronis-triage collect` takes.
ALL_DEFAULT = "default"
MAX_SINCE_DAYS = 36500.0  # the same bound as `collect --since`
_KEYS = frozenset({"title", "intro", "collectors", "since_days", "include_slow", "send_to"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class PresetError(Exception):
    """A preset that cannot be used; the message is the one line the technician sees."""


@dataclass(frozen=True)
class Preset:
    """One preset. Texts are keyed by language (``en``, ``de`` ...); `text` picks one.

    Attributes:
        name: the file's stem, as given to ``--preset``.
        title: what the problem is, in the end user's words ("Backups fail").
        intro: why the technician asks for this collection, in plain words.
        collectors: collector names, or ``None`` for every collector that runs by default.
        since_days: how many days of logs to take.
        include_slow: run the slow optional collectors too (minutes longer).
        send_to: where the end user sends the file ("your technician at Example IT, help@example.com").
    """

    name: str
    title: Mapping[str, str]
    intro: Mapping[str, str]
    collectors: tuple[str, ...] | None = None
    since_days: float = 7.0
    include_slow: bool = False
    send_to: Mapping[str, str] = field(default_factory=dict)

    def text(self, which: str, language: str) -> str:
        """The title, intro or send_to text in ``language`` (``de``), else English, else any."""
        texts: Mapping[str, str] = getattr(self, which)
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")

    def unknown_collectors(self, known: Iterable[str]) -> list[str]:
        """The collectors this preset names that are not installed here (a plugin missing, a typo)."""
        names = set(known)
        return [n for n in self.collectors or () if n not in names]


def presets_folder() -> Path:
    from acronis_triage.resources import resource_path

    return resource_path("presets")


def available_presets(folder: Path | None = None) -> list[str]:
    folder = folder or presets_folder()
    return sorted(p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def load_preset(name_or_path: str, folder: Path | None = None) -> Preset:
    """The preset called ``name_or_path`` in the shipped folder, or the preset file at that path.

    Raises `PresetError` with one line naming what is wrong (unknown preset and the known ones, a broken file,
    a wrong field).
    """
    folder = folder or presets_folder()
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix in (".yaml", ".yml", ".json") and candidate.is_file():
        path = candidate
    elif _NAME.match(name_or_path):
        found = [folder / f"{name_or_path}{ext}" for ext in (".yaml", ".yml", ".json")]
        path = next((p for p in found if p.is_file()), found[0])
        if not path.is_file():
            raise PresetError(f"unknown preset {name_or_path!r}; known: {', '.join(available_presets(folder))}")
    else:
        raise PresetError(f"unknown preset {name_or_path!r}: give a preset name "
                          f"({', '.join(available_presets(folder))}) or the path of a .yaml or .json preset file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(f"preset {path.name} cannot be read: {exc}") from exc
    return parse_preset(text, path.stem, json_format=path.suffix == ".json")


def parse_preset(text: str, name: str, *, json_format: bool = False) -> Preset:
    if json_format:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PresetError(f"preset {name}: not valid JSON: {exc}") from exc
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise PresetError(f"preset {name}: not valid YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(data, dict):
        raise PresetError(f"preset {name}: expected a mapping of fields ({', '.join(sorted(_KEYS))})")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise PresetError(f"preset {name}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    for required in ("title", "intro", "collectors"):
        if required not in data:
            raise PresetError(f"preset {name}: the field {required!r} is missing")
    return Preset(
        name=name,
        title=_texts(data["title"], name, "title"),
        intro=_texts(data["intro"], name, "intro"),
        collectors=_collectors(data["collectors"], name),
        since_days=_since_days(data.get("since_days", 7), name),
        include_slow=_flag(data.get("include_slow", False), name, "include_slow"),
        send_to=_texts(data["send_to"], name, "send_to") if "send_to" in data else {},
    )


def _texts(value: Any, name: str, key: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not (isinstance(value, dict) and value
            and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())):
        raise PresetError(f"preset {name}: {key} must be a text, or a mapping of language (en, de ...) to text")
    return {k: " ".join(v.split()) for k, v in value.items()}


def _collectors(value: Any, name: str) -> tuple[str, ...] | None:
    if value == ALL_DEFAULT:
        return None
    if not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
        raise PresetError(f"preset {name}: collectors must be a list of collector names "
                          f"(see `acronis-triage collect --list`) or {ALL_DEFAULT!r}")
    return tuple(dict.fromkeys(value))


def _since_days(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 < value <= MAX_SINCE_DAYS:
        raise PresetError(f"preset {name}: since_days must be a number of days greater than 0 and at most "
                          f"{MAX_SINCE_DAYS:g}, not {value!r}")
    return float(value)


def _flag(value: Any, name: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise PresetError(f"preset {name}: {key} must be true or false, not {value!r}")
    return value


def check_case_id(text: str) -> str:
    """The technician's case ID, trimmed, by the rule of ``collect --case-id`` (it names the bundle the same way);
    `PresetError` saying what is accepted otherwise."""
    from acronis_triage.app.export import check_case_id as export_rule

    try:
        return export_rule(text.strip())
    except ValueError as exc:
        raise PresetError(str(exc)) from exc
