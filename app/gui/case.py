"""What the window is looking at: a run's bundle, a received bundle, or the analysis of files or a paste.

Every step reads the same `Case`: the findings (``analysis/findings.json`` or an analysis result), the manifest
when there is a bundle, and where evidence files are read from. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acronis_triage.app.escalate import Bundle, open_bundle
from acronis_triage.app.pipeline import CollectResult

RUN, RECEIVED, ANALYSIS = "run", "received", "analysis"


class NothingAnalyzed(Exception):
    """No input could be read; the message is one line for the user."""


@dataclass
class Case:
    kind: str  # RUN, RECEIVED or ANALYSIS
    title: str  # one line for the window: the bundle's or the file's name
    bundle: Bundle  # the escalation form's view of it (manifest may be empty for an analysis)
    result: CollectResult | None = None
    evidence_base: Path | None = None  # bundle .zip or folder that ``collected/...`` evidence lives in
    sources: tuple[str, ...] = ()  # what an analysis read

    @property
    def findings(self) -> dict[str, Any]:
        return self.bundle.findings

    @property
    def manifest(self) -> dict[str, Any]:
        return self.bundle.manifest

    @property
    def has_bundle(self) -> bool:
        return self.kind in (RUN, RECEIVED)

    @property
    def bundle_path(self) -> Path | None:
        return self.bundle.path if self.has_bundle else None


def from_result(result: CollectResult) -> Case | None:
    """The case of a finished run; None when nothing was written."""
    if result.bundle is None:
        return None
    manifest = dict(result.manifest or {})
    return Case(RUN, result.bundle.name, Bundle(result.bundle, manifest, dict(result.findings or {})), result,
                result.bundle)


def from_bundle(path: Path) -> Case:
    """A received bundle (.zip or unpacked folder); `app.escalate.EscalateError` when it is not one of ours."""
    bundle = open_bundle(path)
    return Case(RECEIVED, path.name, bundle, None, path)


def from_analysis(findings: dict[str, Any], sources: list[str], title: str) -> Case:
    # No bundle: the form is built from the findings alone, and evidence names files on this computer.
    return Case(ANALYSIS, title, Bundle(Path(title), {}, findings), None, None, tuple(sources))


def analyze(paths: list[str]) -> dict[str, Any]:
    """``acronis-triage analyze PATH...`` for the window: the findings JSON, or `NothingAnalyzed` with the reason."""
    from acronis_triage.analyzers.analyze import analyze_paths

    result = analyze_paths(paths)
    if result.stats.files == 0:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in result.skipped[:3]) or "no input"
        raise NothingAnalyzed(f"nothing could be analyzed ({reasons})")
    return result.to_json()
