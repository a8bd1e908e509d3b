"""Screenshots of every step of the guided mode, for the README: docs/screenshots/guided-*.png.

    python tools/guided_screenshots.py              # on $DISPLAY, or on an Xvfb it starts itself
    python tools/guided_screenshots.py --out /tmp/shots --size 1024x600 --scale 1.5

Step 1 shows this machine as the end user would see it (the backup-fails preset); the collection, save and send
steps run the real pipeline on the demo machine and save into a temporary Desktop folder. A German copy of
step 1 shows the translation. Look at each picture before committing it.
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

ROOT = Path(__file__).resolve().parents[1]
NOTE = "Since Monday the backup shows a red error every night. The message said the snapshot failed."


def start_xvfb(size: str) -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY") or shutil.which("Xvfb") is None:
        return None
    for number in range(90, 120):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = f":{number}"
    for _ in range(50):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.1)
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1280x800", help="screen size of the Xvfb started when there is no DISPLAY")
    ap.add_argument("--scale", help="QT_SCALE_FACTOR")
    args = ap.parse_args()
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = args.scale
    xvfb = start_xvfb(args.size)
    sys.path.insert(0, str(ROOT))
    try:
        return shoot(args.out)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


def shoot(out: Path) -> int:
    from PySide6.QtCore import QEventLoop, QLocale, QTimer  # noqa: TID251 - pictures of the window
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from acronis_triage.app.gui.guided.main import install_translators
    from acronis_triage.app.gui.guided.presets import load_preset
    from acronis_triage.app.gui.guided.window import SAVE, GuidedWindow

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="guided-shots-"))
    desktop = home / "Desktop"
    desktop.mkdir()
    shots: list[Path] = []

    def wait(condition, timeout_s: float = 60) -> None:  # type: ignore[no-untyped-def]
        loop = QEventLoop()
        deadline = time.monotonic() + timeout_s
        timer = QTimer()

        def poll() -> None:
            if condition() or time.monotonic() > deadline:
                loop.quit()

        timer.timeout.connect(poll)
        timer.start(20)
        if not condition():
            loop.exec()
        timer.stop()
        settle = QEventLoop()
        QTimer.singleShot(150, settle.quit)  # the last repaint
        settle.exec()

    def grab(window: GuidedWindow, name: str) -> None:
        path = out / f"guided-{name}.png"
        window.grab().save(str(path))
        shots.append(path)

    # Step 1 on this machine, in English and in German.
    for language, name in (("en", "1-what-is-collected"), ("de", "de-1-was-gesammelt-wird")):
        translators = []
        if language == "de":
            QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
            translators = install_translators(app, QLocale("de_DE"))  # type: ignore[arg-type]
        window = GuidedWindow(load_preset("backup-fails"), case_id="12345", desktop=desktop)
        window.show()
        wait(window.consent.collect_button.isEnabled)
        grab(window, name)
        window.close()
        for translator in translators:
            app.removeTranslator(translator)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))

    # Steps 2 to 4 on the demo machine.
    window = GuidedWindow(load_preset("backup-fails"), case_id="12345", demo=True, desktop=desktop)
    window.show()
    wait(window.consent.collect_button.isEnabled)
    captured: list[bool] = []

    def during(event) -> None:  # type: ignore[no-untyped-def]
        if event.kind == "phase" and not captured:  # the collectors are done; the analysis starts
            captured.append(True)
            window.collect_page.note.setPlainText(NOTE[:40])
            grab(window, "2-collecting")  # now: the run may end before a queued call would come

    window.consent.collect_button.click()
    window.worker.signals.progressed.connect(during)
    wait(lambda: window.worker is None and window.result is not None)
    window.collect_page.note.setPlainText(NOTE)
    window.collect_page.next_button.setFocus()
    wait(lambda: True)
    grab(window, "3-collected")
    window.go_to(SAVE)
    wait(lambda: True)
    grab(window, "4-save")
    window.save_to_desktop()
    wait(lambda: window.saved is not None)
    grab(window, "5-send")
    window.close()
    shutil.rmtree(home, ignore_errors=True)
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
