"""The demo bundle's collected/ tree is byte-identical to the recorded one.

Refactoring collectors, the bundle writer or the redactor must not change what a user receives. When a change is
meant to alter the collected files (a new collector, a better redaction), regenerate the golden list with
`python tests/unit/test_demo_golden.py` and say in the commit why the tree changed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden" / "demo_collected.sha256"


def _collected_digests(bundle: Path) -> str:
    lines = []
    with zipfile.ZipFile(bundle) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("collected/") and not n.endswith("/")):
            lines.append(f"{hashlib.sha256(zf.read(name)).hexdigest()}  ./{name}")
    return "\n".join(lines) + "\n"


def _demo_bundle(folder: Path) -> Path:
    out = folder / "demo.zip"
    subprocess.run([sys.executable, "-m", "app", "collect", "--demo", "--output", str(out), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    return out


def test_demo_collected_tree_is_unchanged(tmp_path: Path) -> None:
    assert _collected_digests(_demo_bundle(tmp_path)) == GOLDEN.read_text(encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(_collected_digests(_demo_bundle(Path(tmp))), encoding="utf-8")
    print(f"wrote {GOLDEN}")
