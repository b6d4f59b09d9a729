"""'You said, we did' as a table."""

from __future__ import annotations

from engagement_desk.services.actions import ActionRow
from engagement_desk.ui.row_model import RowTableModel


def _due(row: ActionRow) -> str:
    return f"{row.due.day} {row.due:%b %Y}" if row.due else ""


class ActionsModel(RowTableModel):
    COLUMNS = (
        ("You said", lambda r: r.you_said),
        ("We did / will do", lambda r: r.we_did),
        ("Owner", lambda r: r.owner),
        ("Status", lambda r: r.status.value.capitalize()),
        ("Due", _due),
        ("Theme or priority", lambda r: r.theme or r.priority or ""),
    )

    def row_at(self, row: int) -> ActionRow:
        action: ActionRow = super().row_at(row)
        return action
