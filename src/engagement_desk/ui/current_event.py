"""The event every page works on: choosing one on any page chooses it for all of them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class CurrentEvent(QObject):
    """Owned by the main window; pages follow ``changed`` and call ``choose``."""

    changed = Signal(object)  # the event id, or None when no event is chosen

    def __init__(self, event_id: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._event_id = event_id

    @property
    def event_id(self) -> str | None:
        return self._event_id

    def choose(self, event_id: str | None) -> None:
        if event_id == self._event_id:
            return
        self._event_id = event_id
        self.changed.emit(event_id)
