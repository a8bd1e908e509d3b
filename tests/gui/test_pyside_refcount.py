"""The installed Qt bindings keep Python's reference counts: PySide6 6.12.0 on Python 3.11 dropped a reference to
None in every call taking a QVariant, and the window aborted ("deallocating None") after a few thousand of them,
e.g. while listing the files of a bundle (the same version's Signal.emit() does it to True, see
test_guided_qt_binding.py). pyproject.toml keeps that version out; this test says why if it comes back."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QComboBox, QTreeWidget, QTreeWidgetItem

pytestmark = pytest.mark.usefixtures("qapp")

CALLS = 2000


def test_calls_taking_a_qvariant_keep_the_reference_count_of_none() -> None:
    import PySide6

    tree = QTreeWidget()
    combo = QComboBox()
    before = sys.getrefcount(None)
    for i in range(CALLS):
        QTreeWidgetItem(tree).setData(0, 257, f"collected/file{i}.log")
        combo.addItem("x", i)
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, (f"PySide6 {PySide6.__version__} lost {lost} references to None in {2 * CALLS} calls; "
                                "Python 3.11 aborts when they run out (pyproject.toml excludes such versions)")
