"""The shipped KB index and the "possibly related" search over it.

Every record in ``resources/kb/articles/*.yaml`` is one KB article (or Acronis documentation page) as it was read:
its number, the URL it was read from, its title, the error strings and codes it documents, its products, and a
short summary in our own words. Records of the same article (two languages, two harvest areas) are merged.

An error that no signature confirms is searched for here with Okapi BM25 over those fields. Codes are tokens of
their own (``acr:0x01350016``, ``win32:1326`` ...; `analyzers.codes`), so a German or Polish message with the same
code finds the English article; words are lower-cased, Latin-script words cut to a simple stem, and Chinese and
Japanese text split into character pairs, which needs no dictionary.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

# BM25 parameters: the usual k1 and b; fields are weighted by repeating their tokens.
K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"title": 3, "errors": 3, "localized": 2, "codes": 2, "summary": 1, "products": 1, "steps": 1}
MIN_SCORE = 6.0  # below this, an answer shares only common words with the question
TOKENIZER_VERSION = 2  # bump when `tokens`, `code_tokens` or FIELD_WEIGHTS change: cached term counts are keyed by it

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_HEXISH = re.compile(r"^(?:0x)?[0-9a-f]{6,}$")
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for", "from", "has",
    "have", "if", "in", "into", "is", "it", "its", "may", "no", "not", "of", "on", "or", "that", "the", "their",
    "then", "there", "these", "this", "to", "was", "were", "when", "which", "while", "will", "with", "you", "your",
    "after", "before", "all", "also", "any", "because", "both", "each", "how", "more", "most", "other", "some",
    "such", "than", "them", "they", "too", "very", "what", "who", "why", "would", "should", "could", "shall",
    "only", "own", "same", "so", "acronis", "error", "errors", "failed", "fails", "fail", "failure", "backup",
    "backups", "please", "see", "use", "using", "used", "following",
))


def stem(word: str) -> str:
    """A light English suffix cut, enough to make "backups"/"backup" and "failed"/"fails" one term."""
    for suffix in ("ations", "ation", "ings", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for m in _WORD.finditer(text.lower()):
        word = m.group(0)
        if _CJK.search(word):
            chars = [c for c in word if not c.isspace()]
            out.extend(a + b for a, b in itertools.pairwise(chars))
            if len(chars) == 1:
                out.append(chars[0])
            continue
        if word.isdigit() or _HEXISH.match(word) or len(word) < 3 or word in _STOP:
            continue  # numbers and hex tags are read as codes below, not as words
        out.append(stem(word))
    return out


def code_tokens(text: str) -> list[str]:
    """Code keys of a text, without the generic wrapper levels ("TOL: Failed to execute the command" and the like
    wrap every failure: they say nothing about which one)."""
    from acronis_triage.analyzers.codes import chain_keys, text_keys
    from acronis_triage.analyzers.errorcodes import OS_WRAPPER, WRAPPERS, find_codes

    chain = [c for c in find_codes(text) if (c.module, c.code) not in WRAPPERS and (c.module, c.code) != OS_WRAPPER]
    return [*chain_keys(chain), *text_keys(text)]


@dataclass
class Article:
    number: str
    urls: list[str]
    title: str = ""
    kind: str = "kb"  # kb | doc
    lang: str = "en"
    products: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # as printed on the page
    localized: list[str] = field(default_factory=list)
    summary: str = ""
    steps: list[str] = field(default_factory=list)
    source: str = ""  # how the record was read: "page" (default), "support-digest"
    read_from: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # other-language titles

    @property
    def url(self) -> str:
        return self.urls[0] if self.urls else ""

    def fields(self) -> dict[str, str]:
        return {
            "title": " ".join([self.title, *self.titles]),
            "errors": "\n".join(self.errors),
            "localized": "\n".join(self.localized),
            "codes": "\n".join(self.codes),
            "summary": self.summary,
            "products": " ".join(self.products),
            "steps": "\n".join(self.steps),
        }


@dataclass
class Problem:
    file: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.message}"


@dataclass(frozen=True)
class Match:
    article: Article
    score: float


class KBIndex:
    """Merged articles and their BM25 postings; build once, query many times."""

    def __init__(self, articles: list[Article], problems: list[Problem] | None = None, cache_key: str = "") -> None:
        self.articles = articles
        self.cache_key = cache_key
        self.problems = problems or []
        self.by_number = {a.number: a for a in articles}
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._lengths: list[int] = []
        self._idf: dict[str, float] = {}
        self._built = False

    def __len__(self) -> int:
        return len(self.articles)

    def _build(self) -> None:
        if self._built:
            return
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, counts in enumerate(self._term_counts()):
            self._lengths.append(sum(counts.values()))
            for tok, n in counts.items():
                postings.setdefault(tok, []).append((i, n))
        total = len(self.articles) or 1
        self._postings = postings
        self._idf = {t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        self._avg = (sum(self._lengths) / total) if self._lengths else 1.0
        self._built = True

    def _term_counts(self) -> list[dict[str, int]]:
        """Weighted term counts per article; tokenizing ~1,400 records costs ~0.2 s, so they are cached with the
        parsed records (keyed by the records' bytes and this tokenizer's version)."""
        from acronis_triage.analyzers.kb.datafile import read_cached_json, write_cached_json

        key = f"{self.cache_key}-t{TOKENIZER_VERSION}" if self.cache_key else ""
        cached = read_cached_json("kbterms", key) if key else None
        if isinstance(cached, list) and len(cached) == len(self.articles):
            return cached
        out: list[dict[str, int]] = []
        for article in self.articles:
            counts: Counter[str] = Counter()
            for name, text in article.fields().items():
                weight = FIELD_WEIGHTS[name]
                found = tokens(text)
                if name in ("errors", "codes", "localized", "title"):
                    found += code_tokens(text)
                for tok in found:
                    counts[tok] += weight
            out.append(dict(counts))
        if key:
            write_cached_json("kbterms", key, out)
        return out

    def search(self, text: str, limit: int = 3, min_score: float = MIN_SCORE,
               exclude: Iterable[str] = ()) -> list[Match]:
        """The `limit` best articles for an error text (codes count as terms), best first."""
        self._build()
        query = Counter(tokens(text[:8000]))
        for key in code_tokens(text[:8000]):
            query[key] += 2  # a code names the failure in any language: worth more than a word
        scores: dict[int, float] = {}
        for tok, qn in query.items():
            plist = self._postings.get(tok)
            if not plist:
                continue
            idf = self._idf[tok]
            for i, n in plist:
                norm = n + K1 * (1 - B + B * self._lengths[i] / self._avg)
                scores[i] = scores.get(i, 0.0) + qn * idf * n * (K1 + 1) / norm
        skip = set(exclude)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.articles[kv[0]].number))
        out = []
        for i, score in ranked:
            if score < min_score:
                break
            article = self.articles[i]
            if article.number in skip:
                continue
            out.append(Match(article, round(score, 2)))
            if len(out) >= limit:
                break
        return out


def default_directory() -> Path:
    from acronis_triage.analyzers.knowledge import current

    return current().kb / "articles"


@lru_cache(maxsize=4)
def load_index(directory: str | None = None) -> KBIndex:
    root = Path(directory) if directory else default_directory()
    from acronis_triage.analyzers.kb.datafile import load_yaml_files_keyed

    problems: list[Problem] = []
    merged: dict[str, Article] = {}
    files = sorted(p for p in root.glob("*.yaml") if p.is_file()) if root.is_dir() else []
    loaded, key = load_yaml_files_keyed(files, "kbindex")
    for path, doc, problem in loaded:
        if problem:
            problems.append(Problem(path.name, "", problem))
            continue
        for i, raw in enumerate(doc or []):
            try:
                _merge(merged, _article(raw))
            except ValueError as exc:
                label = str(raw.get("kb", f"record {i}")) if isinstance(raw, dict) else f"record {i}"
                problems.append(Problem(path.name, label, str(exc)))
    return KBIndex(sorted(merged.values(), key=lambda a: a.number), problems, key if not problems else "")


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        raise ValueError("must be a list of strings")
    out = []
    for v in value:
        if isinstance(v, dict):
            v = " ".join(str(x) for x in v.values() if x not in (None, ""))
        if v not in (None, ""):
            out.append(str(v).strip())
    return out


def _article(raw: Any) -> Article:
    if not isinstance(raw, dict):
        raise ValueError("a record must be a mapping")
    number = str(raw.get("kb") or "").strip()
    if not number:
        raise ValueError("no kb number")
    url = str(raw.get("url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError("url must be the http(s) address the page was read from")
    localized = [str(x.get("text", "")) if isinstance(x, dict) else str(x) for x in raw.get("localized") or []]
    codes = []
    for c in raw.get("codes") or []:
        codes.append(" ".join(str(v) for v in c.values()) if isinstance(c, dict) else str(c))
    return Article(
        number=number,
        urls=[url],
        title=str(raw.get("title") or "").strip(),
        kind=str(raw.get("type") or ("kb" if number.isdigit() else "doc")),
        lang=str(raw.get("lang") or "en"),
        products=_strings(raw.get("products")),
        errors=_strings(raw.get("errors")),
        codes=codes,
        localized=[x for x in localized if x.strip()],
        summary=" ".join(str(raw.get("summary") or "").split()),
        steps=_strings(raw.get("steps")),
        source=str(raw.get("source") or "page"),
        read_from=_strings(raw.get("read_from")),
    )


def _merge(merged: dict[str, Article], new: Article) -> None:
    old = merged.get(new.number)
    if old is None:
        merged[new.number] = new
        return
    for url in new.urls:
        if url not in old.urls:
            # an English page's address first: it is the one a technician can read
            old.urls.insert(0, url) if new.lang == "en" and old.lang != "en" else old.urls.append(url)
    if new.title and new.title != old.title:
        if not old.title or (new.lang == "en" and old.lang != "en"):
            if old.title:
                old.titles.append(old.title)
            old.title, old.lang = new.title, new.lang
        elif new.title not in old.titles:
            old.titles.append(new.title)
    for name in ("products", "errors", "codes", "localized", "steps", "read_from"):
        mine = getattr(old, name)
        mine.extend(x for x in getattr(new, name) if x not in mine)
    if new.summary and new.summary not in old.summary:
        old.summary = f"{old.summary} {new.summary}".strip()
    if old.source != "page" and new.source == "page":
        old.source = "page"
