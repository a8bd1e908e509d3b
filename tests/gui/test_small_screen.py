"""The window fits a 1024×600 screen at 100 % and a 1920×1080 screen at 150 %: its frame lies on the screen,
nothing has a minimum larger than the screen, and the controls of each step are in view or scrolled to.

Each size runs in a process of its own, on Qt's offscreen platform given that screen (a QApplication's screens
are fixed when it starts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROBE = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from PySide6.QtCore import QSettings, QPoint, QRect
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from acronis_triage.app.gui.main_window import MainWindow, COLLECT, FINDINGS
    folder = Path(sys.argv[1])
    window = MainWindow(settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    def settle(condition=lambda: True, limit=120):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            app.processEvents()
            if condition():
                return
            time.sleep(0.02)
        raise TimeoutError
    settle(lambda: window.collectors_ready)
    def in_view(widget):
        # The part of the widget the user sees: inside its step's scroll area and inside the window.
        area = window.stack.currentWidget().viewport()
        top_left = widget.mapTo(area, QPoint(0, 0))
        return area.rect().contains(QRect(top_left, widget.size()))
    report = {"screen": list(window.screen().availableGeometry().getRect()),
              "frame": list(window.frameGeometry().getRect()),
              "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
              "steps": {}}
    window.go_to(COLLECT)
    window.demo_radio.click()
    window.output_field.setText(str(folder / "b.zip"))
    settle()
    report["start_in_view"] = in_view(window.start_button)
    window.start()
    settle(lambda: not window.running and window.result_panel.isVisible())
    settle()
    report["findings_button_in_view"] = in_view(window.result_panel.findings_button)
    for step, (title, page) in enumerate(window.steps):
        window.go_to(step)
        settle()
        area = window.stack.currentWidget()
        report["steps"][title] = {"page_minimum": [page.minimumSizeHint().width(), page.minimumSizeHint().height()],
                                  "viewport": [area.viewport().width(), area.viewport().height()],
                                  "horizontal_scroll": area.horizontalScrollBar().maximum() > 0}
    report["navigator_in_window"] = window.rect().contains(QRect(window.next_button.mapTo(window, QPoint(0, 0)),
                                                                  window.next_button.size()))
    print(json.dumps(report))
    window.close()
""")


@pytest.mark.parametrize(("width", "height", "scale"), [(1024, 600, "1"), (1920, 1080, "1.5")])
def test_the_window_fits_the_screen(tmp_path: Path, width: int, height: int, scale: str) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "screen", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=scale)
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    sx, sy, sw, sh = report["screen"]
    fx, fy, fw, fh = report["frame"]
    assert sx <= fx and sy <= fy and fx + fw <= sx + sw and fy + fh <= sy + sh, report
    assert report["minimum"][0] <= sw and report["minimum"][1] <= sh, report
    assert report["start_in_view"] and report["findings_button_in_view"] and report["navigator_in_window"], report
    for title, step in report["steps"].items():
        # Pages scroll down when they must, never sideways: every page fits the width.
        assert not step["horizontal_scroll"], (title, step)
