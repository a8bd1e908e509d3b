"""Run every signature's positive and negative samples through the real engine (`signatures test`)."""

from __future__ import annotations

from acronis_triage.analyzers.signatures.schema import SignatureSet


def run_samples(sigset: SignatureSet, *, use_hyperscan: bool | None = None) -> list[str]:
    """One line per failed sample: which signature, which sample, what went wrong."""
    from acronis_triage.analyzers.analyze import fires, get_scanner

    scanner = get_scanner(sigset, use_hyperscan)
    failures = []
    for sig in sigset.signatures:
        where = str(sig.file.name) if sig.file else ""
        for group, expected in (("positive", True), ("negative", False)):
            for i, sample in enumerate(getattr(sig, group)):
                label = f"{where}: {sig.id}: samples.{group}[{i}]"
                try:
                    scan = scanner.scan(sample.encode("utf-8"))
                except Exception as exc:  # noqa: BLE001 - report, then test the next sample
                    failures.append(f"{label}: the engine failed: {type(exc).__name__}: {exc}")
                    continue
                hits = scan.hits.get(sig.id)
                found = hits is not None and fires(sig, hits)
                if found != expected:
                    if expected:
                        failures.append(f"{label}: no finding (parsed as {scan.kind}, {scan.events} events "
                                        "examined); check the conditions, levels and kinds")
                    else:
                        first = hits.evidence[0].text if hits and hits.evidence else ""
                        failures.append(f"{label}: matched but must not: {first[:160]}")
    return failures
