"""The workaround checklist: every step of every confirmed finding, with what the technician answered.

One model for the Findings step (the steps of the finding in view, and all of them) and the escalation form,
which reads `answers()` in the structure of ``acronis-triage escalate --form`` (`app.escalate.complete`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from acronis_triage.app.escalate import STEP_BY, STEP_STATUSES

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

_Index = QModelIndex | QPersistentModelIndex
SIGNATURE_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value of a choice column (None, "done", "technician" ...)


def status_words() -> dict[str | None, str]:
    return {None: translate("Checklist", "— not answered"), "done": translate("Checklist", "done"),
            "not_applicable": translate("Checklist", "not applicable")}


def by_words() -> dict[str | None, str]:
    return {None: "—", "technician": translate("Checklist", "technician"),
            "end user": translate("Checklist", "end user")}


class ChecklistModel(QAbstractTableModel):
    """Rows: the ``checklist`` items of `app.escalate.template`, plus a free note each.

    Signals:
        answersChanged(): an answer was edited (the form re-checks its readiness).
    """

    COL_STEP, COL_FINDING, COL_STATUS, COL_RESULT, COL_BY, COL_NOTES = range(6)
    COLUMN_COUNT = 6
    EDITABLE = (COL_STATUS, COL_RESULT, COL_BY, COL_NOTES)

    answersChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[dict[str, Any]] = []
        self._titles: dict[str, str] = {}

    def set_items(self, items: list[dict[str, Any]], titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._items = [{**item, "notes": item.get("notes")} for item in items]
        self._titles = dict(titles)
        self.endResetModel()
        self.answersChanged.emit()

    def items(self) -> list[dict[str, Any]]:
        return [dict(item) for item in self._items]

    def answered(self) -> int:
        return sum(1 for item in self._items if item.get("status"))

    def answers(self) -> list[dict[str, Any]]:
        """The checklist answers for `app.escalate.complete`; a note travels with the result, so support reads it."""
        out = []
        for item in self._items:
            result = (item.get("result") or "").strip()
            notes = (item.get("notes") or "").strip()
            if notes:
                result = f"{result} (notes: {notes})" if result else f"(notes: {notes})"
            out.append({"id": item["id"], "status": item.get("status"), "by": item.get("by"),
                        "result": result or None})
        return out

    def set_answer(self, row: int, *, status: str | None = None, result: str | None = None, by: str | None = None,
                   notes: str | None = None) -> None:
        for column, key, value in ((self.COL_STATUS, "status", status), (self.COL_RESULT, "result", result),
                                   (self.COL_BY, "by", by), (self.COL_NOTES, "notes", notes)):
            if value is not None:
                self.setData(self.index(row, column), value, VALUE_ROLE if key in ("status", "by") else
                             Qt.ItemDataRole.EditRole)

    # ---- Qt overrides

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (translate("Checklist", "Step"), translate("Checklist", "Finding"), translate("Checklist", "Done?"),
                  translate("Checklist", "Result"), translate("Checklist", "By"), translate("Checklist", "Notes"))
        return titles[section] if 0 <= section < len(titles) else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in self.EDITABLE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == SIGNATURE_ROLE:
            return item.get("signature")
        if role == VALUE_ROLE:
            return item.get({self.COL_STATUS: "status", self.COL_BY: "by"}.get(column, ""))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.COL_STEP:
                return item.get("step")
            if column == self.COL_FINDING:
                return self._titles.get(str(item.get("signature")), item.get("signature"))
            if column == self.COL_STATUS:
                return status_words().get(item.get("status"), item.get("status"))
            if column == self.COL_BY:
                return by_words().get(item.get("by"), item.get("by"))
            if column == self.COL_RESULT:
                return item.get("result") or ""
            if column == self.COL_NOTES:
                return item.get("notes") or ""
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() not in self.EDITABLE:
            return False
        item = self._items[index.row()]
        column = index.column()
        if column == self.COL_STATUS:
            if value not in (None, *STEP_STATUSES):
                return False
            item["status"] = value
        elif column == self.COL_BY:
            if value not in (None, *STEP_BY):
                return False
            item["by"] = value
        elif column == self.COL_RESULT:
            item["result"] = str(value or "").strip() or None
        else:
            item["notes"] = str(value or "").strip() or None
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.COLUMN_COUNT - 1))
        self.answersChanged.emit()
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the Done? and By columns, keyboard-friendly (opens with F2, any key, or a double click)."""

    def __init__(self, choices: dict[str | None, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for value, text in self.choices.items():
            combo.addItem(text, value)
        combo.setAccessibleName(str(index.model().headerData(index.column(), Qt.Orientation.Horizontal)))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(VALUE_ROLE)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), VALUE_ROLE)


class StepsOfFinding(QSortFilterProxyModel):
    """The checklist rows of one finding."""

    def __init__(self, source: ChecklistModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._signature: str | None = None

    def show_signature(self, signature: str | None) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._signature = signature
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._signature = signature
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        source = self.sourceModel()
        return source.data(source.index(source_row, 0, source_parent), SIGNATURE_ROLE) == self._signature
