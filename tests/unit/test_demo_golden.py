"""The demo bundle's collected/ tree is byte-identical to the recorded one.

Refactoring collectors, the bundle writer or the redactor must not change what a user receives. When a change is
meant to alter the collected files (a new collector, a better redaction), regenerate the golden list with
`python tests/unit/test_demo_golden.py` and say in the commit why the tree changed.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden" / "demo_collected.sha256"


# acronis_logs/index.json records each log's modification time and the window anchored at the newest: for the
# demo those are the times its files were checked out or installed, different in every checkout. Only they are
# masked; every other byte of that file and of the tree is compared.
_CHECKOUT_TIMES = {"collected/acronis_logs/index.json": re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")}


def _collected_digests(bundle: Path) -> str:
    lines = []
    with zipfile.ZipFile(bundle) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("collected/") and not n.endswith("/")):
            data = zf.read(name)
            if name in _CHECKOUT_TIMES:
                data = _CHECKOUT_TIMES[name].sub(b"<checkout time>", data)
            lines.append(f"{hashlib.sha256(data).hexdigest()}  ./{name}")
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
