"""Benchmark: does triage name the right KB article (or cause) for real Acronis error text?

The evaluation set is tests/data/triage_eval/*.yaml: error text quoted verbatim on KB pages and in Acronis
documentation (never a signature sample), each case with the article(s) it belongs to (``kb``) or, for documented
messages no KB article covers, the signature that names its cause (``signature``), and harmless cases
(``harmless: true``), plus the real success/info output in tests/data/triage_eval/harmless/.

Each case goes through the same path as ``acronis-triage analyze -`` (a pasted text on standard input). Printed:

* recall: cases whose confirmed findings name the right KB article or cause;
* related: of the cases with a right article and no confirmed answer, the share whose "possibly related" list
  holds it; and of all KB cases, the share answered by a finding or by the related list;
* false positives: findings of severity error/critical on the harmless cases and files (warnings counted apart);
* silence: error cases with no output at all (no finding, no unmatched error, nothing related): target 0.

Usage: python benchmarks/triage.py [--verbose] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "data" / "triage_eval"
sys.path.insert(0, str(ROOT))


def load_cases() -> list[dict]:
    import yaml

    cases = []
    for path in sorted(EVAL.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case["file"] = path.name
            case["kb"] = [str(k) for k in case.get("kb") or []]
            cases.append(case)
    return cases


def analyze_text(text: str, sigset):  # type: ignore[no-untyped-def]
    from acronis_triage.analyzers.analyze import analyze_sources
    from acronis_triage.analyzers.model import LogSource

    data = text.encode("utf-8")
    return analyze_sources([LogSource("<stdin>", lambda: io.BytesIO(data), len(data))], sigset)


def judge(case: dict, result) -> dict:  # type: ignore[no-untyped-def]
    kbs = set(case["kb"])
    found_kb = {k.number for f in result.findings for k in f.kb}
    found_sig = {f.signature for f in result.findings}
    related = [r.kb for r, _t in result.related]
    out = {
        "id": case["id"],
        "lang": case.get("lang", "en"),
        "shape": case.get("shape", ""),
        "findings": sorted(found_sig),
        "findings_kb": sorted(found_kb),
        "related": related,
        "unmatched": len(result.unmatched),
        "silent": not result.findings and not result.unmatched and not result.related,
        "severe": sorted(f.signature for f in result.findings if f.severity in ("error", "critical")),
        "warnings": sorted(f.signature for f in result.findings if f.severity not in ("error", "critical")),
    }
    if case.get("harmless"):
        out["kind"] = "harmless"
        return out
    if kbs:
        out["kind"] = "kb"
        out["recalled"] = bool(kbs & found_kb)
        out["related_hit"] = bool(kbs & set(related))
    elif case.get("signature"):
        out["kind"] = "cause"
        out["recalled"] = case["signature"] in found_sig
    else:
        out["kind"] = "described"  # a documented message whose cause is given in words only
        out["recalled"] = None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every case that is not recalled")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from acronis_triage.analyzers.signatures import load_signatures

    sigset = load_signatures()
    cases = load_cases()
    started = time.monotonic()
    rows = [judge(c, analyze_text(c["text"], sigset)) for c in cases]
    harmless_files = sorted((EVAL / "harmless").glob("*.*"))
    file_rows = []
    for path in harmless_files:
        if path.suffix == ".md":
            continue
        result = analyze_text(path.read_text(encoding="utf-8"), sigset)
        file_rows.append({"id": f"harmless/{path.name}", "kind": "harmless", "silent": False,
                          "severe": sorted(f.signature for f in result.findings if f.severity in ("error", "critical")),
                          "warnings": sorted(f.signature for f in result.findings
                                             if f.severity not in ("error", "critical"))})
    seconds = time.monotonic() - started

    kb_rows = [r for r in rows if r["kind"] == "kb"]
    cause_rows = [r for r in rows if r["kind"] == "cause"]
    described = [r for r in rows if r["kind"] == "described"]
    harmless = [r for r in rows if r["kind"] == "harmless"] + file_rows
    errors = kb_rows + cause_rows + described
    unconfirmed_kb = [r for r in kb_rows if not r["recalled"]]
    figures = {
        "cases": len(rows),
        "kb_cases": len(kb_rows),
        "kb_recall": sum(r["recalled"] for r in kb_rows),
        "cause_cases": len(cause_rows),
        "cause_recall": sum(r["recalled"] for r in cause_rows),
        "kb_unconfirmed": len(unconfirmed_kb),
        "kb_unconfirmed_related_hit": sum(r["related_hit"] for r in unconfirmed_kb),
        "kb_answered": sum(r["recalled"] or r["related_hit"] for r in kb_rows),
        "described_cases": len(described),
        "harmless": len(harmless),
        "false_positive_severe": sum(bool(r["severe"]) for r in harmless),
        "false_positive_warning": sum(bool(r["warnings"]) and not r["severe"] for r in harmless),
        "error_cases": len(errors),
        "silent": sum(r["silent"] for r in errors),
        "languages": dict(Counter(r["lang"] for r in errors)),
        "seconds": round(seconds, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "0/0"

        print(f"evaluation set: {len(rows)} cases from {len({c['file'] for c in cases})} files "
              f"({figures['error_cases']} errors, {len(harmless)} harmless incl. {len(file_rows)} files), "
              f"languages {figures['languages']}, analyzed in {seconds:.1f} s")
        print(f"recall, right KB article confirmed:        {pct(figures['kb_recall'], len(kb_rows))}")
        print(f"recall, right cause (documented message):  {pct(figures['cause_recall'], len(cause_rows))}")
        print(f"KB cases not confirmed whose 'possibly related' list holds the article: "
              f"{pct(figures['kb_unconfirmed_related_hit'], len(unconfirmed_kb))}")
        print(f"KB cases answered (finding or related):    {pct(figures['kb_answered'], len(kb_rows))}")
        severe = pct(figures["false_positive_severe"], len(harmless))
        print(f"false positives on harmless text (error/critical): {severe}; "
              f"warnings only: {figures['false_positive_warning']}")
        print(f"silent errors (no output at all):          {pct(figures['silent'], len(errors))}")
    if args.verbose:
        for r in rows:
            if (r["kind"] in ("kb", "cause") and not r["recalled"]) or (r["silent"] and r["kind"] != "harmless") \
                    or (r["kind"] == "harmless" and (r["severe"] or r["warnings"])):
                print(json.dumps(r, ensure_ascii=False))
        for r in file_rows:
            if r["severe"] or r["warnings"]:
                print(json.dumps(r, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
