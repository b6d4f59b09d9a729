"""The last few check-ins at the door, newest first."""

from __future__ import annotations

from engagement_desk.core.clock import to_local
from engagement_desk.services.checkin import RecentCheckIn
from engagement_desk.ui.row_model import RowTableModel


class RecentCheckInsModel(RowTableModel):
    COLUMNS = (
        ("Time", lambda r: f"{to_local(r.at):%H:%M}"),
        ("Name", lambda r: r.person_name + (" (walk-in)" if r.walk_in else "")),
        ("How", lambda r: r.method),
        ("Laptop", lambda r: r.device_name),
    )

    def row_at(self, row: int) -> RecentCheckIn:
        recent: RecentCheckIn = super().row_at(row)
        return recent
