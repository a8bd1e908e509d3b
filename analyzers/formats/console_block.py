"""Console / e-mail "Additional info" error blocks that users copy-paste (DOMAIN.md §2.2), in EN/DE/IT/FR/ES/JA.

A block is an optional header (``DATE AND TIME`` / ``CODE`` / ``MODULE`` / ``MESSAGE`` lines, each followed by
its value) and entries separated by dashes, each with ``Error code:``, ``Module:``, ``LineInfo:``,
``Fields:`` (JSON) and ``Message:``. Entries go outer → inner: the last ones are the root cause.
Text around the blocks (a pasted log excerpt) is parsed by the other formats.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from acronis_triage.analyzers.errorcodes import (
    ERROR_CODE_LABELS,
    MODULE_LABELS,
    pair_code,
    parse_decimal,
    parse_hex,
    parse_sercode,
)
from acronis_triage.analyzers.formats.base import Parser
from acronis_triage.analyzers.formats.timeparse import parse_time
from acronis_triage.analyzers.model import ErrorCode, Event

# Label → canonical name. All [V] from the DOMAIN.md §2.2 table except where marked.
ENTRY_LABELS: dict[str, str] = {
    **{label: "code" for label in ERROR_CODE_LABELS},
    **{label: "module" for label in MODULE_LABELS},
    "LineInfo": "lineinfo",
    "Zeileninfo": "lineinfo",
    "Información de línea": "lineinfo",
    "行情報": "lineinfo",
    "Fields": "fields",
    "Felder": "fields",
    "Campi": "fields",
    "Champs": "fields",
    "Campos": "fields",
    "フィールド": "fields",
    "Message": "message",
    "Nachricht": "message",
    "Messaggio": "message",
    "Mensaje": "message",
    "メッセージ": "message",
}
ADDITIONAL_INFO: tuple[str, ...] = (
    "Additional info",
    "Zusätzliche Informationen",
    "Informazioni aggiuntive",
    "Información adicional",
    # [U] not in a real sample: French and Japanese renderings.
    "Informations supplémentaires",
    "追加情報",
)
# Header labels stand alone on their line; the value follows on the next lines.
HEADER_LABELS: dict[str, str] = {
    "date and time": "date",
    "code": "code",
    "module": "module",
    "message": "message",
    "context": "context",
    # [U] localized headers, not seen in a real sample.
    "datum und uhrzeit": "date",
    "modul": "module",
    "nachricht": "message",
    "data e ora": "date",
    "modulo": "module",
    "messaggio": "message",
    "date et heure": "date",
    "fecha y hora": "date",
    "módulo": "module",
    "mensaje": "message",
    "código": "code",
    "日時": "date",
    "コード": "code",
    "モジュール": "module",
    "メッセージ": "message",
}


def _alternation(labels: Any) -> str:
    return "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))


def _with_localization() -> None:
    """Labels of the other console languages, from resources/kb/localization.yaml (each seen on a real page)."""
    try:
        from acronis_triage.analyzers.kb import localization
    except ImportError:  # pragma: no cover
        return
    try:
        for label, canon in localization.entry_labels().items():
            ENTRY_LABELS.setdefault(label, canon)
        for label, canon in localization.header_labels().items():
            HEADER_LABELS.setdefault(label, canon)
        global ADDITIONAL_INFO
        ADDITIONAL_INFO = tuple(dict.fromkeys((*ADDITIONAL_INFO, *localization.additional_info_labels())))
    except Exception:  # noqa: BLE001 - a broken language file must not stop the analysis
        return


_with_localization()


@dataclass(frozen=True)
class Labels:
    """The entry labels one document is read with: the known ones, plus any learned from its own lines."""

    canon: dict[str, str]
    entry_line: re.Pattern[str]
    inline_split: re.Pattern[str]

    @classmethod
    def of(cls, labels: dict[str, str]) -> Labels:
        alternation = _alternation(labels)
        return cls(
            {k.lower(): v for k, v in labels.items()},
            re.compile(r"^\s*(?P<label>" + alternation + r")\s*[:：]\s?(?P<value>.*)$", re.IGNORECASE),
            # "Error code: 10001, Module: 20, Fields: {...}" on one line (DOMAIN.md §2.7).
            re.compile(r",\s*(?=(?:" + alternation + r")\s*[:：])", re.IGNORECASE),
        )

    def match(self, line: str) -> tuple[str, str] | None:
        """``(canonical name, value)`` of an entry line."""
        m = self.entry_line.match(line)
        if m is None:
            return None
        return self.canon[m["label"].lower()], m["value"]


BASE_LABELS = Labels.of(ENTRY_LABELS)
ENTRY_LINE = BASE_LABELS.entry_line
ADDITIONAL_LINE = re.compile(r"^\s*(?:" + _alternation(ADDITIONAL_INFO) + r")\s*[:：]?\s*$", re.IGNORECASE)
SEPARATOR = re.compile(r"^\s*-{6,}\s*$")
_LABEL_CANON = BASE_LABELS.canon

# An entry in a language with no known labels is still recognisable by its values, in the console's fixed order:
# "<label>: <integer>", "<label>: <integer>", "<label>: 0x<16 hex digits>", "<label>: {json}", "<label>: <text>".
_LABELLED = re.compile(r"^\s*(?P<label>[^\W\d_][^:：\n]{0,40}?)\s*[:：]\s?(?P<value>.*)$")
_INT = re.compile(r"^\d[\d,.\u00a0 ]*$")
_LINE_TAG = re.compile(r"^(?:0x)?[0-9A-Fa-f]{16}$")


def learn_labels(lines: list[str]) -> Labels:
    """`BASE_LABELS`, plus the labels of entries written in a language we have no sample of."""
    learned: dict[str, str] = {}
    for i in range(len(lines) - 2):
        found = [_LABELLED.match(x) for x in lines[i:i + 3]]
        trio = [m for m in found if m is not None]
        if len(trio) < 3 or not (_INT.match(trio[0]["value"].strip()) and _INT.match(trio[1]["value"].strip())
                                 and _LINE_TAG.match(trio[2]["value"].strip())):
            continue
        names = ["code", "module", "lineinfo"]
        for j in (3, 4):
            m = _LABELLED.match(lines[i + j]) if i + j < len(lines) else None
            if m is None:
                break
            if j == 3 and m["value"].lstrip().startswith("{"):
                trio.append(m)
                names.append("fields")
            elif m["label"].lower() not in learned and len(names) >= 3:
                trio.append(m)
                names.append("message")
                break
        for m, name in zip(trio, names, strict=False):
            label = m["label"].strip()
            if label.lower() not in _LABEL_CANON:
                learned.setdefault(label, name)
    if not learned:
        return BASE_LABELS
    return Labels.of({**ENTRY_LABELS, **learned})


_JSON_PAIR = re.compile(r'"(?P<key>[^"\\]+)"\s*:\s*(?P<value>"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)')


def header_label(line: str) -> str | None:
    text = line.strip().rstrip(":：").strip().lower()
    return HEADER_LABELS.get(text) if text else None


def parse_fields(value: str) -> dict[str, Any]:
    """The ``Fields:`` JSON, leniently: shortened or broken JSON still gives its readable key/value pairs."""
    value = value.strip()
    try:
        obj = json.loads(value)
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        return obj
    pairs: dict[str, Any] = {}
    for m in _JSON_PAIR.finditer(value):
        try:
            pairs.setdefault(m["key"], json.loads(m["value"]))
        except ValueError:
            pairs.setdefault(m["key"], m["value"])
    return pairs


def _number(value: str) -> int | None:
    value = value.strip()
    if value.lower().startswith("0x"):
        return parse_hex(value.split()[0])
    m = re.match(r"[\d,.\u00a0 ]+", value)
    return parse_decimal(m.group(0).strip()) if m else None


@dataclass
class _Entry:
    values: dict[str, str] = field(default_factory=dict)
    last: str | None = None

    def code(self) -> ErrorCode | None:
        number = _number(self.values.get("code", ""))
        if number is None:
            return None
        module = _number(self.values.get("module", ""))
        c = pair_code(number, module)
        return ErrorCode(c.module, c.code, self.values.get("message", "").strip())


@dataclass
class _Block:
    first: int
    lines: list[str] = field(default_factory=list)
    header: dict[str, list[str]] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)


class ConsoleBlockParser(Parser):
    kind = "console_block"
    line_based = False

    def parse_document(self, text: str, file: str) -> list[Event]:
        lines = text.splitlines()
        blocks, outside = self.split(lines, learn_labels(lines))
        events = [self._event(b, file) for b in blocks]
        if outside:
            events.extend(_parse_outside(outside, file))
        events.sort(key=lambda e: e.line)
        return events

    def split(self, lines: list[str], labels: Labels = BASE_LABELS) -> tuple[list[_Block], list[tuple[int, str]]]:
        """Blocks, and the ``(line number, line)`` pairs that belong to no block."""
        blocks: list[_Block] = []
        outside: list[tuple[int, str]] = []
        block: _Block | None = None
        mode = ""  # "header" | "entries" | "" (outside)
        header_key: str | None = None
        entry: _Entry | None = None
        after_blank = False
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            hlabel = header_label(line)
            if hlabel == "date" or (hlabel and mode != "header" and self._header_follows(lines, number)):
                block = _Block(number)
                blocks.append(block)
                mode, header_key, entry = "header", hlabel, None
                block.lines.append(line)
                continue
            if ADDITIONAL_LINE.match(line):
                if block is None or mode != "header":
                    block = _Block(number)
                    blocks.append(block)
                mode, entry = "entries", None
                block.lines.append(line)
                continue
            if SEPARATOR.match(line) and (mode == "header" or (mode == "" and self._entry_follows(lines, number,
                                                                                                 labels))):
                if block is None or mode == "":
                    block = _Block(number)
                    blocks.append(block)
                mode, entry = "entries", None
                block.lines.append(line)
                continue
            m = labels.entry_line.match(line)
            if m and (mode == "entries" or labels.canon.get(m["label"].lower()) == "code"):
                if block is None or mode == "":
                    block = _Block(number)
                    blocks.append(block)
                    entry = None
                mode = "entries"
                for part in labels.inline_split.split(stripped):
                    pm = labels.entry_line.match(part)
                    if pm is None:
                        continue
                    key = labels.canon[pm["label"].lower()]
                    if entry is None or key in entry.values:
                        entry = _Entry()
                        block.entries.append(entry)
                    entry.values[key] = pm["value"].strip()
                    entry.last = key
                block.lines.append(line)
                after_blank = False
                continue
            if mode == "header" and block is not None:
                if hlabel:
                    header_key = hlabel
                elif stripped and header_key:
                    block.header.setdefault(header_key, []).append(stripped)
                block.lines.append(line)
                continue
            if mode == "entries" and block is not None:
                if SEPARATOR.match(line):
                    entry = None
                    block.lines.append(line)
                    continue
                if not stripped:
                    after_blank = True
                    block.lines.append(line)
                    continue
                if entry is not None and entry.last in ("message", "fields") and not after_blank:
                    entry.values[entry.last] += "\n" + stripped
                    block.lines.append(line)
                    continue
                mode, block, entry = "", None, None
            after_blank = False
            outside.append((number, line))
        for b in blocks:
            while b.lines and not b.lines[-1].strip():
                b.lines.pop()
        return blocks, outside

    @staticmethod
    def _entry_follows(lines: list[str], number: int, labels: Labels = BASE_LABELS) -> bool:
        """A dashes line outside a block starts one only if an ``Error code:`` line comes next."""
        following = next((x for x in lines[number : number + 3] if x.strip()), "")
        m = labels.match(following)
        return bool(m and m[0] == "code")

    @staticmethod
    def _header_follows(lines: list[str], number: int) -> bool:
        """A bare ``CODE``/``MODULE`` line starts a header only if another header label follows soon."""
        return any(header_label(x) for x in lines[number : number + 4])

    def _event(self, block: _Block, file: str) -> Event:
        fields: dict[str, Any] = {}
        codes = [c for c in (e.code() for e in block.entries) if c is not None]
        header = {k: "\n".join(v) for k, v in block.header.items()}
        sercode = header.get("code", "").split()[0] if header.get("code") else ""
        if sercode:
            fields["serCode"] = sercode
        if not codes and sercode:
            codes = parse_sercode(sercode) if sercode.lower().startswith("0x") else []
            if not codes and (number := _number(sercode)) is not None:
                codes = [pair_code(number, _number(header.get("module", "")))]
        if "module" in header:
            fields["module"] = header["module"]
        if "context" in header:
            fields["context"] = header["context"]
        entries: list[dict[str, Any]] = []
        for e in block.entries:
            parsed = parse_fields(e.values["fields"]) if "fields" in e.values else {}
            fields.update(parsed)  # inner entries win: the root cause's $module is the useful one
            entries.append(
                {
                    "code": e.values.get("code"),
                    "module": e.values.get("module"),
                    "lineinfo": e.values.get("lineinfo"),
                    "fields": parsed,
                    "message": e.values.get("message", ""),
                }
            )
        if entries:
            fields["entries"] = entries
            fields["root_message"] = entries[-1]["message"]
        messages = [e["message"] for e in entries if e["message"]]
        message = header.get("message") or (messages[0] if messages else "") or (block.lines[0].strip())
        return Event(
            parse_time(header.get("date", "")),
            "error",
            message.strip(),
            file,
            block.first,
            "\n".join(block.lines),
            self.kind,
            codes,
            fields,
        )


def _parse_outside(outside: list[tuple[int, str]], file: str) -> list[Event]:
    """Runs of lines outside any block, parsed in whatever format they are in."""
    # Imported here: the registry in analyzers.formats imports this module.
    from acronis_triage.analyzers.formats import parse_text

    events: list[Event] = []
    run: list[tuple[int, str]] = []
    for item in [*outside, (-1, "")]:
        if run and (item[0] != run[-1][0] + 1):
            text = "\n".join(x for _, x in run)
            if text.strip():
                for ev in parse_text(text, file, exclude=("console_block",)):
                    ev.line += run[0][0] - 1
                    events.append(ev)
            run = []
        if item[0] > 0:
            run.append(item)
    return events
