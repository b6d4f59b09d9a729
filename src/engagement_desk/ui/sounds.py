"""A short sound for each kind of check-in outcome (a different pattern, not only pitch)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl

from engagement_desk.core.checkin import Outcome
from engagement_desk.paths import resource

SOUND_FOR: dict[Outcome, str] = {
    Outcome.ADMITTED: "admitted",
    Outcome.ADMITTED_NOT_ON_LIST: "admitted",
    Outcome.ALREADY_CHECKED_IN: "caution",
    Outcome.WAITLISTED: "caution",
    Outcome.WRONG_EVENT: "refused",
    Outcome.CANCELLED: "refused",
    Outcome.NOT_RECOGNISED: "refused",
    Outcome.EVENT_CANCELLED: "refused",
    Outcome.EVENT_ENDED: "refused",
}


class OutcomeSounds(QObject):
    """Plays through Qt Multimedia, loaded on first use; silent where no audio device exists."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, object] = {}
        self.enabled = True

    def __call__(self, outcome: Outcome) -> None:
        if not self.enabled:
            return
        from PySide6.QtMultimedia import QSoundEffect

        name = SOUND_FOR[outcome]
        effect = self._effects.get(name)
        if effect is None:
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(resource("sounds", f"{name}.wav"))))
            effect.setVolume(0.8)
            self._effects[name] = effect
        assert isinstance(effect, QSoundEffect)
        effect.play()
