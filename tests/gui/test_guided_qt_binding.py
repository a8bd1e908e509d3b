"""The Qt binding must survive a long run of signals: the windows emit one per progress event.

PySide6-Essentials 6.12.0 returns ``True`` from ``Signal.emit()`` without a reference; on Python 3.11 (bools are
not immortal before 3.12) each emit takes one reference from ``True`` and the interpreter aborts with "Fatal
Python error: bool_dealloc" after a few thousand, which a long collection in the guided or the technician window
reaches (found by benchmarks/gui_latency.py). pyproject.toml excludes that version.
"""

from __future__ import annotations

import subprocess
import sys

EMIT_MANY = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

app = QCoreApplication([])


class Source(QObject):
    progressed = Signal(object)


source = Source()
received = []
source.progressed.connect(received.append)
before = sys.getrefcount(True)
for n in range(before + 2000):  # more emits than True has references: enough to reach zero with the defect
    source.progressed.emit(n)
print(len(received), before, sys.getrefcount(True))
"""


def test_many_signal_emits_leave_true_alone_and_the_process_ends_cleanly() -> None:
    out = subprocess.run([sys.executable, "-c", EMIT_MANY], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"the interpreter died: {out.stderr.strip()[-300:]}"
    received, before, after = (int(x) for x in out.stdout.split())
    assert received == before + 2000
    assert after >= before - 10, f"Signal.emit took {before - after} references from True"
