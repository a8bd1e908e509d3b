"""Can the window open here? Asked before Qt is imported, so a missing library or display gets one sentence.

Qt's xcb platform plugin aborts the whole process when a library it links is missing ("xcb-cursor0 is needed",
even when another one is the culprit) or when the X display does not answer; both end in a core dump with Qt's
own text. This module loads the same libraries with ``dlopen`` and connects to the display with libxcb, as the
plugin would, and turns a failure into a sentence that says what to install or what is wrong. No Qt here.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable, Mapping

# The shared libraries Qt 6's xcb plugin (libqxcb.so and libQt6XcbQpa.so.6) links, with the Debian/Ubuntu package
# that ships each. `ldd libQt6XcbQpa.so.6` lists them; the README names the same packages.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libGL.so.1", "libgl1"),
)

# An X server on another host that does not answer would keep libxcb in connect() for minutes.
CONNECT_TIMEOUT_S = 5.0

Loader = Callable[[str], object]


def _load(name: str) -> object:
    return ctypes.CDLL(name)


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """True when Qt will pick its xcb plugin: on X11 systems, unless another platform plugin is asked for or a
    Wayland session is there (Qt then tries Wayland first)."""
    env = os.environ if environ is None else environ
    if platform in ("win32", "darwin", "cygwin"):
        return False
    requested = env.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(";")[0].split(":")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def missing_libraries(loader: Loader = _load) -> list[tuple[str, str]]:
    """(library, package) of every library of the xcb plugin that cannot be loaded."""
    missing = []
    for library, package in XCB_LIBRARIES:
        try:
            loader(library)
        except OSError:
            missing.append((library, package))
    return missing


def display_answers(display: str, loader: Loader = _load, timeout_s: float = CONNECT_TIMEOUT_S) -> bool:
    """Whether an X server answers on ``display`` and lets this user in: libxcb's own connect, as Qt does it."""
    try:
        xcb = loader("libxcb.so.1")
    except OSError:
        return False
    answer: list[bool] = []

    def connect() -> None:
        xcb.xcb_connect.restype = ctypes.c_void_p  # type: ignore[attr-defined]
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]  # type: ignore[attr-defined]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]  # type: ignore[attr-defined]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]  # type: ignore[attr-defined]
        connection = xcb.xcb_connect(display.encode(), None)  # type: ignore[attr-defined]
        # xcb_connect never returns NULL: a failed connection is an error object that must be freed too.
        answer.append(bool(connection) and xcb.xcb_connection_has_error(connection) == 0)  # type: ignore[attr-defined]
        if connection:
            xcb.xcb_disconnect(connection)  # type: ignore[attr-defined]

    thread = threading.Thread(target=connect, name="x-display-probe", daemon=True)
    thread.start()
    thread.join(timeout_s)
    return bool(answer and answer[0])


def problem(tool: str, environ: Mapping[str, str] | None = None, platform: str = sys.platform,
            loader: Loader = _load) -> str | None:
    """The sentence that says why the window cannot open here, or None when nothing stands in its way."""
    env = os.environ if environ is None else environ
    headless = f"for a headless run use `{tool} collect` (see `{tool} --help`)"
    if not uses_xcb(env, platform):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return f"{tool}: no display to open the window on (DISPLAY is not set); {headless}"
    missing = missing_libraries(loader)
    if missing:
        names = ", ".join(library for library, _package in missing)
        packages = " ".join(package for _library, package in missing)
        return (f"{tool}: the window cannot open: Qt's X11 support needs {names}, not found on this system "
                f"(Debian/Ubuntu: apt-get install {packages}); {headless}")
    if not display_answers(display, loader):
        return (f"{tool}: the window cannot open: no X server answers on the display {display!r} (DISPLAY), or "
                f"it does not let this user in (xauth); {headless}")
    return None
