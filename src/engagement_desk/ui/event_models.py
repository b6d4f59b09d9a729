"""Item models for the events list and the schedule, fed by EventService rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from engagement_desk.core.clock import to_local
from engagement_desk.core.statuses import EventStatus
from engagement_desk.services.events import EventRow, ScheduleWeek

Index = QModelIndex | QPersistentModelIndex
EVENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def _when(row: EventRow) -> str:
    start, end = to_local(row.starts_at), to_local(row.ends_at)
    return f"{start:%a} {start.day} {start:%b %Y} {start:%H:%M}–{end:%H:%M}"


def _status(row: EventRow) -> str:
    if row.status is EventStatus.CANCELLED:
        return "Cancelled"
    if row.capacity is not None and row.registered >= row.capacity:
        return "Full" + (f" ({row.waitlisted} waiting)" if row.waitlisted else "")
    return "Open"


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[EventRow], str]
    sort: Callable[[EventRow], Any]
    numeric: bool = False


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("Code", lambda r: r.short_code, lambda r: r.short_code),
    Column("Title", lambda r: r.title, lambda r: r.title.lower()),
    Column("Kind", lambda r: r.kind.label, lambda r: r.kind.label),
    Column("When (UK time)", _when, lambda r: r.starts_at.timestamp()),
    Column("Venue", lambda r: r.venue_name or "Online", lambda r: r.venue_name.lower()),
    Column("Registered", lambda r: str(r.registered), lambda r: r.registered, True),
    Column("Checked in", lambda r: str(r.checked_in), lambda r: r.checked_in, True),
    Column(
        "Places left",
        lambda r: "No limit" if r.places_left is None else str(r.places_left),
        lambda r: -1 if r.places_left is None else r.places_left,
        True,
    ),
    Column("Status", _status, _status),
)


class EventTableModel(QAbstractTableModel):
    """Events as rows; status is in words as well as styling, never colour alone."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[EventRow] = []

    def set_rows(self, rows: list[EventRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> EventRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EVENT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return EVENT_COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = EVENT_COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title} — {_when(row)} — {_status(row)}"
        if role == SORT_ROLE:
            return column.sort(row)
        if role == EVENT_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.status is EventStatus.CANCELLED:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None


class ScheduleModel(QAbstractTableModel):
    """The coming weeks at a glance: one row per event, and a row for each empty week."""

    HEADERS = ("Week commencing", "Day", "Time", "Event", "Where", "Places")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[date, EventRow | None, bool]] = []

    def set_weeks(self, weeks: list[ScheduleWeek]) -> None:
        self.beginResetModel()
        self._lines = []
        for week in weeks:
            if not week.events:
                self._lines.append((week.week_commencing, None, True))
            for n, row in enumerate(week.events):
                self._lines.append((week.week_commencing, row, n == 0))
        self.endResetModel()

    def event_id(self, row: int) -> str | None:
        event = self._lines[row][1]
        return event.id if event else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        monday, event, first = self._lines[index.row()]
        if role == EVENT_ID_ROLE:
            return event.id if event else None
        if role == Qt.ItemDataRole.FontRole and index.column() == 0 and first:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        column = index.column()
        if column == 0:
            shown = first or role == Qt.ItemDataRole.AccessibleTextRole
            return f"{monday.day} {monday:%B %Y}" if shown else ""
        if event is None:
            return "No events this week" if column == 3 else ""
        start = to_local(event.starts_at)
        if column == 1:
            return f"{start:%A} {start.day}"
        if column == 2:
            return f"{start:%H:%M}–{to_local(event.ends_at):%H:%M}"
        if column == 3:
            cancelled = " (cancelled)" if event.status is EventStatus.CANCELLED else ""
            return f"{event.title}{cancelled}"
        if column == 4:
            return event.venue_name or "Online"
        if event.places_left is None:
            return "No limit"
        return f"{event.places_left} of {event.capacity} left"
