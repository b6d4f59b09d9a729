"""This laptop's own preferences (text size, high contrast, how its barcode scanner is set
up, how long a check-in result stays up, the event being worked on), kept in a small JSON
file in the data folder."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from engagement_desk.core.scanning import ScannerSettings, affix_problem

log = logging.getLogger(__name__)

READY_AFTER_RANGE = (0, 120)  # seconds; 0 keeps a result up until the next one


@dataclass
class Preferences:
    text_size: int = 11
    scanner_prefix: str = ""
    scanner_suffix: str = ""
    ready_after_seconds: int = 5
    high_contrast: bool = False
    current_event: str = ""  # the event every page works on; "" when none has been chosen

    @classmethod
    def load(cls, path: Path) -> Preferences:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            size = int(data.get("text_size", cls.text_size))
            prefix = str(data.get("scanner_prefix", ""))
            suffix = str(data.get("scanner_suffix", ""))
            ready = int(data.get("ready_after_seconds", cls.ready_after_seconds))
            high_contrast = data.get("high_contrast", False) is True
            current_event = data.get("current_event", "")
            if not isinstance(current_event, str) or len(current_event) > 64:
                current_event = ""
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("preferences file %s is unreadable; using defaults", path)
            return cls()
        low, high = READY_AFTER_RANGE
        return cls(
            text_size=max(8, min(size, 32)),
            scanner_prefix=prefix if affix_problem(prefix) is None else "",
            scanner_suffix=suffix if affix_problem(suffix) is None else "",
            ready_after_seconds=max(low, min(ready, high)),
            high_contrast=high_contrast,
            current_event=current_event,
        )

    @property
    def scanner(self) -> ScannerSettings:
        return ScannerSettings(prefix=self.scanner_prefix, suffix=self.scanner_suffix)

    def save(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".partial")
        temporary.write_text(json.dumps(asdict(self)), encoding="utf-8")
        temporary.replace(path)
