"""Hostile offline roots through ``acronis-triage collect --root``: links out, named pipes and link loops planted in
every path a collector reads, the bundle being written inside the root, unreadable folders.

Each tree is built in a temporary folder from a fixture in tests/data/roots/ (nothing with a link in it is
committed). The paths to attack come from the collectors' own tables (the log and settings locations, product
detection's logs, settings files and markers, the recorded diagnostics), so a path added there is attacked too.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from acronis_triage.app.cli import main
from acronis_triage.collectors.acronis_locations import LOCATIONS, is_triage_bundle
from acronis_triage.collectors.product_table import product_table
from acronis_triage.collectors.registry import discover
from acronis_triage.collectors.sysroot import SystemRoot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs as POSIX makes them")

ROOTS = Path(__file__).resolve().parents[2] / "data" / "roots"
REPO = Path(__file__).resolve().parents[3]
MARKER = "ROOTGUARD-MARKER-7f3a"  # the examiner's secret: must never reach the bundle
BAIT_BUILD = "9182736"  # a build number only the outside files carry
COLLECTOR_BUDGET_S = 30.0  # collector timeouts for these runs: a stall shows up as "timeout", not a hung test
REFUSED = re.compile(r"outside the root|loop|named pipe|not followed|never opened")


def target_paths(os_name: str) -> list[str]:
    """Every path (glob) a collector reads on an offline root of this layout, named as on the target."""
    paths = [loc.pattern for loc in LOCATIONS if loc.os == os_name]
    sources = product_table().sources[os_name]
    paths += [log.pattern for log in sources.logs]
    paths += list(sources.configs)
    paths += [marker.path for marker in sources.folders]
    paths += [*sources.installer_logs, *sources.app_bundles]
    return paths


# ---- the examiner's own files, outside the root

def bait(suffix: str) -> bytes:
    """Content in the form each reader would take something from, every form carrying the marker."""
    if suffix == ".config":
        return (f'<?xml version="1.0"?><registry><key name="Settings"><key name="MachineManager">'
                f'<value name="InstanceID" type="TString">"{MARKER}"</value>'
                f'<value name="ServerAddress" type="TString">"https://{MARKER.lower()}.example.com"</value>'
                f"</key></key></registry>").encode()
    if suffix in (".yml", ".yaml"):
        return f"server: https://{MARKER.lower()}.example.com\nsecret: {MARKER}\n".encode()
    if suffix == ".plist":
        return plistlib.dumps({"CFBundleShortVersionString": MARKER, "CFBundleVersion": f"1.0.{BAIT_BUILD}"})
    if suffix == ".json":
        return json.dumps({"hostname": MARKER, "captured": MARKER, "commands": []}).encode()
    if suffix == ".xml":
        return f'<?xml version="1.0"?><log build="{BAIT_BUILD}" product="Acronis {MARKER}" version="15">'.encode()
    return (
        f"2024-05-12T22:00:07:205+02:00 1 I00000000: {MARKER} the examiner's own file\n"
        f"$module: mms_vsa64_{BAIT_BUILD}\n"
        f'"kbLink":{{"build":"{BAIT_BUILD}","version":"15.0.{BAIT_BUILD}"}}\n'
        f"Windows Installer installed the product. Product Name: Acronis Cyber Protect {MARKER}. Product Version: "
        f"15.0.{BAIT_BUILD}. Product Language: 1033. Installation success or error status: 0.\n"
        f"    InstanceID    REG_SZ    {MARKER}\n"
        f"server: https://{MARKER.lower()}.example.com\n"
    ).encode()


@dataclass
class Planted:
    tree: Path
    outside: Path
    root: SystemRoot
    attacks: list[Path] = field(default_factory=list)  # each link, pipe or loop planted, as a path in the tree
    _n: int = 0

    def bait_file(self, name: str) -> Path:
        path = self.outside / "files" / f"host-file{Path(name).suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bait(Path(name).suffix.lower()))
        return path

    def bait_tree(self, rest: list[str]) -> Path:
        """A folder outside holding ``rest`` (a relative path) as bait: what a folder link leads to."""
        self._n += 1
        top = self.outside / "trees" / str(self._n)
        target = top.joinpath(*rest) if rest else top / "host-file.log"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bait(target.suffix.lower()))
        return top

    def real_dirs_to(self, path: Path) -> bool:
        """Make the folders down to ``path`` inside the tree; False when a planted link is on the way."""
        current = self.tree
        for part in path.relative_to(self.tree).parts[:-1]:
            current = current / part
            if current.is_symlink() or (current.exists() and not current.is_dir()):
                return False
            current.mkdir(exist_ok=True)
        return True

    def plant(self, path: Path, how: str, *, replace: bool = False) -> None:
        if not self.real_dirs_to(path):
            return
        if os.path.lexists(path):
            if not replace:
                return
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        if how == "link":
            os.symlink(self.bait_file(path.name), path)
        elif how == "fifo":
            os.mkfifo(path)
        elif how == "loop":
            os.symlink(path.name, path)
        elif how == "dirlink":
            os.symlink(self.bait_tree([path.name if path.suffix else "host-file.log"]), path)
        else:
            raise AssertionError(how)
        self.attacks.append(path)


def _segments(pattern: str, stem: str) -> list[tuple[str, bool]]:
    """A concrete path matching ``pattern`` with ``stem`` for each wildcard: (segment, came from a wildcard)."""
    parts = re.split(r"[\\/]", pattern)
    out: list[tuple[str, bool]] = []
    for i, seg in enumerate(parts):
        if seg == "**":
            out.append((stem, True))
            if i == len(parts) - 1:
                out.append((f"{stem}.log", True))
        else:
            out.append((seg.replace("*", stem).replace("?", "x"), "*" in seg or "?" in seg))
    return out


def _first_wild(pattern: str) -> int:
    return next(i for i, seg in enumerate(re.split(r"[\\/]", pattern)) if "*" in seg or "?" in seg)


def _path(planted: Planted, pattern: str, segs: list[tuple[str, bool]]) -> Path:
    sep = "\\" if "\\" in pattern else "/"
    return planted.root.resolve(sep.join(s for s, _ in segs))


def plant_everywhere(layout: str, base: Path, literal: str) -> Planted:
    """The fixture tree of ``layout`` with attacks in every collector path.

    Globs get every attack under their own names (a link out, a named pipe and a link loop for each file
    wildcard; a folder link out and a folder loop for each folder wildcard). A path without wildcards can hold
    one thing only: ``literal`` says which (``link``, ``fifo``, ``loop``, or ``dirlink``: its folder becomes a
    link to a folder outside).
    """
    tree, outside = base / layout, base / "examiner"
    shutil.copytree(ROOTS / layout, tree)
    planted = Planted(tree, outside, SystemRoot.offline(tree))
    patterns = target_paths(planted.root.os)
    globs = [p for p in patterns if re.search(r"[*?]", p)]
    literals = [p for p in patterns if not re.search(r"[*?]", p)]
    bases = [_path(planted, p, [seg for seg in _segments(p, "") if not seg[1]][:_first_wild(p)]) for p in globs]
    for pattern in literals:
        path = planted.root.resolve(pattern)
        if literal == "dirlink":
            # The folder on the way becomes a link out, unless other paths to attack lie below it.
            holds_others = any(b == path.parent or path.parent in b.parents for b in bases)
            planted.plant(path if holds_others else path.parent, "dirlink", replace=True)
        else:
            planted.plant(path, literal, replace=True)
    for pattern in globs:
        for how, stem in (("link", "escape"), ("fifo", "fifo"), ("loop", "loop")):
            planted.plant(_path(planted, pattern, _segments(pattern, stem)), how)
        segs = _segments(pattern, "escdir")
        folder = next((i for i, (_, wild) in enumerate(segs[:-1]) if wild), None)
        if folder is not None:
            planted.plant(_path(planted, pattern, segs[:folder + 1]), "dirlink")
            segs = _segments(pattern, "loopdir")
            planted.plant(_path(planted, pattern, segs[:folder + 1]), "loop")
            up = _path(planted, pattern, segs[:folder]) / "up"
            if "**" in pattern and planted.real_dirs_to(up) and not os.path.lexists(up):
                os.symlink("..", up)  # a link back above: a loop for a walk through every folder
                planted.attacks.append(up)
    _plant_recorded(planted, literal)
    return planted


def _plant_recorded(planted: Planted, literal: str) -> None:
    """Recorded diagnostics whose outputs lead out (the examiner's /etc/shadow), block, or loop.

    With ``link`` the index is a link inside the root (followed) and the outputs are attacked; otherwise the
    index itself cannot be read (a pipe, a link out, or its folder a link out) and the outputs are never met.
    """
    recorded = planted.tree / "_recorded"
    recorded.mkdir()
    commands = [
        (["vssadmin", "list", "writers"], "writers.txt", None),
        (["reg", "query", r"HKLM\SOFTWARE\Acronis\BackupAndRecovery\Settings\MachineManager"], "mm.txt", "link"),
        (["cat", "/etc/shadow"], "shadow.txt", "link"),
        (["sc", "query", "mms"], "pipe.txt", "fifo"),
        (["sc", "query", "aakore"], "loop.txt", "loop"),
    ]
    (recorded / "writers.txt").write_text("Writer name: 'System Writer'\n")
    index = {"hostname": "copied-machine", "commands": [
        {"argv": argv, "stdout": out, "returncode": 0} for argv, out, _ in commands]}
    (recorded / "index.json").write_text(json.dumps(index))
    for _, out, how in commands:
        if how:
            planted.plant(recorded / out, how)
    if literal == "link":
        os.replace(recorded / "index.json", recorded / "index-real.json")
        os.symlink("index-real.json", recorded / "index.json")
        return
    planted.attacks = [a for a in planted.attacks if recorded not in a.parents]
    if literal == "dirlink":
        planted.plant(recorded, "dirlink", replace=True)
        (Path(os.readlink(recorded)) / "index.json").write_bytes(bait(".json"))
    else:
        planted.plant(recorded / "index.json", "fifo" if literal == "fifo" else "link", replace=True)


# ---- reading the bundle back

def all_bytes(data: bytes, name: str = "") -> list[tuple[str, bytes]]:
    """A member and, when it is a zip, every member inside it, recursively."""
    out = [(name, data)]
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as inner:
            for info in inner.infolist():
                out += all_bytes(inner.read(info), f"{name}!{info.filename}")
    return out


def collect(tree: Path, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
            *extra: str) -> dict:
    for cls in discover().collectors:
        monkeypatch.setattr(cls, "timeout_s", min(cls.timeout_s, COLLECTOR_BUDGET_S))
    capsys.readouterr()
    code = main(["collect", "--root", str(tree), "--output", str(out), "--json", "--quiet", *extra])
    summary = json.loads(capsys.readouterr().out)
    assert code in (0, 2), summary
    return summary


def read_bundle(path: Path) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    return json.loads(members["manifest.json"]), members


# ---- the tests

@pytest.mark.parametrize("literal", ["link", "fifo", "loop", "dirlink"])
@pytest.mark.parametrize("layout", ["windows", "linux", "darwin"])
def test_nothing_outside_the_root_reaches_the_bundle_and_nothing_stalls(
        layout: str, literal: str, tmp_path: Path, capsys, monkeypatch) -> None:
    planted = plant_everywhere(layout, tmp_path, literal)
    assert len(planted.attacks) > 20
    summary = collect(planted.tree, tmp_path / "bundle.zip", capsys, monkeypatch)
    manifest, members = read_bundle(Path(summary["bundle"]))

    for name, data in members.items():
        for inner, content in all_bytes(data, name):
            assert MARKER.encode() not in content and MARKER.lower().encode() not in content, inner
    assert BAIT_BUILD.encode() not in members["collected/products/products.json"]  # no build read from outside

    collectors = {c["name"]: c for c in manifest["collectors"]}
    for c in collectors.values():
        assert c["status"] not in ("timeout", "error", "cancelled"), c
        assert c["duration_s"] < COLLECTOR_BUDGET_S / 2, c
    assert collectors["products"]["status"] == "partial"
    assert collectors["acronis_logs"]["status"] == "partial"
    assert collectors["recorded_diagnostics"]["status"] == "partial"

    skipped = [(s["what"], s["reason"]) for c in collectors.values() for s in c.get("skipped", [])]
    for attack in planted.attacks:
        shown = planted.root.display(attack)
        reasons = [r for what, r in skipped if what == shown or what.startswith(shown + ("\\" if layout == "windows"
                                                                                          else "/"))]
        assert reasons, f"{shown} ({literal}) was met by no collector, or silently"
        assert all(REFUSED.search(r) for r in reasons), (shown, reasons)


def test_the_bundle_being_written_and_earlier_ones_are_never_collected(tmp_path: Path, capsys, monkeypatch) -> None:
    tree = tmp_path / "windows"
    shutil.copytree(ROOTS / "windows", tree)
    logs = tree / "ProgramData/Acronis/Agent/var/log"  # inside the Agent Core log location: everything is taken
    first = collect(tree, logs, capsys, monkeypatch)["bundle"]
    leftover = logs / ".acronis-triage-old.zip.k3j4.part"  # what an interrupted run leaves behind
    leftover.write_bytes(Path(first).read_bytes()[:4096])
    second = collect(tree, logs, capsys, monkeypatch)["bundle"]

    manifest, members = read_bundle(Path(second))
    for name, data in members.items():
        assert not is_triage_bundle(data[:64]), f"{name} is a bundle inside the bundle"
    assert not any(n.endswith((".part", ".zip")) for n in members)
    excluded = {e["what"]: e["reason"] for c in manifest["collectors"] for e in c.get("excluded", [])}
    shown = {Path(w.replace("\\", "/")).name: r for w, r in excluded.items()}
    assert "an earlier run's" in shown[Path(first).name]
    assert "an earlier run's" in shown[leftover.name]
    part = [r for n, r in shown.items() if n.startswith(f".{Path(second).name}.") and n.endswith(".part")]
    assert part == ["the bundle this run is writing: never collected into itself"]


def _without_root_powers() -> list[str]:
    """A command prefix that makes root subject to file permissions (no CAP_DAC_OVERRIDE / READ_SEARCH)."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: every folder is readable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_folder_or_file_is_a_skip_with_the_reason(tmp_path: Path) -> None:
    tree = tmp_path / "windows"
    shutil.copytree(ROOTS / "windows", tree)
    logs = tree / "ProgramData/Acronis/Agent/var/log"
    (logs / "locked").mkdir()
    (logs / "locked/agent.log").write_text("2024-05-12T22:00:07:205+02:00 1 I00000000: hidden\n")
    (logs / "aakore/unreadable.log").write_text("2024-05-12T22:00:07:205+02:00 1 I00000000: x\n")
    (logs / "locked").chmod(0)
    (logs / "aakore/unreadable.log").chmod(0)
    try:
        proc = subprocess.run(
            [*_without_root_powers(), sys.executable, "-m", "acronis_triage.app", "collect", "--root", str(tree),
             "--output", str(tmp_path / "b.zip"), "--json", "--quiet", "--only", "acronis_logs"],
            cwd=REPO, capture_output=True, text=True, timeout=300)
    finally:
        (logs / "locked").chmod(0o755)
    assert proc.returncode in (0, 2), proc.stderr
    manifest, _ = read_bundle(tmp_path / "b.zip")
    outcome = next(c for c in manifest["collectors"] if c["name"] == "acronis_logs")
    assert outcome["status"] == "partial"
    skipped = {s["what"]: s["reason"] for s in outcome["skipped"]}
    assert skipped[r"C:\ProgramData\Acronis\Agent\var\log\locked"] == "cannot list the folder: Permission denied"
    assert skipped[r"C:\ProgramData\Acronis\Agent\var\log\aakore\unreadable.log"] == (
        "cannot read: Permission denied")
