"""What the collect benchmarks share: a generated corpus kept between runs, and timing a command in wall and CPU.

Imported by the scripts beside it (`python benchmarks/<name>.py` puts this folder on the path).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def cached_corpus(target: Path, key: str, make: Callable[[Path], None], what: str, regenerate: bool) -> Path:
    """`target`, made by `make` unless a complete one is already there. The marker lies beside the tree, so it is
    not part of what is measured; a tree without it (an interrupted generation) is made again."""
    done = target.with_name(f"{key}.complete")
    if regenerate:
        done.unlink(missing_ok=True)
    if not done.exists():
        shutil.rmtree(target, ignore_errors=True)
        print(f"generating {what} in {target} ...", flush=True)
        start = time.monotonic()
        make(target)
        print(f"  done in {time.monotonic() - start:.1f} s", flush=True)
        done.write_text(key)
    return target


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kw) -> tuple[float, float]:
    """Wall and CPU seconds of one command (exit 0 or 2, the tool's "written, something missing"; else stop)."""
    cpu = children_cpu()
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, **kw)
    seconds = time.monotonic() - start
    if proc.returncode not in (0, 2):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    return seconds, children_cpu() - cpu
