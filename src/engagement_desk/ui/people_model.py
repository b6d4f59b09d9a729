"""The People list: one row per registration, fed by RegistrationService.search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from engagement_desk.core.tickets import ticket_reference
from engagement_desk.services.registrations import PersonRow
from engagement_desk.ui.row_model import Index, RowTableModel

REGISTRATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PeopleTableModel(RowTableModel):
    COLUMNS = (
        ("Name", lambda r: r.name),
        ("Email", lambda r: r.email or ""),
        ("Event", lambda r: r.event_code),
        ("Status", lambda r: r.status_label.capitalize()),
        ("Ticket reference", lambda r: ticket_reference(r.ticket_id)),
        ("Access needs", lambda r: ", ".join(r.access_needs)),
    )

    def row_at(self, row: int) -> PersonRow:
        person: PersonRow = super().row_at(row)
        return person

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == REGISTRATION_ID_ROLE and index.isValid():
            return self.row_at(index.row()).registration_id
        return super().data(index, role)
