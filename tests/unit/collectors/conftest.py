"""One harness for collector tests: build a Context (live or offline root, facts, runner, options, window), run a
collector directly (``collect(ctx)``, so raised NotApplicable/Cancelled reach the test) or through the real engine,
finalize the bundle and read files, records and outcomes back."""

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
from replay_runner import ReplayRunner

from acronis_triage.collectors.base import Collector
from acronis_triage.collectors.bundle import BundleWriter
from acronis_triage.collectors.cancel import CancelToken
from acronis_triage.collectors.context import Context, Facts
from acronis_triage.collectors.engine import CollectorOutcome, Engine, RunSettings
from acronis_triage.collectors.runner import CommandResult, CommandRunner
from acronis_triage.collectors.sysroot import SystemRoot
from acronis_triage.collectors.textdecode import decode_bytes

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


@dataclass
class Bundle:
    """A finalized bundle read back; ``outcomes`` are the engine's when collectors ran through it."""

    members: dict[str, bytes]
    manifest: dict[str, Any]
    outcomes: dict[str, CollectorOutcome] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, outcomes: dict[str, CollectorOutcome] | None = None) -> Bundle:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        return cls(members, json.loads(members["manifest.json"]), outcomes or {})

    def files(self, collector: str) -> dict[str, bytes]:
        """What ``collector`` wrote, by its name under collected/<collector>/."""
        prefix = f"collected/{collector}/"
        return {k[len(prefix):]: v for k, v in self.members.items() if k.startswith(prefix)}

    def records(self, collector: str) -> dict[str, dict[str, Any]]:
        prefix = f"collected/{collector}/"
        return {f["path"][len(prefix):]: f for f in self.manifest["files"] if f["path"].startswith(prefix)}

    def record(self, path: str) -> dict[str, Any]:
        """The manifest record of a member named by its full path in the zip."""
        return next(f for f in self.manifest["files"] if f["path"] == path)

    def excluded(self, collector: str) -> dict[str, str]:
        return {e.what: e.reason for e in self.outcomes[collector].excluded}


def _free_bundle_path(out: Path) -> Path:
    # Several harnesses in one test each get their own bundle, finalized or still being written.
    index = 0
    while any(out.glob(f"*bundle{index or ''}.zip*")):
        index += 1
    return out / f"bundle{index or ''}.zip"


class Harness:
    """A bundle in ``tmp_path/out`` and everything a Context needs.

    ``collector`` given: ``ctx`` is its hand-built Context, ``collect()`` calls ``collector().collect(ctx)`` directly
    and reads back what it wrote. ``run(*classes)`` instead runs collectors through the real engine.
    """

    def __init__(self, tmp_path: Path, root: SystemRoot, collector: type[Collector] | None = None, *,
                 runner: CommandRunner | None = None, facts: Facts | None = None, admin: bool | None = None,
                 options: dict[str, Any] | None = None, days: float = 7.0, until: datetime | None = None,
                 progress: Callable[[float | None, str], None] | None = None) -> None:
        self.root = root
        self.collector = collector
        self.runner = runner if runner is not None else ReplayRunner()
        self.facts = facts or Facts()
        if admin is not None:
            self.facts.is_admin = admin
        self.options = options if options is not None else {}
        self.until = until or datetime.now(UTC)
        self.since = self.until - timedelta(days=days)
        out = tmp_path / "out"
        out.mkdir(exist_ok=True)
        self.bundle = BundleWriter(_free_bundle_path(out), disk_usage=lambda _p: _Usage(2**40, 0, 2**40))
        self.bundle.open()
        self.token = CancelToken()
        self.ctx: Context | None = None
        if collector is not None:
            self.ctx = Context(root=root, since=self.since, until=self.until,
                               writer=self.bundle.for_collector(collector.name, self.token), cancel=self.token,
                               progress=progress or (lambda f, t: None), runner=self.runner, facts=self.facts,
                               options=self.options)

    def collect(self) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
        """Run the collector directly (exceptions reach the caller); its files and records by name."""
        assert self.collector is not None and self.ctx is not None
        self.collector().collect(self.ctx)
        return self.collected()

    def collected(self) -> tuple[dict[str, bytes], dict[str, dict[str, Any]]]:
        assert self.collector is not None
        bundle = self.finish()
        return bundle.files(self.collector.name), bundle.records(self.collector.name)

    def run(self, *classes: type[Collector], max_workers: int = RunSettings.max_workers) -> Bundle:
        """Run ``classes`` through the real engine (statuses, skips and timeouts as a user sees them)."""
        settings = RunSettings(root=self.root, since=self.since, until=self.until, runner=self.runner,
                               facts=self.facts, options=self.options, max_workers=max_workers)
        outcomes = Engine(settings, self.bundle, self.token).run(list(classes))
        return self.finish({o.name: o for o in outcomes})

    def finish(self, outcomes: dict[str, CollectorOutcome] | None = None) -> Bundle:
        return Bundle.read(self.bundle.finalize({"test": True}), outcomes)


