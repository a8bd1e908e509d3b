"""Suite-wide setup: Qt runs headless, and every test that needs a QApplication is marked ``gui``."""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need a display (a real one is still used if the caller sets one).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

_QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "qtlog"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # So `pytest -m "not gui"` runs the whole core on a machine without Qt's system libraries.
    for item in items:
        if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
