"""Only app/gui imports Qt: the collectors, the analyzers and the CLI run without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import importlib, pkgutil, sys
from acronis_triage import collectors, analyzers, app
for pkg in (collectors, analyzers):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(mod.name)
import acronis_triage.app.cli, acronis_triage.app.pipeline
acronis_triage.app.cli.build_parser()
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print("QT:" + ",".join(bad))
"""


def test_core_packages_import_no_qt() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "QT:"


def test_no_qt_import_statements_outside_app_gui() -> None:
    offenders = []
    for folder in ("collectors", "analyzers", "resources"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "import PySide6" in text or "from PySide6" in text:
                offenders.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "app").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "import PySide6" in text or "from PySide6" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
