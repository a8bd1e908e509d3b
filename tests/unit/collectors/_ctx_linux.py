"""Running the Linux, macOS and sysinfo collectors in tests: a bundle on tmp_path, a live root, the real
engine (so statuses, skips and timeouts are what a user would see), and the bundle read back."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from collectors.base import Collector
from collectors.bundle import BundleWriter
from collectors.cancel import CancelToken
from collectors.context import Facts
from collectors.engine import CollectorOutcome, Engine, RunSettings
from collectors.runner import CommandRunner, ReplayRunner
from collectors.sysroot import SystemRoot

DATA = Path(__file__).resolve().parents[2] / "data"


def replay_from(folder: Path) -> ReplayRunner:
    """A ReplayRunner loaded from ``replay.json``: [{command, stdout?, stderr?, returncode?, delay_s?}]."""
    runner = ReplayRunner()
    for entry in json.loads((folder / "replay.json").read_text(encoding="utf-8")):
        runner.add(
            entry["command"],
            stdout=(folder / entry["stdout"]).read_bytes() if entry.get("stdout") else b"",
            stderr=(folder / entry["stderr"]).read_bytes() if entry.get("stderr") else b"",
            returncode=entry.get("returncode", 0),
            delay_s=entry.get("delay_s", 0.0),
        )
    return runner


@dataclass
class Run:
    outcome: CollectorOutcome
    files: dict[str, bytes]
    manifest: dict[str, Any]
    facts: Facts
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def text(self, name: str) -> str:
        return self.files[f"collected/{self.outcome.name}/{name}"].decode("utf-8")

    def json(self, name: str) -> Any:
        return json.loads(self.text(name))

    def names(self) -> set[str]:
        prefix = f"collected/{self.outcome.name}/"
        return {n.removeprefix(prefix) for n in self.files if n.startswith(prefix)}

    def record(self, name: str) -> dict[str, Any]:
        path = f"collected/{self.outcome.name}/{name}"
        return next(f for f in self.manifest["files"] if f["path"] == path)


def run_collector(
    cls: type[Collector],
    runner: CommandRunner,
    tmp_path: Path,
    *,
    os_name: str = "linux",
    root: Path = Path("/"),
    is_admin: bool = True,
    days: float = 3.0,
    options: dict[str, Any] | None = None,
) -> Run:
    bundle = BundleWriter(tmp_path / "bundle.zip")
    bundle.open()
    until = datetime.now(UTC)
    facts = Facts(is_admin=is_admin)
    settings = RunSettings(
        root=SystemRoot(path=root, os=os_name, live=True), since=until - timedelta(days=days), until=until,
        runner=runner, facts=facts, options=options or {},
    )
    (outcome,) = Engine(settings, bundle, CancelToken()).run([cls])
    path = bundle.finalize({"test": True})
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    return Run(outcome, files, manifest, facts, list(getattr(runner, "calls", [])))
