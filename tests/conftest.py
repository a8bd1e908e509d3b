"""Suite-wide setup: Qt runs headless, the tool's caches and settings live in a folder of the test run, and every
test that needs a QApplication is marked ``gui``."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Before anything imports Qt: tests never need a display (a real one is still used if the caller sets one).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The suite must not write into the user's real ~/.cache/acronis-triage or ~/.config (the compiled signature
# database, the KB index cache, partner profiles): one private home for caches and settings per test run,
# inherited by the subprocesses the tests start.
_HOME = tempfile.mkdtemp(prefix="acronis-triage-tests-")
os.environ["XDG_CACHE_HOME"] = os.path.join(_HOME, "cache")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")  # imported signature packs
os.environ["LOCALAPPDATA"] = os.path.join(_HOME, "localappdata")  # the Windows cache folder
os.environ["APPDATA"] = os.path.join(_HOME, "appdata")  # the Windows settings folder
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)

import pytest  # noqa: E402 - after the environment above, which Qt and the tool read at import

_QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "qtlog"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # So `pytest -m "not gui"` runs the whole core on a machine without Qt's system libraries.
    for item in items:
        if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
