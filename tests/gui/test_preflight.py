"""Before Qt: a display that does not answer, or a missing library of the xcb plugin, is one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from acronis_triage.app.gui import preflight

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Qt uses xcb on X11 systems only")


def test_xcb_is_the_plugin_on_x11_unless_another_is_asked_for() -> None:
    assert preflight.uses_xcb({"DISPLAY": ":0"}, "linux")
    assert preflight.uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not preflight.uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not preflight.uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux")
    assert not preflight.uses_xcb({"DISPLAY": ":0"}, "win32")


def test_a_missing_library_names_it_and_its_package() -> None:
    def loader(name: str) -> object:
        if name in ("libxcb-shape.so.0", "libxcb-icccm.so.4"):
            raise OSError(f"{name}: cannot open shared object file")
        return object()

    reason = preflight.problem("acronis-triage", {"DISPLAY": ":0"}, "linux", loader)
    assert reason is not None and "\n" not in reason
    assert "libxcb-icccm.so.4, libxcb-shape.so.0" in reason
    assert "apt-get install libxcb-icccm4 libxcb-shape0" in reason
    assert "acronis-triage collect" in reason


def test_unset_display_is_said_as_before() -> None:
    reason = preflight.problem("acronis-triage", {}, "linux")
    assert reason is not None and "DISPLAY is not set" in reason


def test_the_library_list_is_the_readme_list() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for _library, package in preflight.XCB_LIBRARIES:
        assert package in readme, f"the README's library list lacks {package}"


def _run_gui(env_extra: dict[str, str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(env_extra)
    code = textwrap.dedent(f"""
        import sys
        {prelude}
        from acronis_triage.app.cli import main
        code = main(["gui"])
        assert "PySide6.QtWidgets" not in sys.modules, "Qt was loaded before the display was checked"
        sys.exit(code)
    """)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_an_unreachable_display_is_one_sentence_not_a_core_dump() -> None:
    # Without the check, Qt prints "could not connect to display" and "xcb-cursor0 ... is needed" and aborts (134).
    done = _run_gui({"DISPLAY": ":1234"})
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no X server answers on the display ':1234'" in lines[0]
    assert "qt.qpa" not in done.stderr


def test_a_missing_xcb_library_is_one_sentence_not_qts_text() -> None:
    # The library is made unloadable the way a bare system lacks it: dlopen fails with OSError.
    prelude = textwrap.dedent("""
        import ctypes
        real = ctypes.CDLL
        def cdll(name, *args, **kwargs):
            if str(name).startswith("libxcb-shape"):
                raise OSError(name + ": cannot open shared object file: No such file or directory")
            return real(name, *args, **kwargs)
        ctypes.CDLL = cdll
    """).replace("\n", "\n        ")
    done = _run_gui({"DISPLAY": ":1234"}, prelude)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "libxcb-shape.so.0" in lines[0] and "apt-get install libxcb-shape0" in lines[0]
