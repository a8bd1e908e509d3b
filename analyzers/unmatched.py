"""Error and warning events that no signature claimed, grouped into templates ("Unmatched Entries").

Two steps keep the cost per event small: one regex masks the variable tokens (times, numbers, hex, GUIDs, IPs,
paths, quoted strings) and a dict counts the masked lines; at the end Drain3 merges the few masked templates
that still differ in a token. Times are parsed only for the first and last line of each template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acronis_triage.analyzers.model import Evidence, FoldedGroup, FoldedTemplates, UnmatchedTemplate

MAX_TEMPLATES = 50
MAX_TEXT = 500
MAX_CONTEXT = 8000
WILDCARD = "<*>"

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEEP = re.compile(r"[A-Z][0-9A-F]{8}:?")  # MMS event codes name the event type: keep them
_NO_DIGITS = str.maketrans("", "", "0123456789")
_QUOTE_MARK = "\x00"
_SPECIAL = re.compile(r"[0-9\x00\\]")
_ZEROS = str.maketrans("123456789", "000000000")
_ZERO_BYTES = bytes.maketrans(b"123456789", b"000000000")
# The shape of an MMS message body, bytes only: quoted strings as the quote mark, and each run of printable ASCII
# (no space, no quote) that holds a digit as "0". Two bodies of one shape mask to one template (see `_shape`).
_CODE_TOKEN = re.compile(rb"[A-Z][0-9A-F]{8}:?")
_QUOTED_BYTES = re.compile(rb"'[^']*'|\"[^\"]*\"")
_DIGIT_RUN = re.compile(rb"[!#-&(-~]*[0-9][!#-&(-~]*")


def mask(text: str) -> str:
    """The line with its variable tokens replaced by ``<*>``, leading time/thread tokens dropped.

    Token by token (a single regex alternation costs ~20 us per line in Python's re): quoted strings, tokens
    with a digit (numbers, hex, GUIDs, IPs, times, versions) and paths become ``<*>``, except MMS event codes.
    """
    text = _QUOTED.sub(_QUOTE_MARK, text[:MAX_TEXT])
    out: list[str] = []
    lead = True  # leading tokens with digits are the time and thread id of the line head: dropped
    special = _SPECIAL.search
    for tok in text.split():
        if special(tok) is not None:  # a digit, a quoted string or a backslash: one C call for the common case
            if tok.translate(_NO_DIGITS) != tok:
                if out or not _KEEP.fullmatch(tok):  # only a leading event code is kept
                    tok = WILDCARD if not lead else ""
            else:
                tok = WILDCARD
        elif "/" in tok and len(tok) > 1:
            tok = WILDCARD
        if not tok:
            continue
        lead = False
        if tok == WILDCARD and out and out[-1] == WILDCARD:
            continue
        out.append(tok)
    return " ".join(out)


# Bounds that keep memory and time flat whatever the log: each distinct template costs about 1 KB while it is
# tracked, and Drain3 compares a template with every cluster of its length (quadratic in the worst case: 10,000
# templates that do not merge took 5 s, 20,000 took 27 s). Events past them are folded into groups by level, event
# code, number of tokens and first word, each group keeping the tokens all its events share (a cheap grouping that
# does not depend on the order of the events, so the parts of a split file fold alike), and what was folded is
# reported (`FoldedTemplates`).
MAX_TRACKED = 10_000  # distinct templates told apart, in the order they first occur
MAX_GROUPED = 1_000  # the most frequent of them grouped by Drain3
MAX_FOLD_GROUPS = 1_000  # groups of folded events; past it, one group per level ("*")
FOLD_GROUPS_REPORTED = 20
_CACHE_ENTRIES = 20_000  # masked lines and shapes remembered (each ~0.3 KB); past it the cache starts again


@dataclass(slots=True)
class _Stat:
    level: str
    kind: str
    count: int
    example: Evidence
    last_text: str | bytes | bytearray
    first_time: datetime | None = None
    last_time: datetime | None = None
    context: str = ""


# level, event code (or first words), number of tokens, the token after the code; (level, "*", 0, "") past the cap
FoldKey = tuple[str, str, int, str]


@dataclass(slots=True)
class _Fold:
    count: int
    first_line: int  # where the group's first folded event is (orders the groups as one pass over the file would)
    tokens: list[str] | None  # the tokens every folded template of the group has, WILDCARD where they differ


def _fold_into(folded: dict[FoldKey, _Fold], level: str, head: str, tokens: list[str] | None, count: int,
               line: int | Callable[[], int]) -> None:
    """Count `count` events of a template (its `tokens`; its `head` from `fold_key`) into its group."""
    key: FoldKey = (level, head, len(tokens), tokens[1] if len(tokens) > 1 else "") if tokens is not None \
        else (level, "*", 0, "")
    group = folded.get(key)
    if group is None and len(folded) >= MAX_FOLD_GROUPS:
        key, tokens = (level, "*", 0, ""), None
        group = folded.get(key)
    if group is None:
        folded[key] = _Fold(count, line() if callable(line) else line, list(tokens) if tokens is not None else None)
        return
    group.count += count
    mine = group.tokens
    if mine is not None and tokens is not None:
        for i, tok in enumerate(tokens):
            if mine[i] != tok:
                mine[i] = WILDCARD


def fold_key(template: str) -> str:
    """What folded events are grouped by: the MMS event code a template starts with, or its first three words."""
    head, _, _ = template.partition(" ")
    if _KEEP.fullmatch(head):
        return head.rstrip(":")
    return " ".join(template.split()[:3])


class UnmatchedCollector:
    """Counts masked templates for one or more files; picklable so worker processes can return it."""

    def __init__(self) -> None:
        self.stats: dict[tuple[str, str], _Stat] = {}
        self.folded: dict[FoldKey, _Fold] = {}  # the events of templates first seen past MAX_TRACKED
        self._masked: dict[str, str] = {}
        self._masked_raw: dict[bytes, str] = {}
        self._shapes: dict[bytes, str] = {}
        self._shape_tries = self._shape_hits = self._shape_pause = 0

    def __getstate__(self) -> dict[str, Any]:
        # Flat tuples, not objects: a worker's part of a template-heavy log holds 10,000 templates, and pickling
        # them as dataclass instances cost more than scanning them (0.9 s of CPU per 200 MB, out and back in).
        stats = [(tpl, level, st.kind, st.count, st.example.file, st.example.line, st.example.text, st.last_text,
                  st.first_time, st.last_time, st.context) for (tpl, level), st in self.stats.items()]
        folded = [(*key, g.count, g.first_line, g.tokens) for key, g in self.folded.items()]
        return {"stats": stats, "folded": folded}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        # The templates stay rows until something asks for `stats`: `extend` folds most of a template-heavy part
        # straight from its rows, without making objects of them.
        del self.stats
        self._rows = state["stats"]
        self.folded = {(level, head, n, word): _Fold(count, first_line, tokens)
                       for level, head, n, word, count, first_line, tokens in state["folded"]}

    def __getattr__(self, name: str) -> Any:
        if name != "stats" or "_rows" not in self.__dict__:
            raise AttributeError(name)
        self.stats = {(tpl, level): _Stat(level, kind, count, Evidence(file, line, text), last, first_t, last_t,
                                          context)
                      for tpl, level, kind, count, file, line, text, last, first_t, last_t, context in self._rows}
        del self._rows
        return self.stats

    def _template_rows(self) -> Iterator[tuple[Any, ...]]:
        if "stats" not in self.__dict__ and "_rows" in self.__dict__:
            yield from self._rows
            return
        for (tpl, level), st in self.stats.items():
            yield (tpl, level, st.kind, st.count, st.example.file, st.example.line, st.example.text, st.last_text,
                   st.first_time, st.last_time, st.context)

    def add(self, text: str, level: str, kind: str, file: str, line: int | Callable[[], int],
            time: datetime | None = None, context: str = "") -> None:
        # MMS heads start with time and thread id, which masking drops; after the event code, the template does not
        # depend on digit values (every token with a digit is masked), so the cache key has them all as 0.
        if kind == "mms":
            body = text.split(" ", 2)[-1]
            cut = body.find(" ")
            key = body[:cut] + body[cut:].translate(_ZEROS) if cut > 0 else body
        else:
            body = key = text
        template = self._masked.get(key)
        if template is None:
            if len(self._masked) > _CACHE_ENTRIES:
                self._masked.clear()
            template = self._masked[key] = mask(body)
        st = self.stats.get((template, level))
        if st is not None:
            st.count += 1
            st.last_text = text
            if time is not None:
                st.last_time = time
            return
        if len(self.stats) >= MAX_TRACKED:
            _fold_into(self.folded, level, fold_key(template), template.split(" "), 1, line)
            return
        line_no = line() if callable(line) else line
        self.stats[(template, level)] = _Stat(level, kind, 1, Evidence(file, line_no, text[:MAX_TEXT]), text, time,
                                              time, context[:MAX_CONTEXT] if context != text else "")

    def add_mms_head(self, raw: bytes | bytearray, level: str, file: str, line_at: Callable[[int], int],
                     offset: int) -> None:
        """`add` for an MMS head line still in bytes: the cache key is built with a bytes translate (several
        times cheaper than str.translate), and the line is decoded, and its number ``line_at(offset)`` counted,
        only when its template is new."""
        body = raw.split(b" ", 2)[-1]
        cut = body.find(b" ")
        key = bytes(body[:cut] + body[cut:].translate(_ZERO_BYTES)) if cut > 0 else bytes(body)
        template = self._masked_raw.get(key)
        if template is None:
            if len(self._masked_raw) > _CACHE_ENTRIES:
                self._masked_raw.clear()
                self._shapes.clear()
            # GUIDs, names and paths make most keys new (~1 in 5 MMS warning lines); their shape is shared. Where
            # shapes are new too (words that vary: a template-heavy log), they are not looked for for a while.
            shape = template = None
            if self._shape_pause:
                self._shape_pause -= 1
            else:
                shape = _shape(body, cut)
                template = self._shapes.get(shape) if shape is not None else None
                self._shape_tries += 1
                self._shape_hits += template is not None
                if self._shape_tries == 512:
                    if self._shape_hits < 32:
                        self._shape_pause = 8192
                    self._shape_tries = self._shape_hits = 0
            if template is None:
                template = mask(body.decode("utf-8", errors="replace").rstrip("\r"))
                if shape is not None:
                    self._shapes[shape] = template
            self._masked_raw[key] = template
        st = self.stats.get((template, level))
        if st is not None:
            st.count += 1
            st.last_text = raw
            return
        if len(self.stats) >= MAX_TRACKED:
            _fold_into(self.folded, level, fold_key(template), template.split(" "), 1, lambda: line_at(offset))
            return
        text = raw.decode("utf-8", errors="replace").rstrip("\r")
        self.stats[(template, level)] = _Stat(level, "mms", 1, Evidence(file, line_at(offset), text[:MAX_TEXT]), text)

    def resolve_times(self, time_of: Callable[[str, str], datetime | None]) -> None:
        """Fill first/last times from the stored example lines; `time_of(kind, text)` parses one line. Once per
        file: the parts of a split file keep their last lines until they are merged (`extend`)."""
        for st in self.stats.values():
            if st.first_time is None:
                st.first_time = time_of(st.kind, st.example.text)
            if st.last_time is None or st.count > 1:
                last = st.last_text
                if not isinstance(last, str):
                    last = bytes(last).decode("utf-8", errors="replace").rstrip("\r")
                st.last_time = time_of(st.kind, last) or st.last_time
            st.last_text = ""

    def merge(self, other: UnmatchedCollector) -> None:
        """Add the finished templates of another file (the earliest example wins)."""
        for key, st in other.stats.items():
            mine = self.stats.get(key)
            if mine is None:
                if len(self.stats) >= MAX_TRACKED:
                    _fold_into(self.folded, st.level, fold_key(key[0]), key[0].split(" "), st.count, st.example.line)
                else:
                    self.stats[key] = st
                continue
            mine.count += st.count
            if st.first_time and (mine.first_time is None or _sortable(st.first_time) < _sortable(mine.first_time)):
                mine.example = st.example
                mine.context = st.context
            mine.first_time = _earliest(mine.first_time, st.first_time)
            mine.last_time = _latest(mine.last_time, st.last_time)
        for (level, head, *_), group in other.folded.items():
            _fold_into(self.folded, level, head, group.tokens, group.count, group.first_line)

    def extend(self, other: UnmatchedCollector, line_offset: int) -> None:
        """Add the templates of the next part of the same file (its lines counted from 1, `line_offset` lines
        after this one's first), before `resolve_times`: the result is that of one pass over both parts. A template
        is tracked if fewer than `MAX_TRACKED` were when it first occurred, and folded groups are made in the order
        of their first folded event."""
        to_fold: list[tuple[int, str, str, list[str] | None, int]] = []
        stats = self.stats
        for tpl, level, kind, count, file, line, text, last, first_t, last_t, context in other._template_rows():
            line += line_offset
            mine = stats.get((tpl, level))
            if mine is not None:
                mine.count += count
                if last_t is not None:
                    mine.last_time = last_t
                mine.last_text = last
            elif len(stats) < MAX_TRACKED:
                stats[(tpl, level)] = _Stat(level, kind, count, Evidence(file, line, text), last, first_t, last_t,
                                            context)
            else:
                to_fold.append((line, level, fold_key(tpl), tpl.split(" "), count))
        to_fold.extend((group.first_line + line_offset, level, head, group.tokens, group.count)
                       for (level, head, *_), group in other.folded.items())
        to_fold.sort(key=lambda item: item[0])
        for line, level, head, tokens, count in to_fold:
            _fold_into(self.folded, level, head, tokens, count, line)

    def templates(self, limit: int = MAX_TEMPLATES) -> list[UnmatchedTemplate]:
        return self.group(limit)[0]

    def group(self, limit: int = MAX_TEMPLATES) -> tuple[list[UnmatchedTemplate], FoldedTemplates]:
        """The `limit` most frequent templates, after Drain3 merged those that differ in a few tokens, and what the
        caps folded: templates past the `MAX_GROUPED` most frequent are folded too, not given to Drain3."""
        stats = self.stats
        folded = {key: _Fold(g.count, g.first_line, None if g.tokens is None else list(g.tokens))
                  for key, g in self.folded.items()}
        past = 0
        if len(stats) > MAX_GROUPED:
            ranked = sorted(stats.items(), key=lambda kv: -kv[1].count)  # stable: ties in order of appearance
            past = len(ranked) - MAX_GROUPED
            kept = {key for key, _ in ranked[:MAX_GROUPED]}
            for (template, level), st in ranked[MAX_GROUPED:]:
                _fold_into(folded, level, fold_key(template), template.split(" "), st.count, st.example.line)
            stats = {key: st for key, st in stats.items() if key in kept}
        groups = _drain_groups(stats)
        out = []
        for (level, text), members in groups.items():
            first = min(members, key=lambda s: (s.first_time is None, _sortable(s.first_time) if s.first_time else 0))
            out.append(UnmatchedTemplate(
                template=text,
                level=level,
                count=sum(s.count for s in members),
                first_seen=_fold(_earliest, (s.first_time for s in members)),
                last_seen=_fold(_latest, (s.last_time for s in members)),
                example=first.example,
                context=first.context,
            ))
        out.sort(key=lambda t: (-t.count, t.template))
        ordered = sorted(folded.items(), key=lambda kv: (-kv[1].count, kv[0]))
        summary = FoldedTemplates(
            tracked_cap=MAX_TRACKED, grouped_cap=MAX_GROUPED, tracked=len(self.stats),
            events=sum(g.count for g in folded.values()), templates=past,
            groups=[FoldedGroup(level, head, g.count, " ".join(g.tokens) if g.tokens is not None else "")
                    for (level, head, *_), g in ordered[:FOLD_GROUPS_REPORTED]],
            group_count=len(folded))
        return out[:limit], summary


def _shape(body: bytes | bytearray, cut: int) -> bytes | None:
    """A key that determines `mask` of an MMS body beginning with its event code, or None when it cannot.

    Sound because `mask` keeps the leading event code, replaces each quoted string by one mark before splitting,
    and turns every later token that holds a digit into a wildcard whatever its other characters: quoted strings
    become the mark here too, and a digit run becomes "0", which changes no token boundary (spaces, control
    characters and non-ASCII bytes, where Unicode whitespace lives, are never part of a run) and leaves a digit in
    its token. Bodies longer than `MAX_TEXT` are left out: `mask` cuts them before looking at the tokens."""
    if cut <= 0 or len(body) > MAX_TEXT or _CODE_TOKEN.fullmatch(body, 0, cut) is None:
        return None
    return bytes(body[:cut]) + _DIGIT_RUN.sub(b"0", _QUOTED_BYTES.sub(b"\x00", body[cut:]))


def preload_drain() -> None:
    """Import Drain3 ahead of `templates` (the parallel scan calls this while it waits for a worker)."""
    try:
        import drain3.template_miner
        import drain3.template_miner_config  # noqa: F401
    except ImportError:
        pass


def _drain_groups(stats: dict[tuple[str, str], _Stat]) -> dict[tuple[str, str], list[_Stat]]:
    """Merge masked templates that differ in a few tokens, with Drain3 in memory."""
    if len(stats) < 2:
        return {(lvl, tpl): [st] for (tpl, lvl), st in stats.items()}
    try:
        from drain3 import TemplateMiner
        from drain3.template_miner_config import TemplateMinerConfig
    except ImportError:
        return {(lvl, tpl): [st] for (tpl, lvl), st in stats.items()}
    import logging  # here: ~4 ms at every start otherwise

    logging.getLogger("drain3").setLevel(logging.WARNING)
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    cluster_of = {}
    for (tpl, lvl), _st in sorted(stats.items(), key=lambda kv: -kv[1].count):
        cluster_of[(tpl, lvl)] = miner.add_log_message(f"{lvl} {tpl}")["cluster_id"]
    templates = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    groups: dict[tuple[str, str], list[_Stat]] = {}
    for (_tpl, lvl), st in stats.items():
        text = templates[cluster_of[(_tpl, lvl)]]
        text = text[len(lvl) + 1:] if text.startswith(lvl + " ") else text
        groups.setdefault((lvl, text), []).append(st)
    return groups


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b, key=_sortable)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=_sortable)


def _sortable(t: datetime) -> float:
    try:
        return t.timestamp()
    except (OverflowError, OSError, ValueError):
        return 0.0


def _fold(fn, values: Iterable[datetime | None]) -> datetime | None:  # type: ignore[no-untyped-def]
    result = None
    for v in values:
        result = fn(result, v)
    return result