@dataclass
class Run:
    """One collector's engine run: its outcome and what it wrote, by name under collected/<collector>/."""

    outcome: CollectorOutcome
    files: dict[str, bytes]
    records: dict[str, dict[str, Any]]
    facts: Facts
    runner: CommandRunner
    commands: list[str] = field(default_factory=list)
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def text(self, name: str) -> str:
        return decode_bytes(self.files[name])

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])

    def names(self) -> set[str]:
        return set(self.files)

    def record(self, name: str) -> dict[str, Any]:
        return self.records[name]

    @property
    def status(self) -> str:
        return str(self.outcome.status)

    @property
    def skipped(self) -> dict[str, str]:
        return {s.what: s.reason for s in self.outcome.skipped}

    @property
    def excluded(self) -> dict[str, str]:
        return {s.what: s.reason for s in self.outcome.excluded}


def run_collector(cls: type[Collector], tmp_path: Path, *, runner: CommandRunner | None = None,
                  root: SystemRoot | None = None, admin: bool = True, days: float = 3.0,
                  facts: Facts | None = None, options: dict[str, Any] | None = None) -> Run:
    """Run ``cls`` through the real engine into a real bundle; the root defaults to a live Windows in tmp_path."""
    target = tmp_path / "target"
    target.mkdir(exist_ok=True)
    harness = Harness(tmp_path, root or live_windows_root(target), runner=runner,
                      facts=facts or Facts(is_admin=admin), admin=admin, days=days,
                      options={"temp_dir": str(tmp_path), **(options or {})})
    bundle = harness.run(cls, max_workers=1)
    calls = list(getattr(harness.runner, "calls", []))
    return Run(bundle.outcomes[cls.name], bundle.files(cls.name), bundle.records(cls.name), harness.facts,
               harness.runner, [" ".join(c) for c in calls], calls)


@pytest.fixture
def harness(tmp_path: Path) -> Callable[..., Harness]:
    """``harness(root, Collector?, runner=, facts=, admin=, options=, days=, until=, progress=)``."""
    def make(root: SystemRoot, collector: type[Collector] | None = None, **kwargs: Any) -> Harness:
        return Harness(tmp_path, root, collector, **kwargs)

    return make


@pytest.fixture
def run_windows(tmp_path: Path) -> Callable[..., Run]:
    def go(cls: type[Collector], runner: CommandRunner | None = None, **kwargs: Any) -> Run:
        return run_collector(cls, tmp_path, runner=runner, **kwargs)

    return go


@pytest.fixture
def run_live(tmp_path: Path) -> Callable[..., Run]:
    """Run one collector on a live ``os_name`` system whose files are under ``root`` (``/``: this machine)."""
    def go(cls: type[Collector], runner: CommandRunner | None = None, *, os_name: str = "linux",
           root: Path = Path("/"), **kwargs: Any) -> Run:
        return run_collector(cls, tmp_path, runner=runner, root=SystemRoot(path=root, os=os_name, live=True),
                             **kwargs)

    return go


@pytest.fixture(name="replay_from")
def replay_from_fixture() -> Callable[[Path], ReplayRunner]:
    return replay_from


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
