"""mypy on the repository's folders and files, under the names they are installed as (acronis_triage.analyzers...).

    python tools/typecheck.py [mypy options] [TARGET ...]     # default targets: analyzers collectors app/*.py

A TARGET is what `mypy` was given before the folders became acronis_triage.*: a folder (`analyzers`, checked as the
package acronis_triage.analyzers) or a .py file (`app/cli.py`, the module acronis_triage.app.cli). mypy does not
follow setuptools' editable finder, which maps the folders to those names, and checked as `mypy analyzers` every
`from acronis_triage...` import would be missing. So it reads them through build/namespace/acronis_triage/, a folder
of links to the repository's folders, and the paths it prints are the repository's again. Exit code: mypy's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "acronis_triage"
FOLDERS = ("app", "collectors", "analyzers", "resources")
# what .ci/run checks: everything but the window (app/gui is not type-clean yet)
DEFAULT_TARGETS = ("analyzers", "collectors", *sorted(f"app/{p.name}" for p in (ROOT / "app").glob("*.py")))
TREE = ROOT / "build" / "namespace"


def link_tree() -> Path:
    """build/namespace/acronis_triage/<folder> -> <folder>, made or repaired."""
    package = TREE / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        link = package / folder
        if link.is_symlink() and link.resolve() == (ROOT / folder).resolve():
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(ROOT / folder, target_is_directory=True)
    return package


def module_flags(target: str) -> list[str]:
    """`analyzers` -> -p acronis_triage.analyzers; `app/cli.py` -> -m acronis_triage.app.cli."""
    path = (ROOT / target).resolve()
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] not in FOLDERS:
        raise SystemExit(f"{target}: not in one of {', '.join(FOLDERS)}")
    if parts[-1] == "__init__":
        parts.pop()
    return ["-p" if path.is_dir() else "-m", ".".join((PACKAGE, *parts))]


def main(argv: list[str]) -> int:
    package = link_tree()
    options = [a for a in argv if a.startswith("-")]
    targets = [a for a in argv if not a.startswith("-")] or list(DEFAULT_TARGETS)
    cmd = [sys.executable, "-m", "mypy", *options]
    for target in targets:
        cmd += module_flags(target)
    env = dict(os.environ, MYPYPATH=str(TREE))
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    for prefix in (str(package) + os.sep, str(package.relative_to(ROOT)) + os.sep):
        result = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.replace(prefix, ""),
                                             result.stderr.replace(prefix, ""))
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
