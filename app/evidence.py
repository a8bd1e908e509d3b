"""What support will need (a signature's ``information_needed``), recognised by its words and looked for in a bundle.

The rules are data (``resources/escalation/evidence.yaml``): which words name an item, which bundle members hold it,
and how to get it when it is missing. Items that name the same thing (three findings asking for `vssadmin list
writers`) become one entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class EvidenceRule:
    id: str
    match: tuple[re.Pattern[str], ...]
    in_bundle: tuple[re.Pattern[str], ...]
    how: str


@lru_cache(maxsize=1)
def evidence_rules() -> tuple[EvidenceRule, ...]:
    import yaml

    from acronis_triage.resources import resource_path

    data = yaml.safe_load((resource_path("escalation") / "evidence.yaml").read_text(encoding="utf-8"))
    return tuple(EvidenceRule(str(r["id"]), tuple(re.compile(p, re.I) for p in r.get("match") or ()),
                              tuple(re.compile(p) for p in r.get("in_bundle") or ()), str(r.get("how") or ""))
                 for r in data["rules"])


def information_items(findings: dict[str, Any], members: list[str]) -> list[dict[str, Any]]:
    """One entry per distinct item support will need, with where it is in the bundle or how to get it."""
    by_key: dict[str, dict[str, Any]] = {}
    for finding in findings.get("findings") or []:
        if not isinstance(finding, dict):
            continue
        for item in finding.get("information_needed") or []:
            text = " ".join(str(item).split())
            rule = next((r for r in evidence_rules() if any(p.search(text) for p in r.match)), None)
            key = rule.id if rule else _slug(text)  # items that name the same thing are one entry
            entry = by_key.get(key)
            if entry is None:
                found = [m for m in members if rule and any(p.search(m) for p in rule.in_bundle)]
                entry = by_key[key] = {
                    "id": key, "item": text, "signatures": [], "in_bundle": found[:5],
                    "how": rule.how if rule else "Attach it to the case, or say why it cannot be had.",
                    "status": None, "note": None,
                }
            elif text.lower() not in entry["item"].lower():
                entry["item"] += f"; {text}"
            signature = str(finding.get("signature", ""))
            if signature and signature not in entry["signatures"]:
                entry["signatures"].append(signature)
    return list(by_key.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "item"


def bundle_members(manifest: dict[str, Any]) -> list[str]:
    return [str(f.get("path", "")) for f in manifest.get("files") or [] if isinstance(f, dict)]
