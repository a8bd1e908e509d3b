"""What a run hands to the app, typed: the analysis and the manifest as the CLI, the summary and the escalation
form read them.

The bundle's documents (``analysis/findings.json``, ``manifest.json``) are written as before, from the analyzers'
and the pipeline's own records; these classes are their readers' side. They are built from the JSON, of this
run or of a bundle opened from disk, so every part is checked on the way in: an entry of the wrong type is left
out and a missing value reads as empty, and nothing past this point needs to look again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def dicts_in(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list; anything else (a missing key, a string, a number) reads as none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def dict_or_empty(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class ChainLink:
    """One level of an Acronis error chain, outer to inner (DOMAIN.md §2.3)."""

    hex: str
    text: str


@dataclass(frozen=True)
class EvidenceLine:
    """Where a finding was seen: file, line and the logged text (empty when the document has none)."""

    file: str
    line: str
    text: str


@dataclass(frozen=True)
class FoundIssue:
    """One confirmed finding of ``analysis/findings.json``."""

    signature: str
    title: str
    severity: str
    count: int
    first_seen: str  # ISO time as the analysis wrote it; empty when unknown
    last_seen: str
    kb: tuple[str, ...] = ()  # article numbers
    kb_urls: tuple[Any, ...] = ()  # as the document says: only http(s) ones are ever linked (`escalation.safe_url`)
    error_chain: tuple[ChainLink, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()
    workaround: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> FoundIssue:
        return cls(
            signature=str(entry.get("signature", "")),
            title=str(entry.get("title", "")),
            severity=str(entry.get("severity", "")),
            count=int(entry.get("count") or 0),
            first_seen=str(entry.get("first_seen") or ""),
            last_seen=str(entry.get("last_seen") or ""),
            kb=tuple(str(n) for n in entry.get("kb") or []),
            kb_urls=tuple(entry.get("kb_urls") or []),
            error_chain=tuple(ChainLink(str(c.get("hex", "")), str(c.get("text", "")))
                              for c in dicts_in(entry.get("error_chain"))),
            evidence=tuple(EvidenceLine(str(ev.get("file") or ""), str(ev.get("line", "")), str(ev.get("text") or ""))
                           for ev in dicts_in(entry.get("evidence"))),
            workaround=tuple(str(step) for step in entry.get("workaround") or []),
        )

    def summary_json(self) -> dict[str, Any]:
        """The finding as ``collect --json`` lists it."""
        return {"signature": self.signature, "title": self.title, "severity": self.severity, "kb": list(self.kb),
                "count": self.count}


@dataclass(frozen=True)
class NotAnalyzed:
    """A collected file the analysis could not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class AnalysisReport:
    """``analysis/findings.json`` as the app reads it: the findings (in the analysis' order) and what was not read."""

    findings: tuple[FoundIssue, ...] = ()
    not_analyzed: tuple[NotAnalyzed, ...] = ()

    @classmethod
    def from_json(cls, document: Any) -> AnalysisReport:
        doc = dict_or_empty(document)
        return cls(
            tuple(FoundIssue.from_json(f) for f in dicts_in(doc.get("findings"))),
            tuple(NotAnalyzed(str(s.get("path")), str(s.get("reason"))) for s in dicts_in(doc.get("skipped"))),
        )


@dataclass(frozen=True)
class Product:
    """An Acronis product the run found (``manifest.json`` ``products``)."""

    name: str
    component: str = ""
    version: str = ""
    build: str = ""

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Product:
        return cls(str(entry["name"]), str(entry.get("component") or ""), str(entry.get("version") or ""),
                   str(entry.get("build") or ""))


@dataclass(frozen=True)
class ManifestView:
    """``manifest.json`` as the escalation form reads it."""

    host: dict[str, Any] = field(default_factory=dict)
    identifiers: dict[str, Any] = field(default_factory=dict)
    products: tuple[Product, ...] = ()
    collectors: tuple[dict[str, Any], ...] = ()  # CollectorOutcome.to_json() of each collector
    member_paths: tuple[str, ...] = ()  # every file the bundle lists
    tool: dict[str, Any] = field(default_factory=dict)
    created_utc: str = ""

    @classmethod
    def from_json(cls, document: Any) -> ManifestView:
        doc = dict_or_empty(document)
        return cls(
            host=dict_or_empty(doc.get("host")),
            identifiers=dict_or_empty(doc.get("identifiers")),
            products=tuple(Product.from_json(p) for p in dicts_in(doc.get("products")) if p.get("name")),
            collectors=tuple(dicts_in(doc.get("collectors"))),
            member_paths=tuple(str(rec.get("path", "")) for rec in dicts_in(doc.get("files"))),
            tool=dict(dict_or_empty(doc.get("tool"))),
            created_utc=str(doc.get("created_utc") or ""),
        )
