"""Refresh the Qt translations of the window: extract the strings, then compile the .qm files Qt loads.

    python tools/update_translations.py            # lupdate the .ts files, then lrelease them into .qm
    python tools/update_translations.py --check    # exit 1 if a .ts lacks a string of the code or a translation

Both tools come with PySide6-Essentials (``pyside6-lupdate``, ``pyside6-lrelease``). The .ts files
(resources/translations/acronis_triage_<lang>.ts) are the source a translator edits, with Qt Linguist
(``pyside6-linguist``) or any text editor; the .qm files beside them are what the window loads
(app/gui/main.py and app/gui/guided/main.py look for ``acronis_triage_<locale>.qm``). Both are committed, so a
build needs no Qt tools. Translated today: the guided mode (app/gui/guided/), in German.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
SOURCES = sorted((ROOT / "app" / "gui" / "guided").glob("*.py"))
LANGUAGES = {"de": "de_DE"}


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        sys.exit(f"pyside6-{name} not found: install PySide6-Essentials (pip install -e .)")
    return found


def lupdate(ts: Path, language: str) -> None:
    subprocess.run([tool("lupdate"), *map(str, SOURCES), "-ts", str(ts), "-target-language", language,
                    "-no-obsolete", "-locations", "none", "-silent"], check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm), "-silent"], check=True)


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) → translation, or None when the translation is missing or unfinished."""
    out: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            text = translation.text if translation is not None else None
            if translation is not None and translation.get("type") in ("unfinished", "obsolete", "vanished"):
                text = None
            out[(name, message.findtext("source", ""))] = text if text and text.strip() else None
    return out


def check() -> list[str]:
    """What is wrong with the committed translations: strings of the code missing from a .ts, untranslated
    strings, a .qm older than its .ts."""
    problems = []
    for lang, qt_language in LANGUAGES.items():
        ts = TRANSLATIONS / f"acronis_triage_{lang}.ts"
        if not ts.is_file():
            problems.append(f"{ts.name} is missing")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / ts.name
            shutil.copyfile(ts, fresh)
            lupdate(fresh, qt_language)
            current, committed = messages(fresh), messages(ts)
            for key in sorted(set(current) - set(committed)):
                problems.append(f"{ts.name}: not extracted yet: [{key[0]}] {key[1]!r}")
            for key in sorted(set(committed) - set(current)):
                problems.append(f"{ts.name}: no longer in the code: [{key[0]}] {key[1]!r}")
            for key, text in sorted(committed.items()):
                if text is None:
                    problems.append(f"{ts.name}: untranslated: [{key[0]}] {key[1]!r}")
            qm = TRANSLATIONS / f"acronis_triage_{lang}.qm"
            problems += _qm_matches(qm, committed)
    return problems


def _qm_matches(qm: Path, expected: dict[tuple[str, str], str | None]) -> list[str]:
    """The compiled file must give every translation of the .ts (compared through Qt, not byte for byte: lrelease
    versions lay out the same catalogue differently)."""
    from PySide6.QtCore import QTranslator  # noqa: TID251 - the check loads the .qm as the window does

    translator = QTranslator()
    if not translator.load(str(qm)):
        return [f"{qm.name} is missing or unreadable: run python tools/update_translations.py"]
    stale = [key for key, text in expected.items() if text is not None and translator.translate(*key) != text]
    if stale:
        context, source = stale[0]
        return [f"{qm.name} is older than its .ts ({len(stale)} strings differ, first [{context}] {source!r}): "
                f"run python tools/update_translations.py"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when something is missing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for line in problems:
            print(line)
        return 1 if problems else 0
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for lang, qt_language in LANGUAGES.items():
        ts = TRANSLATIONS / f"acronis_triage_{lang}.ts"
        lupdate(ts, qt_language)
        lrelease(ts, TRANSLATIONS / f"acronis_triage_{lang}.qm")
        untranslated = [k for k, v in messages(ts).items() if v is None]
        print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} strings, {len(untranslated)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
