"""Screenshots of every step of the technician's window, on virtual screens, for docs/screenshots/ and the README.

    python tools/gui_screenshots.py                 # 1024x600 at scale 1 and 1920x1080 at QT_SCALE_FACTOR=1.5
    python tools/gui_screenshots.py --only small    # one of them

Each configuration starts its own Xvfb (``-displayfd``: no display number is guessed), runs the window there with
clean settings, walks the demo workflow (problem with a pasted error, collection, findings, log viewer, checklist,
escalation form, export, a received bundle's contents, settings, about) and grabs the whole screen at each step,
so a window that does not fit shows as cut. Needs Xvfb (apt-get install xvfb) and Qt's xcb libraries (README).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    "small": {"size": "1024x600", "scale": "1", "suffix": "1024x600"},
    "large": {"size": "1920x1080", "scale": "1.5", "suffix": "1920x1080@1.5"},
}
PASTED = ("2026-11-24T08:52:09:205+01:00 8804 E029B13A0: Error 0x29b13a0: The storage quota is exceeded. "
          "Further backups will fail.")


def start_xvfb(size: str) -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    # -wr: a white root window, so the screen around a window smaller than it reads as an empty desktop.
    process = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp",
                                "-wr"],
                               pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                raise RuntimeError("Xvfb did not start")
            number += chunk
    return process, f":{number.decode().strip()}"


def run_config(name: str, out: Path) -> int:
    config = CONFIGS[name]
    process, display = start_xvfb(config["size"])
    home = Path(tempfile.mkdtemp(prefix="acronis-triage-shots-"))
    try:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=config["scale"],
                   HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
                   LANG="en_US.UTF-8")
        env.pop("WAYLAND_DISPLAY", None)
        return subprocess.call([sys.executable, __file__, "--child", name, "--out", str(out)], env=env, cwd=ROOT)
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(home, ignore_errors=True)


def child(name: str, out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from acronis_triage.app.gui.main import prepare_application
    from acronis_triage.app.gui.main_window import COLLECT, CONTENTS, EXPORT, FINDINGS, FORM, PROBLEM, MainWindow

    app = QApplication([sys.argv[0]])
    prepare_application(app)
    suffix = CONFIGS[name]["suffix"]
    out.mkdir(parents=True, exist_ok=True)
    # A technician's ticket folder, so the paths in the pictures read like real ones.
    work = Path(tempfile.gettempdir()) / "technician" / "Documents" / "Tickets"
    shutil.rmtree(work.parents[1], ignore_errors=True)
    work.mkdir(parents=True)

    def wait(condition: Callable[[], bool], timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.02)

    def settle(seconds: float = 0.4) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shot(label: str) -> None:
        settle()
        screen = QGuiApplication.primaryScreen()
        path = out / f"{label}-{suffix}.png"
        screen.grabWindow(0).save(str(path))
        if shutil.which("convert"):  # 256 colours: half the size, and a UI screenshot looks the same
            subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=False)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("partner/partner_name", "Example IT Services GmbH")
    settings.setValue("partner/partner_contact", "Jane Doe, jane.doe@example.com, +49 30 1234567")
    settings.setValue("export/output_folder", str(work))
    window = MainWindow(settings=settings)
    window.show()
    wait(lambda: window.collectors_ready)
    settle(1.0)

    # 1 Problem, with a pasted error analyzed
    p = window.problem_step
    p.category.setCurrentIndex(p.category.findData("Storage / quota"))
    p.symptoms.setPlainText("Nightly cloud backups of the file server fail since Tuesday; local backups work.")
    p.since.setText("every night since Tuesday 24 Nov")
    p.paste.editor.setPlainText(PASTED)
    p.paste.analyze_now()
    wait(lambda: p.paste.last_result is not None)
    window.go_to(PROBLEM)
    shot("1-problem")

    # 2 Collect: the demo machine, before and after the run
    window.go_to(COLLECT)
    window.demo_radio.click()
    shot("2-collect")
    window.start()
    wait(lambda: not window.running and window.result_panel.isVisible(), 180)
    window.go_to(COLLECT)
    shot("2-collect-done")

    # 3 Findings, with the details of the worst one and its evidence in the log viewer
    window.go_to(FINDINGS)
    f = window.findings_step
    f.list.setCurrentItem(f.list.topLevelItem(0))
    shot("3-findings")
    f.details.open_evidence_button.click()
    wait(lambda: window.viewer is not None and window.viewer.view.loaded is not None)
    shot("3-log-viewer")
    window.viewer.close()
    for row in range(window.checklist.rowCount()):
        window.checklist.set_answer(row, status="done", by="technician" if row % 2 else "end user",
                                    result="done; backup retried, still fails" if row == 0 else "done")
    f.tabs.setCurrentIndex(f.checklist_tab)
    shot("3-checklist")
    f.tabs.setCurrentIndex(f.timeline_tab)
    shot("3-timeline")
    f.tabs.setCurrentIndex(f.issues_tab)

    # 4 Escalation form
    window.go_to(FORM)
    form = window.form_step
    wait(lambda: not form.checking and form.completed is not None)
    form.editors["acronis_login"].set_value("admin@example-it.com")
    form.editors["data_center"].set_value("EU2")
    form.check_now()
    wait(lambda: not form.checking)
    shot("4-form")

    # 5 Export
    window.go_to(EXPORT)
    shot("5-export")

    # 6 A received bundle: its contents
    bundle = window.last_result.bundle if window.last_result else None
    if bundle is not None:
        received = work / "received-from-customer.zip"
        shutil.copy(bundle, received)
        window.open_bundle(received)
        wait(lambda: not window.opening and window.case is not None and window.case.title == received.name)
        window.go_to(CONTENTS)
        c = window.contents_step
        wait(lambda: not c.filling)  # the file tree fills in slices
        c.select_file("collected/acronis_logs/ProgramData/Acronis/BackupAndRecovery/MMS/mms.0.log")
        wait(lambda: c.viewer.loaded is not None)
        shot("6-contents")

    # Settings and About
    window.open_settings()
    shot("7-settings")
    window.settings_dialog.reject()
    window.show_about()
    shot("8-about")
    window.about_dialog.reject()
    window.go_to(FINDINGS)
    QCoreApplication.processEvents()
    window.close()
    shutil.rmtree(work.parents[1], ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(CONFIGS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--child", choices=sorted(CONFIGS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.out)
    if shutil.which("Xvfb") is None:
        print("Xvfb is needed: apt-get install xvfb", file=sys.stderr)
        return 1
    code = 0
    for name in [args.only] if args.only else list(CONFIGS):
        code |= run_config(name, args.out)
    return code


if __name__ == "__main__":
    sys.exit(main())
