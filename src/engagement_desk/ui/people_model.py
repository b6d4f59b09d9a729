"""The People list: one row per registration, fed by RegistrationService.search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from engagement_desk.core.tickets import ticket_reference
from engagement_desk.services.registrations import PersonRow

Index = QModelIndex | QPersistentModelIndex
REGISTRATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: tuple[tuple[str, Callable[[PersonRow], str]], ...] = (
    ("Name", lambda r: r.name),
    ("Email", lambda r: r.email or ""),
    ("Event", lambda r: r.event_code),
    ("Status", lambda r: r.status_label.capitalize()),
    ("Ticket reference", lambda r: ticket_reference(r.ticket_id)),
    ("Access needs", lambda r: ", ".join(r.access_needs)),
)


class PeopleTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonRow] = []

    def set_rows(self, rows: list[PersonRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PersonRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[index.column()][1](row)
        if role == REGISTRATION_ID_ROLE:
            return row.registration_id
        return None
