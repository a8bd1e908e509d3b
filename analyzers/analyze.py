"""Analysis entry points for the app: log sources (or paths) in, an `AnalysisResult` out.

``analyze_sources`` is what the collection pipeline calls on a bundle's collected members; ``analyze_paths``
is the CLI's ``analyze PATH...`` (files, folders, bundles, zips, .7z, ``-`` for stdin).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from analyzers.model import AnalysisResult, Finding, LogSource, Skipped, Stats
from analyzers.scan import Cancelled, FileScan, Scanner, SignatureHits
from analyzers.signatures import Signature, SignatureSet, load_signatures
from analyzers.unmatched import UnmatchedCollector

Progress = Callable[[float | None, str], None]
_SEVERITY_ORDER = {"critical": 0, "error": 1, "warning": 2, "info": 3}
_scanners: dict[tuple[int, bool | None], tuple[SignatureSet, Scanner]] = {}


def get_scanner(signatures: SignatureSet, use_hyperscan: bool | None = None) -> Scanner:
    """The compiled database for this signature set, compiled once per process."""
    key = (id(signatures), use_hyperscan)
    cached = _scanners.get(key)
    if cached is None or cached[0] is not signatures:
        cached = _scanners[key] = (signatures, Scanner(signatures, use_hyperscan=use_hyperscan))
    return cached[1]


def analyze_sources(
    sources: Iterable[LogSource | Skipped],
    signatures: SignatureSet | None = None,
    *,
    cancel: Any = None,
    progress: Progress | None = None,
    use_hyperscan: bool | None = None,
) -> AnalysisResult:
    """Scan every source once against every signature. Unreadable sources become `Skipped`; never raises for
    bad input. A cancelled run returns what was finished, with the rest listed as skipped."""
    started = time.monotonic()
    sigset = signatures if signatures is not None else load_signatures()
    result = AnalysisResult(signature_problems=[str(p) for p in sigset.problems])
    scanner = get_scanner(sigset, use_hyperscan)
    items = list(sources)
    total = sum(s.size or 0 for s in items if isinstance(s, LogSource)) or None
    done = 0
    scans: list[FileScan] = []
    for n, item in enumerate(items):
        if isinstance(item, Skipped):
            result.skipped.append(item)
            continue
        if cancel is not None and cancel.is_cancelled():
            result.skipped.append(Skipped(item.name, "analysis cancelled"))
            continue
        if progress is not None:
            fraction = done / total if total else n / max(len(items), 1)
            progress(min(fraction, 1.0), f"Analyzing {item.name}")

        def on_bytes(count: int, _base: int = done) -> None:
            nonlocal done
            done += count

        try:
            scans.append(scanner.scan(item, cancel=cancel, on_bytes=on_bytes))
        except Cancelled:
            result.skipped.append(Skipped(item.name, "analysis cancelled"))
        except OSError as exc:
            result.skipped.append(Skipped(item.name, f"cannot read: {exc.strerror or exc}"))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the analysis
            result.skipped.append(Skipped(item.name, f"could not be analyzed ({type(exc).__name__}: {exc})"))
    combine(scans, sigset, result)
    result.stats.seconds = time.monotonic() - started
    if progress is not None:
        progress(1.0, "Analysis finished")
    return result


def analyze_paths(
    paths: list[str],
    signatures: SignatureSet | None = None,
    *,
    cancel: Any = None,
    progress: Progress | None = None,
    use_hyperscan: bool | None = None,
    stdin: Any = None,
) -> AnalysisResult:
    from analyzers.inputs import resolve_inputs

    return analyze_sources(resolve_inputs(paths, stdin=stdin), signatures, cancel=cancel, progress=progress,
                           use_hyperscan=use_hyperscan)


def combine(scans: list[FileScan], sigset: SignatureSet, result: AnalysisResult) -> None:
    """Merge per-file scans into findings (min_count/window applied) and unmatched templates."""
    merged: dict[str, SignatureHits] = {}
    unmatched = UnmatchedCollector()
    stats = result.stats if result.stats else Stats()
    for fs in scans:
        stats.files += 1
        stats.bytes += fs.bytes
        stats.events += fs.events
        result.signature_problems.extend(fs.problems)
        for sig_id, hits in fs.hits.items():
            if sig_id in merged:
                merged[sig_id].merge(hits)
            else:
                merged[sig_id] = hits
        unmatched.merge(fs.unmatched)
    by_id = sigset.by_id()
    findings = []
    for sig_id, hits in merged.items():
        sig = by_id.get(sig_id)
        if sig is None or not fires(sig, hits):
            continue
        findings.append(to_finding(sig, hits))
    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), -f.count, f.signature))
    result.findings = findings
    result.unmatched = unmatched.templates()


def fires(sig: Signature, hits: SignatureHits) -> bool:
    """min_count, and with a window: at least min_count timed matches inside one span of that length.
    Matches without a time cannot be placed in a window; if none has a time, the plain count decides."""
    need = sig.rule.min_count
    if hits.count < need:
        return False
    window = sig.rule.window_s
    if window is None or need <= 1 or not hits.times:
        return True
    times = sorted(hits.times)
    lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] > window:
            lo += 1
        if hi - lo + 1 >= need:
            return True
    return False


def to_finding(sig: Signature, hits: SignatureHits) -> Finding:
    return Finding(
        signature=sig.id,
        title=sig.title,
        severity=sig.severity,
        kb=list(sig.kb),
        count=hits.count,
        first_seen=hits.first_seen,
        last_seen=hits.last_seen,
        evidence=list(hits.evidence),
        error_chain=list(hits.chain),
        description=sig.description,
        cause=sig.cause,
        workaround=list(sig.workaround),
        information_needed=list(sig.information_needed),
        products=list(sig.products),
    )
