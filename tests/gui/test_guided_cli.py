"""`acronis-triage gui --guided [--preset NAME] [--case-id ID] [--demo]`: checked before any window opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from acronis_triage.app.cli import EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "message"), [
    (["gui", "--guided", "--preset", "nope"], "unknown preset 'nope'; known: agent-offline, backup-fails, general"),
    (["gui", "--guided", "--case-id", "a b"], "case ID 'a b': use 1 to 64 letters, digits"),
    (["gui", "--guided", "--case-id", ""], "case ID '': use 1 to 64"),
    (["gui", "--preset", "backup-fails"], "--preset, --case-id and --demo belong to --guided"),
    (["gui", "--case-id", "1"], "--preset, --case-id and --demo belong to --guided"),
    (["gui", "--demo"], "--preset, --case-id and --demo belong to --guided"),
])
def test_a_wrong_guided_command_line_exits_64_with_one_line(argv: list[str], message: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_broken_preset_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text("title: t\nintro: i\ncollectors: [a]\nsince_days: -1\n", encoding="utf-8")
    assert main(["gui", "--guided", "--preset", str(broken)]) == EXIT_USAGE
    assert "preset mine: since_days must be" in capsys.readouterr().err


def test_the_guided_window_opens_and_closes(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "acronis_triage.app", "gui", "--guided", "--preset", "agent-offline",
                          "--case-id", "4711", "--demo", "--quit-after", "300"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_without_a_display_the_guided_mode_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    if sys.platform in ("win32", "darwin"):
        pytest.skip("there is always a display")
    out = subprocess.run([sys.executable, "-m", "acronis_triage.app", "gui", "--guided"], cwd=ROOT, env=env,
                         capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert "no display to open the window on" in out.stderr
