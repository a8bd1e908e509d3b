"""Build the portable acronis-triage (PyInstaller) and check that the result works without Python.

    pip install -e '.[build]'
    python packaging/build.py [--onefile] [--no-smoke]

One folder (default) `dist/acronis-triage/` or one file `dist/acronis-triage[.exe]`; on Windows a windowed
`acronis-triage.exe` and a console twin `acronis-triage-cli.exe`. The smoke test runs the built program with a PATH
that holds no Python (/usr/bin and /bin only, or the Windows system folder): --version, collect --demo, analyze,
escalate, and the window opened offscreen. The size of the build is printed against its budget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
# Why this budget: Qt (QtCore, QtGui, QtWidgets and their plugins) is ~110 MB of the folder on Linux; Python,
# lxml, hyperscan and the signatures add ~40 MB. More means a Qt module or a test tool slipped in.
BUDGET_MB = {"linux": 230, "win32": 200, "darwin": 260}


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from acronis_triage.app import __version__

    return __version__


def windows_version_file(work: Path) -> Path:
    parts = [int(p) for p in version().split(".")[:3] if p.isdigit()] + [0, 0, 0]
    v = (*parts[:3], 0)
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1, subtype=0x0,
                    date=(0, 0)),
  kids=[StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'acronis-triage'),
      StringStruct('FileDescription', 'Acronis triage: collect, analyze and escalate Acronis problems'),
      StringStruct('FileVersion', '{version()}'),
      StringStruct('InternalName', 'acronis-triage'),
      StringStruct('OriginalFilename', 'acronis-triage.exe'),
      StringStruct('ProductName', 'acronis-triage'),
      StringStruct('ProductVersion', '{version()}')])]),
        VarFileInfo([VarStruct('Translation', [1033, 1200])])]
)
"""
    path = work / "version_info.txt"
    path.write_text(text, encoding="utf-8")
    return path


def build(onefile: bool) -> Path:
    work = Path(tempfile.mkdtemp(prefix="acronis-triage-build-"))
    env = dict(os.environ, ACRONIS_TRIAGE_ONEFILE="1" if onefile else "0")
    if sys.platform == "win32":
        env["ACRONIS_TRIAGE_VERSION_FILE"] = str(windows_version_file(work))
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(work / "build"), str(ROOT / "packaging" / "acronis-triage.spec")]
    started = time.monotonic()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    shutil.rmtree(work, ignore_errors=True)
    exe_name = "acronis-triage-cli.exe" if sys.platform == "win32" else "acronis-triage-cli"
    target = DIST / exe_name if onefile else DIST / "acronis-triage" / exe_name
    print(f"built {target} in {time.monotonic() - started:.0f} s")
    return target


def size_mb(onefile: bool) -> float:
    """Bytes on disk: a symbolic link (PyInstaller links Qt's libraries into place) counts once, as its target."""
    if onefile:
        return sum(p.stat().st_size for p in DIST.glob("acronis-triage*") if p.is_file()) / 2**20
    folder = DIST / "acronis-triage"
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def smoke(cli: Path) -> None:
    """The built program, with no Python on the PATH, does its main jobs."""
    system = os.environ.get("SYSTEMROOT", r"C:\Windows")
    path = os.pathsep.join([str(Path(system) / "System32"), system]) if sys.platform == "win32" else "/usr/bin:/bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=path, QT_QPA_PLATFORM="offscreen", ACRONIS_TRIAGE_NO_CACHE="1")
    out = Path(tempfile.mkdtemp(prefix="acronis-triage-smoke-"))

    def run(*args: str, ok: tuple[int, ...] = (0,)) -> str:
        result = subprocess.run([str(cli), *args], env=env, capture_output=True, text=True, timeout=300, cwd=out)
        if result.returncode not in ok:
            raise SystemExit(f"smoke test failed: {' '.join(args)} -> {result.returncode}\n{result.stdout}\n"
                             f"{result.stderr}")
        return result.stdout

    print("smoke:", run("--version").strip())
    run("collect", "--demo", "--output", str(out / "x.zip"), "--quiet")
    report = run("analyze", str(out / "x.zip"))
    assert "KB " in report, report
    run("escalate", str(out / "x.zip"), ok=(3,))
    pasted = subprocess.run([str(cli), "analyze", "-"], input="Error code: 28\nModule: 7\n", env=env,
                            capture_output=True, text=True, timeout=120)
    assert pasted.returncode == 0, pasted.stderr
    run("gui", "--quit-after", "1500")
    print(f"smoke: collect, analyze (bundle and stdin), escalate and the window work from {cli.parent}")
    shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the portable acronis-triage with PyInstaller.")
    parser.add_argument("--onefile", action="store_true", help="one executable instead of one folder")
    parser.add_argument("--no-smoke", action="store_true", help="do not run the built program")
    args = parser.parse_args()
    cli = build(args.onefile)
    size = size_mb(args.onefile)
    budget = BUDGET_MB.get(sys.platform, 260)
    print(f"size: {size:.0f} MB (budget {budget} MB)")
    if not args.no_smoke:
        smoke(cli)
    if size > budget:
        print(f"over budget by {size - budget:.0f} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
