"""Running one collector the way the engine does, against recorded outputs, and reading back what it wrote."""

from __future__ import annotations

import json
import zipfile
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from collectors.base import Collector
from collectors.bundle import BundleWriter
from collectors.cancel import CancelToken
from collectors.context import Facts
from collectors.engine import CollectorOutcome, Engine, RunSettings
from collectors.runner import CommandResult, ReplayRunner
from collectors.sysroot import SystemRoot
from collectors.textdecode import decode_bytes

DATA = Path(__file__).resolve().parents[2] / "data"
WINDOWS_DATA = DATA / "windows"
PRODUCTS_DATA = DATA / "products"
_Usage = namedtuple("_Usage", "total used free")


class FileWritingReplay(ReplayRunner):
    """A ReplayRunner for tools that write a file named in their arguments (``wevtutil epl``, ``reg export``).

    ``writes(prefix, argv_index, source)``: when a command starting with ``prefix`` runs, ``source`` is copied
    to ``argv[argv_index]``, as the real tool would have written it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.side_effects: list[tuple[str, int, Path]] = []

    def writes(self, prefix: str, argv_index: int, source: Path) -> FileWritingReplay:
        self.side_effects.append((prefix, argv_index, source))
        return self

    def __call__(self, argv, **kwargs: Any) -> CommandResult:  # type: ignore[override]
        result = super().__call__(argv, **kwargs)
        if result.ok:
            joined = " ".join(argv)
            for prefix, index, source in self.side_effects:
                if joined.startswith(prefix):
                    Path(argv[index]).write_bytes(source.read_bytes())
        return result


@dataclass
class Run:
    outcome: CollectorOutcome
    files: dict[str, bytes]
    records: dict[str, dict[str, Any]]
    facts: Facts
    runner: ReplayRunner
    commands: list[str] = field(default_factory=list)

    def text(self, name: str) -> str:
        return decode_bytes(self.files[name])

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])

    @property
    def status(self) -> str:
        return str(self.outcome.status)

    @property
    def skipped(self) -> dict[str, str]:
        return {s.what: s.reason for s in self.outcome.skipped}

    @property
    def excluded(self) -> dict[str, str]:
        return {s.what: s.reason for s in self.outcome.excluded}


def live_windows_root(folder: Path) -> SystemRoot:
    """A folder standing in for a live Windows machine: %ProgramData% etc. point inside it."""
    env = {
        "PROGRAMDATA": str(folder / "ProgramData"),
        "ALLUSERSPROFILE": str(folder / "ProgramData"),
        "PROGRAMFILES": str(folder / "Program Files"),
        "PROGRAMFILES(X86)": str(folder / "Program Files (x86)"),
        "COMMONPROGRAMFILES": str(folder / "Program Files" / "Common Files"),
        "SYSTEMROOT": str(folder / "Windows"),
        "WINDIR": str(folder / "Windows"),
    }
    return SystemRoot(path=folder, os="windows", live=True, env=env)


def run_collector(cls: type[Collector], tmp_path: Path, *, runner: ReplayRunner | None = None,
                  root: SystemRoot | None = None, admin: bool = True, days: float = 3.0,
                  facts: Facts | None = None) -> Run:
    """Run ``cls`` through the real engine into a real bundle and return its outcome and files."""
    runner = runner if runner is not None else ReplayRunner()
    target = tmp_path / "target"
    target.mkdir(exist_ok=True)
    root = root or live_windows_root(target)
    facts = facts or Facts(is_admin=admin)
    facts.is_admin = admin
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    bundle = BundleWriter(out / "bundle.zip", disk_usage=lambda _p: _Usage(2**40, 0, 2**40))
    bundle.open()
    until = datetime.now(UTC)
    settings = RunSettings(root=root, since=until - timedelta(days=days), until=until, runner=runner,
                           facts=facts, options={"temp_dir": str(tmp_path)}, max_workers=1)
    outcome = Engine(settings, bundle, CancelToken()).run([cls])[0]
    path = bundle.finalize({"test": True})
    prefix = f"collected/{cls.name}/"
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        files = {n[len(prefix):]: zf.read(n) for n in zf.namelist() if n.startswith(prefix)}
    records = {f["path"][len(prefix):]: f for f in manifest["files"] if f["path"].startswith(prefix)}
    return Run(outcome, files, records, facts, runner, [" ".join(c) for c in runner.calls])


@pytest.fixture
def run_windows(tmp_path: Path) -> Callable[..., Run]:
    def go(cls: type[Collector], runner: ReplayRunner | None = None, **kwargs: Any) -> Run:
        return run_collector(cls, tmp_path, runner=runner, **kwargs)

    return go


@pytest.fixture
def recorded() -> Callable[[str], bytes]:
    """Bytes of a recorded Windows output in tests/data/windows/."""
    return lambda name: (WINDOWS_DATA / name).read_bytes()


@pytest.fixture
def replay() -> FileWritingReplay:
    return FileWritingReplay()


@pytest.fixture
def windows_data() -> Path:
    return WINDOWS_DATA


@pytest.fixture
def products_data() -> Path:
    return PRODUCTS_DATA


@pytest.fixture
def fake_live_windows() -> Callable[[Path], SystemRoot]:
    return live_windows_root
