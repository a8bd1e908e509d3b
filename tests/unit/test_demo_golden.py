"""The demo bundle's collected/ tree is byte-identical to the recorded one.

The collectors' `index.json` files record modification times, which are those of the checkout the demo is read
from: in them (only), every ISO time is replaced by a placeholder before hashing; everything else is compared byte
for byte.

Refactoring collectors, the bundle writer or the redactor must not change what a user receives. When a change is
meant to alter the collected files (a new collector, a better redaction), regenerate the golden list with
`python tests/unit/test_demo_golden.py` and say in the commit why the tree changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden" / "demo_collected.sha256"


_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _untimed(value: object) -> object:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    if isinstance(value, str) and _ISO_TIME.match(value):
        return "<time>"
    return value


def _comparable(name: str, data: bytes) -> bytes:
    if name.endswith("/index.json"):
        return json.dumps(_untimed(json.loads(data)), indent=2, ensure_ascii=False).encode("utf-8")
    return data


def _collected_digests(bundle: Path) -> str:
    lines = []
    with zipfile.ZipFile(bundle) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("collected/") and not n.endswith("/")):
            lines.append(f"{hashlib.sha256(_comparable(name, zf.read(name))).hexdigest()}  ./{name}")
    return "\n".join(lines) + "\n"


def _demo_bundle(folder: Path) -> Path:
    out = folder / "demo.zip"
    subprocess.run([sys.executable, "-m", "acronis_triage.app", "collect", "--demo", "--output", str(out), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    return out


def test_demo_collected_tree_is_unchanged(tmp_path: Path) -> None:
    assert _collected_digests(_demo_bundle(tmp_path)) == GOLDEN.read_text(encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text(_collected_digests(_demo_bundle(Path(tmp))), encoding="utf-8")
    print(f"wrote {GOLDEN}")
