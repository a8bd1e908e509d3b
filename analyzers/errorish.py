"""Does an event look like an error, whatever its source said its level was?

A pasted line has no level; an MMS info line can carry a failed request's error body; a message can be in any
of the languages the Acronis console ships in. An event that looks like an error must never be dropped: if no
signature claims it, it is reported with its decoded codes and the KB articles most like it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from acronis_triage.analyzers.model import Event

_ERROR_LEVELS = frozenset(("warning", "error", "critical"))
# A failed request whose error body an info line carries (DOMAIN.md §2.1: "Request to AMS failed with status: 400,
# body: {...}"), or the Acronis error-code lookup link that only errors carry.
_FAILED_STATUS = re.compile(r"\bfail\w*\b[^\n]{0,80}?\b(?:status|http)\w*\s*[:=]?\s*[45]\d\d\b|errorcode\?ser=|"
                            r"\"kb_link\"|\bserCode\b", re.IGNORECASE)
# Kinds whose level is only guessed from words: everything that looks like an error counts.
_FREE_TEXT_KINDS = frozenset(("text", "console_block"))
_CHAIN_ERROR = re.compile(r"^\|\s*error\s+0x[0-9a-f]+\s*:", re.IGNORECASE | re.MULTILINE)

# Failure words of the languages the Acronis console ships in, beyond the English, German, French, Italian, Spanish
# and Japanese ones the level guesser knows; extended from resources/kb/localization.yaml (`error_words`).
_BASE_WORDS = (
    "error", "failed", "failure", "fails", "cannot", "could not", "unable", "denied", "exception", "invalid",
    "incorrect", "timed out", "refused", "unreachable", "unavailable", "expired", "corrupted", "not responding",
    "fehler", "fehlgeschlagen", "erreur", "échec", "échoué", "errore", "non riuscit", "fallid", "falló", "error",
    "エラー", "失敗",
)


@lru_cache(maxsize=1)
def error_words() -> tuple[str, ...]:
    words = set(_BASE_WORDS)
    try:
        from acronis_triage.analyzers.kb.localization import localized_error_words

        words.update(w.lower() for w in localized_error_words())
    except Exception:  # noqa: BLE001 - a broken language file must not stop the analysis
        pass
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _word_regex() -> re.Pattern[str]:
    parts = []
    for word in error_words():
        escaped = re.escape(word)
        # Latin words are whole words (so "terror" is not "error"); CJK words have no word boundaries.
        parts.append(rf"\b{escaped}" if word[:1].isascii() and word[:1].isalpha() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


_NEGATED = re.compile(r"\b(?:no|0|zero|without)\s+(?:errors?|failures?)\b|\blast\s+error\s*[:=]\s*(?:no error|none|0)"
                      r"|\berrors?\s*[:=]\s*(?:0|none)\b", re.IGNORECASE)


def looks_like_error(event: Event) -> bool:
    if event.level in _ERROR_LEVELS:
        return True
    text = event.raw or event.message
    if _FAILED_STATUS.search(text) or _CHAIN_ERROR.search(text):
        return True
    if event.kind not in _FREE_TEXT_KINDS:
        return False  # a level the log itself wrote (MMS letter, XML type, JSON level) wins over its words
    if any(c.module is None and c.code >= 0x80000000 for c in event.codes):
        return True
    if any(c.module is not None and c.composite and c.module not in (0,) for c in event.codes) and \
            event.kind in ("text", "paste", "console_block"):
        return True
    cleaned = _NEGATED.sub(" ", text)
    if _word_regex().search(cleaned):
        return True
    from acronis_triage.analyzers.codes import text_keys

    return any(k.startswith(("win32:", "errno:", "http:4", "http:5")) for k in text_keys(text))


def promote(event: Event) -> Event:
    """Raise an info/debug event that looks like an error to ``error`` (its own level word wins if it has one)."""
    if event.level not in _ERROR_LEVELS and looks_like_error(event):
        event.level = "error"
    return event
